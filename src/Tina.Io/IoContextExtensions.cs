using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using System;
using Tina.Advanced;
using Tina.Io.Reactor;
using Tina.Scheduling;

namespace Tina.Io;

/// <summary>
/// Socket I/O from a handler. Each operation method stages one operation on the shard's reactor and returns the
/// <see cref="Effect"/> the handler must return; the isolate then waits (its mail queues meanwhile) until the
/// operation's <see cref="MessageKind.IoCompleted"/> message arrives, carrying an <see cref="IoCompletion"/>:
/// <code>
/// if (message.Kind == MessageKind.IoCompleted &amp;&amp; message.Is(out IoCompletion done)) { ... }
/// </code>
/// An isolate may have one operation outstanding per lane (read: Accept, Receive; write: Connect, Send; control:
/// Listen, Close), so a connection is full duplex; one invocation may start several (on different lanes) and returns
/// their common effect; each completes once, and completions that come while the isolate is busy are delivered
/// when it next waits (<see cref="WaitForIo"/> waits without starting anything). None blocks, throws on a full
/// resource or allocates. Failures come back in the completion as typed <see cref="IoResult"/>s. A timeout of zero
/// takes the <see cref="IoOptions"/> default (<see cref="IoOptions.ReceiveTimeout"/>, <see cref="IoOptions.SendTimeout"/>;
/// none for the others), <see cref="Timeout.InfiniteTimeSpan"/> is none; an operation that does not complete in
/// time ends with <see cref="IoErrorKind.TimedOut"/>.
/// </summary>
/// <remarks>
/// A runtime needs <see cref="IoSpecExtensions.UseIo"/> for these methods; without it they throw
/// <see cref="InvalidOperationException"/>, as they do when the invocation already staged an operation or a call.
/// Sockets are owned by the isolate that opened, accepted or adopted them and are closed when it exits; hand one to
/// another isolate of the shard with <see cref="TransferSocket"/>, or to another shard with
/// <see cref="TryDetachSocket"/>.
/// </remarks>
public static class IoContextExtensions
{
    /// <summary>Default listen backlog.</summary>
    public const int DefaultBacklog = 512;

    /// <summary>
    /// Opens a listening socket (non-blocking, SO_REUSEADDR; SO_REUSEPORT unless turned off, so every shard can
    /// listen on the same port and the kernel spreads connections over them). The completion's socket is the listener.
    /// </summary>
    /// <param name="ctx">The handler's context.</param>
    /// <param name="address">The local address (<see cref="IoAddress.Any"/> for every interface).</param>
    /// <param name="port">The port, 0..65535 (0 picks one; read it with <see cref="LocalPort"/>).</param>
    /// <param name="backlog">Pending connections the kernel queues, 1..65535.</param>
    /// <param name="reusePort">Set SO_REUSEPORT (default true).</param>
    public static Effect Listen(this ref Context ctx, IoAddress address, int port, int backlog = DefaultBacklog, bool reusePort = true)
    {
        CheckPort(port);
        ArgumentOutOfRangeException.ThrowIfLessThan(backlog, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(backlog, 65535);
        IoReactor reactor = Begin(ref ctx, IoOperation.Listen, TimeSpan.Zero, out Handle isolate, out uint sequence);
        reactor.StageListen(isolate, sequence, in address, port, backlog, reusePort);
        return ReactorHost.IoEffect;
    }

    /// <summary>
    /// Accepts one connection on a listener. The completion's socket is the new connection, owned by this isolate.
    /// While the connection table is full or the process is out of descriptors, the accept waits (on a timer, see
    /// <see cref="IoOptions.AcceptBackoff"/>) instead of failing.
    /// </summary>
    public static Effect Accept(this ref Context ctx, SocketHandle listener, TimeSpan timeout = default)
    {
        IoReactor reactor = Begin(ref ctx, IoOperation.Accept, timeout, out Handle isolate, out uint sequence);
        reactor.StageAccept(isolate, sequence, listener);
        return ReactorHost.IoEffect;
    }

    /// <summary>Connects a new socket to a remote address. The completion's socket is the connection, owned by this isolate.</summary>
    public static Effect Connect(this ref Context ctx, IoAddress address, int port, TimeSpan timeout = default)
    {
        CheckPort(port);
        IoReactor reactor = Begin(ref ctx, IoOperation.Connect, timeout, out Handle isolate, out uint sequence);
        reactor.StageConnect(isolate, sequence, in address, port);
        return ReactorHost.IoEffect;
    }

    /// <summary>
    /// Receives up to <paramref name="maxBytes"/>, but never more than <see cref="MaxReceiveBytes"/> (one buffer:
    /// <see cref="IoOptions.BufferSize"/>, at most 64 KiB on io_uring's ring); a larger request is served as that
    /// many and counted (<see cref="IoCounter.ReceivesClamped"/>): TCP is a stream, so loop. Read the bytes with
    /// <see cref="ReceivedData"/> while handling the completion; 0 bytes means the peer closed its side. On io_uring
    /// the first Receive arms the connection's multishot receive, and later ones take bytes that have already
    /// arrived without a syscall; elsewhere each Receive reads into a buffer of the shard's pool.
    /// </summary>
    public static Effect Receive(this ref Context ctx, SocketHandle socket, int maxBytes, TimeSpan timeout = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ReactorOf(ref ctx).NoteReceiveRequest(maxBytes);
        IoReactor reactor = Begin(ref ctx, IoOperation.Receive, timeout, out Handle isolate, out uint sequence);
        reactor.StageReceive(isolate, sequence, socket, maxBytes);
        return ReactorHost.IoEffect;
    }

    /// <summary>
    /// Sends <paramref name="data"/>, copied now into buffers of the shard's pool (so the span may be reused at once).
    /// A payload larger than <see cref="IoOptions.BufferSize"/> is copied into a chain of buffers and written in
    /// order as one send. Completes when every byte is written (short writes are resubmitted), or fails: a payload
    /// the pool cannot hold now completes with <see cref="IoErrorKind.BuffersExhausted"/> (nothing sent). A send that
    /// times out (default <see cref="IoOptions.SendTimeout"/>) closes its connection.
    /// </summary>
    public static Effect Send(this ref Context ctx, SocketHandle socket, scoped ReadOnlySpan<byte> data, TimeSpan timeout = default)
    {
        IoReactor reactor = Begin(ref ctx, IoOperation.Send, timeout, out Handle isolate, out uint sequence);
        reactor.StageSend(isolate, sequence, socket, data);
        return ReactorHost.IoEffect;
    }

    /// <summary>
    /// A gather send: <paramref name="first"/> then <paramref name="second"/> (a header block and a body, say) as one
    /// send, copied now, without allocating or joining them first. Otherwise as <see cref="Send(ref Context, SocketHandle, ReadOnlySpan{byte}, TimeSpan)"/>.
    /// </summary>
    public static Effect Send(this ref Context ctx, SocketHandle socket, scoped ReadOnlySpan<byte> first, scoped ReadOnlySpan<byte> second, TimeSpan timeout = default)
    {
        IoReactor reactor = Begin(ref ctx, IoOperation.Send, timeout, out Handle isolate, out uint sequence);
        reactor.StageSend(isolate, sequence, socket, first, second);
        return ReactorHost.IoEffect;
    }

    /// <summary>A gather send of three parts, in order, as one send (see the two-part overload).</summary>
    public static Effect Send(this ref Context ctx, SocketHandle socket, scoped ReadOnlySpan<byte> first, scoped ReadOnlySpan<byte> second, scoped ReadOnlySpan<byte> third, TimeSpan timeout = default)
    {
        IoReactor reactor = Begin(ref ctx, IoOperation.Send, timeout, out Handle isolate, out uint sequence);
        reactor.StageSend(isolate, sequence, socket, first, second, third);
        return ReactorHost.IoEffect;
    }

    /// <summary>
    /// Sends bytes <paramref name="offset"/>..<paramref name="offset"/>+<paramref name="length"/> of a shard buffer
    /// this isolate rented (<see cref="Context.TryRentBuffer"/>) straight from that buffer: no copy. The isolate keeps
    /// owning it but must neither write nor release it until this send's completion (after a timeout or a
    /// cancellation the kernel may still read it until the connection's close completes, so release it only after
    /// the Close's completion then).
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is not one this isolate owns on this shard.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the buffer.</exception>
    public static unsafe Effect Send(this ref Context ctx, SocketHandle socket, BufferRef buffer, int offset, int length, TimeSpan timeout = default)
    {
        IoReactor reactor = ReactorOf(ref ctx);
        Span<byte> bytes = ctx.GetBuffer(buffer);
        if (bytes.IsEmpty || ReactorHost.ShardOf(buffer) != ReactorHost.Of(ref ctx).ShardId)
        {
            throw new ArgumentException("Send from a buffer needs a shard buffer this isolate owns on its own shard.", nameof(buffer));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)offset + length, bytes.Length, nameof(length));
        Begin(ref ctx, IoOperation.Send, timeout, out Handle isolate, out uint sequence);

        // The shard's buffers live in one pinned array (never moved by the GC), so the address stays valid.
        nint data = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(bytes)) + offset;
        reactor.StageSendOwned(isolate, sequence, socket, data, length);
        return ReactorHost.IoEffect;
    }

    /// <summary>
    /// Closes a socket. Its handle is stale at once; operations in flight on it (this isolate's other lanes
    /// included) complete with <see cref="IoErrorKind.Cancelled"/>. The completion comes when the backend has closed
    /// it. <paramref name="abortive"/>: SO_LINGER 0 first, so unsent bytes are dropped and the peer sees a reset
    /// (ECONNRESET) instead of an end of stream (counted as <see cref="IoCounter.AbortiveCloses"/>; not on IOCP yet).
    /// </summary>
    public static Effect Close(this ref Context ctx, SocketHandle socket, bool abortive = false)
    {
        IoReactor reactor = Begin(ref ctx, IoOperation.Close, TimeSpan.Zero, out Handle isolate, out uint sequence);
        reactor.StageClose(isolate, sequence, socket, abortive);
        return ReactorHost.IoEffect;
    }

    /// <summary>
    /// Fire-and-forget close: closes the socket without a completion and without an Io effect, so a listener or a
    /// session can drop a connection and go on in the same invocation. The handle is stale at once; operations in
    /// flight on it complete with <see cref="IoErrorKind.Cancelled"/> (this isolate's own ones when it next waits for
    /// I/O). <paramref name="abortive"/> as for <see cref="Close"/>. False for a stale handle.
    /// </summary>
    public static bool CloseNow(this ref Context ctx, SocketHandle socket, bool abortive = false) =>
        ReactorOf(ref ctx).CloseNow(socket, abortive);

    /// <summary>
    /// The bytes a successful Receive brought. The span is valid only during the invocation that handles that
    /// completion: the buffer returns to the pool (or the ring) at the next Collect and is reused. To keep the bytes
    /// longer, copy them or <see cref="KeepReceived"/>. Empty for any other completion (another operation, a failed
    /// or 0-byte receive), for another isolate, and for a completion whose buffer was already taken back; asking for
    /// the bytes of a successful receive and getting none is counted (<see cref="IoCounter.ReceivedDataRefused"/>).
    /// </summary>
    public static ReadOnlySpan<byte> ReceivedData(this scoped ref Context ctx, scoped in IoCompletion completion)
    {
        if (completion.Operation != IoOperation.Receive || completion.Buffer < 0 || ReactorHost.Of(ref ctx).Reactor is not IoReactor reactor)
        {
            return ReadOnlySpan<byte>.Empty;
        }

        return reactor.ReceivedDataChecked(ReactorHost.Of(ref ctx).CurrentHandle, in completion);
    }

    /// <summary>
    /// Keeps a receive's buffer beyond the invocation handling its completion, so the bytes can be parsed later
    /// without a copy. False when the completion carries no bytes of this isolate's. Read them with
    /// <see cref="KeptData"/>; give the buffer back with <see cref="ReleaseKept"/> (or it goes back when the isolate
    /// exits). While kept it is out of the shard's pool (or the io_uring ring).
    /// </summary>
    public static bool KeepReceived(this ref Context ctx, in IoCompletion completion, out KeptReceive kept) =>
        ReactorOf(ref ctx).KeepReceived(ReactorHost.Of(ref ctx).CurrentHandle, in completion, out kept);

    /// <summary>The bytes of a kept receive, valid until <see cref="ReleaseKept"/>; empty when not kept by this isolate.</summary>
    public static ReadOnlySpan<byte> KeptData(this ref Context ctx, in KeptReceive kept) =>
        ReactorOf(ref ctx).KeptData(ReactorHost.Of(ref ctx).CurrentHandle, in kept);

    /// <summary>Gives a kept receive's buffer back (at the next Collect). False when this isolate does not keep it.</summary>
    public static bool ReleaseKept(this ref Context ctx, in KeptReceive kept) =>
        ReactorOf(ref ctx).ReleaseKept(ReactorHost.Of(ref ctx).CurrentHandle, in kept);

    /// <summary>The largest payload one copied <see cref="Send(ref Context, SocketHandle, ReadOnlySpan{byte}, TimeSpan)"/> can take: the whole pool (<see cref="IoOptions.BufferCount"/> × <see cref="IoOptions.BufferSize"/>, at most 2 GiB), when free.</summary>
    public static int MaxSendBytes(this ref Context ctx) => ReactorOf(ref ctx).MaxSendBytes;

    /// <summary>The most bytes one Receive returns (one buffer; see <see cref="Receive"/>).</summary>
    public static int MaxReceiveBytes(this ref Context ctx) => ReactorOf(ref ctx).MaxReceiveBytes;

    /// <summary>The local port of a listener or connection of this shard, or -1 for a stale handle.</summary>
    public static int LocalPort(this ref Context ctx, SocketHandle socket) => ReactorOf(ref ctx).LocalPort(socket);

    /// <summary>
    /// The remote address of a connection of this shard (getpeername on Linux), for per-client limits and logs. False
    /// for a stale handle, a listener, or a backend that cannot tell (IOCP and the simulated network: not wired yet).
    /// </summary>
    public static bool TryGetPeerAddress(this ref Context ctx, SocketHandle socket, out IoAddress address) =>
        ReactorOf(ref ctx).TryGetPeerAddress(socket, out address);

    /// <summary>
    /// Shuts the connection's send side now (shutdown SHUT_WR on Linux: epoll and io_uring): the peer reads the bytes
    /// already sent, then an end of stream, while this side can still receive (a lingering close: read and drop what
    /// the peer is still sending, so closing with unread bytes does not reset the connection and discard the answer).
    /// Call it with no Send in flight on the socket (a later Send fails). Synchronous, no completion, no Io effect.
    /// False for a stale handle, a socket that is not an open connection, or a backend that cannot (IOCP and the
    /// simulated network: not wired; close as before).
    /// </summary>
    public static bool ShutdownSend(this ref Context ctx, SocketHandle socket) => ReactorOf(ref ctx).ShutdownSend(socket);

    /// <summary>
    /// Makes another isolate of this shard the socket's owner (its exit will close it). Only the current owner may
    /// do this. False for a stale socket, an owner elsewhere, or a dead or remote new owner.
    /// </summary>
    public static bool TransferSocket(this ref Context ctx, SocketHandle socket, Handle newOwner) =>
        ReactorOf(ref ctx).TransferOwnership(ReactorHost.Of(ref ctx).CurrentHandle, socket, newOwner);

    /// <summary>
    /// Takes a connection out of this shard's table so an isolate on another shard can adopt it: send the
    /// <see cref="DetachedSocket"/> in a message. Only for an open connection this isolate owns with no operation in
    /// flight and nothing received ahead: on io_uring, once a Receive has armed the connection's multishot receive the
    /// connection stays on its shard (bytes the kernel takes belong here), so hand a socket off before its first
    /// Receive. The handle is stale afterwards. If the message cannot be sent, adopt it back and close it.
    /// </summary>
    public static bool TryDetachSocket(this ref Context ctx, SocketHandle socket, out DetachedSocket detached) =>
        ReactorOf(ref ctx).TryDetach(ReactorHost.Of(ref ctx).CurrentHandle, socket, out detached);

    /// <summary>
    /// Installs a detached connection in this shard's table, owned by this isolate. False when the table is full
    /// (the detached socket is still open: try again later or <see cref="CloseDetachedSocket"/>).
    /// </summary>
    public static bool TryAdoptSocket(this ref Context ctx, in DetachedSocket detached, out SocketHandle socket) =>
        ReactorOf(ref ctx).TryAdopt(ReactorHost.Of(ref ctx).CurrentHandle, in detached, out socket);

    /// <summary>Closes a detached connection that nobody will adopt.</summary>
    public static void CloseDetachedSocket(this ref Context ctx, in DetachedSocket detached) =>
        ReactorOf(ref ctx).CloseDetached(in detached);

    /// <summary>
    /// Waits for the next completion of this isolate's outstanding operations without starting a new one (full
    /// duplex: for example a Receive still in flight after its Send completed). Completions that came while the
    /// isolate was handling something else are delivered first, oldest first.
    /// </summary>
    /// <exception cref="InvalidOperationException">The isolate has no operation outstanding.</exception>
    public static Effect WaitForIo(this ref Context ctx)
    {
        IoReactor reactor = ReactorOf(ref ctx);
        ReactorHost shard = ReactorHost.Of(ref ctx);
        if (!reactor.HasOutstanding(shard.CurrentHandle))
        {
            throw new InvalidOperationException("WaitForIo needs an outstanding I/O operation; nothing would ever complete.");
        }

        Begin(ref ctx, IoOperation.None, TimeSpan.Zero, out Handle isolate, out uint sequence);
        reactor.StageWait(isolate, sequence);
        return ReactorHost.IoEffect;
    }

    /// <summary>
    /// True when this isolate may start an operation of that kind now: it has none outstanding on the same lane
    /// (read: Accept, Receive; write: Connect, Send; control: Listen, Close).
    /// </summary>
    public static bool CanStart(this ref Context ctx, IoOperation operation) =>
        ReactorOf(ref ctx).IsLaneFree(ReactorHost.Of(ref ctx).CurrentHandle, operation);

    private static IoReactor Begin(ref Context ctx, IoOperation operation, TimeSpan timeout, out Handle isolate, out uint sequence)
    {
        if ((timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan) || timeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(timeout), timeout, "An I/O timeout is zero (the default of IoOptions), Timeout.InfiniteTimeSpan (none) or positive, at most one day.");
        }

        IoReactor reactor = ReactorOf(ref ctx);
        ReactorHost shard = ReactorHost.Of(ref ctx);
        if (operation != IoOperation.None && !reactor.IsLaneFree(shard.CurrentHandle, operation))
        {
            throw new InvalidOperationException(
                $"This isolate already has an I/O operation outstanding on the lane {operation} uses (one per lane: read = Accept, Receive; write = Connect, Send; control = Listen, Close).");
        }

        bool first = !shard.IoStagedInInvocation;
        if (!shard.TryBeginIo(TimeSpan.Zero, out isolate, out sequence))
        {
            throw new InvalidOperationException("An I/O operation needs a handler invocation that has not staged a call.");
        }

        reactor.PrepareStage(first, operation, timeout); // timeouts are the reactor's: several operations may be outstanding
        return reactor;
    }

    private static IoReactor ReactorOf(ref Context ctx)
    {
        ReactorHost shard = ReactorHost.Of(ref ctx);
        if (shard.Reactor is not IoReactor reactor || !shard.InInvocation)
        {
            throw new InvalidOperationException("Socket I/O needs TinaSpec.UseIo(...) and a running handler.");
        }

        return reactor;
    }

    private static void CheckPort(int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
    }
}
