using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Tina.Io.Interop;
using Tina.Io.Reactor;

namespace Tina.Io.Backends.Simulated;

/// <summary>
/// A deterministic in-memory TCP network that carries real bytes between simulated sockets: listen, accept,
/// connect, receive, send, close, with knobs for delay, loss, reordering, resets, injected errors and partitions.
/// </summary>
/// <remarks>
/// <para>Time is the caller's: <see cref="Advance"/> runs every event due at or before <c>now</c>, in (time, order of
/// scheduling) order, and <see cref="NextEventTime"/> says when the next one is due, so a simulator can jump its
/// clock. Every random choice comes from the <see cref="INetworkRandom"/> passed in, in the order the calls arrive:
/// the same seed and the same calls give the same run, bit for bit.</para>
/// <para>Streams are TCP-like: a send copies what fits in the receiver's window (a short write when it is full, a
/// parked send when it is empty) and schedules its delivery no earlier than the stream's previous delivery, so one
/// connection's bytes arrive in order while different connections interleave. Loss is modelled as retransmission
/// (a later delivery), a partition holds traffic to and from an endpoint until it heals, and a reset or an injected
/// error fails operations with an errno, as a kernel would.</para>
/// <para>Sockets are shared by every shard's backend (a detached socket keeps working after another shard adopts
/// it); each operation's completion goes to the sink (backend) that submitted it. One lock guards everything, so the
/// network also works under threaded shards, but only a single-threaded driver makes a run reproducible.</para>
/// <para>With <see cref="SimulatedNetworkOptions.ProvidedBufferCount"/> above 0 each sink owns a pool of provided
/// receive buffers and <see cref="IoOpCode.ReceiveMultishot"/> runs as on io_uring: the arm stays parked on the
/// socket's read lane and posts one completion per buffer it fills (BufferSelected | More | id), until no buffer is
/// free (−ENOBUFS), the peer closes (0), the connection resets, an injected error, a cancel or a close ends it; every
/// ending completion lacks More.</para>
/// <para>With <see cref="SimulatedNetworkOptions.MultishotAccept"/> on, <see cref="IoOpCode.AcceptMultishot"/> runs as on
/// io_uring: the arm stays parked on the listener's read lane and posts one completion per connection (the new socket's
/// id, More), in accept-queue order, until a cancel or the listener's close (−ECANCELED), an injected error or an
/// injected EMFILE (<see cref="SimulatedNetworkOptions.AcceptEmfilePerMillion"/>; the connection stays queued) ends it,
/// without More. Off, it runs as a single accept whose completion lacks More.</para>
/// </remarks>
internal sealed unsafe class SimulatedNetwork
{
    private const int EphemeralPortFirst = 49152;
    private const int EphemeralPortLast = 65535;

    private readonly SimulatedNetworkOptions _options;
    private readonly INetworkRandom _random;
    private readonly Lock _gate = new();
    private readonly SimSocket?[] _sockets;          // by id - 1
    private readonly Stack<int> _freeIds = new();    // reusable ids (LIFO, like descriptors)
    private readonly Stack<byte[]> _windows = new(); // receive windows of closed sockets, reused
    private readonly List<CompletionQueue> _sinks = new();
    private readonly List<SimulatedProvidedBuffers?> _pools = new(); // by sink; null: none (feature off, or detached)
    private int _providedBufferCount;                // fixed once a sink attaches, so every sink gets the same pool
    private int _providedBufferSize;
    private bool _multishotAccept;                   // fixed once a sink attaches, so every backend reports the same
    private readonly List<(IoAddress Address, int Port)> _partitions = new();
    private readonly List<SimSocket> _listeners = new();  // listening sockets, in creation order
    private NetEvent[] _heap = new NetEvent[256];    // binary min-heap on (Time, Order)
    private int _heapCount;
    private long _order;
    private long _now;
    private int _nextId = 1;
    private int _nextEphemeralPort = EphemeralPortFirst;
    private int _liveSockets;
    private uint _incarnations;                      // last incarnation given out: events of a closed socket's id are ignored

    public SimulatedNetwork(SimulatedNetworkOptions options, INetworkRandom random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        if (options.ReceiveWindowBytes < 1 || (options.ReceiveWindowBytes & (options.ReceiveWindowBytes - 1)) != 0)
        {
            throw new ArgumentException("ReceiveWindowBytes must be a power of two.", nameof(options));
        }

        _options = options;
        _random = random;
        _sockets = new SimSocket?[options.SocketCapacity];
        SetProvidedBuffers(options.ProvidedBufferCount, options.ProvidedBufferSize);
        SetMultishotAccept(options.MultishotAccept);
    }

    /// <summary>
    /// Sets the provided receive buffers each sink will own (0 turns multishot receive off). Only before the first
    /// backend attaches: a simulation run draws it per seed after building its network.
    /// </summary>
    public void SetProvidedBuffers(int count, int size)
    {
        if (count < 0 || count > SimulatedProvidedBuffers.MaxCount)
        {
            throw new ArgumentException($"ProvidedBufferCount must be from 0 to {SimulatedProvidedBuffers.MaxCount}.", nameof(count));
        }

        if (count > 0 && (size < 1 || size > SimulatedProvidedBuffers.MaxSize))
        {
            throw new ArgumentException($"ProvidedBufferSize must be from 1 to {SimulatedProvidedBuffers.MaxSize}.", nameof(size));
        }

        lock (_gate)
        {
            if (_sinks.Count > 0)
            {
                throw new InvalidOperationException("Provided buffers are fixed once a backend has attached.");
            }

            _providedBufferCount = count;
            _providedBufferSize = count > 0 ? size : 0;
        }
    }

    /// <summary>
    /// Turns multishot accept on or off for every backend to come. Only before the first backend attaches: a simulation
    /// run draws it per seed after building its network.
    /// </summary>
    public void SetMultishotAccept(bool on)
    {
        lock (_gate)
        {
            if (_sinks.Count > 0)
            {
                throw new InvalidOperationException("Multishot accept is fixed once a backend has attached.");
            }

            _multishotAccept = on;
        }
    }

    public SimulatedNetworkOptions Options => _options;

    /// <summary>
    /// True when a driver (the deterministic simulator's network component) advances the network once per round
    /// itself: the shards' backends then only submit and drain, and never move the network's clock.
    /// </summary>
    public bool DrivenExternally { get; set; }

    /// <summary>Sees every byte written into and read out of a stream (the simulator's byte ledger); null for none.</summary>
    public ISimulatedNetworkObserver? Observer { get; set; }

    /// <summary>Listening sockets open now.</summary>
    public int ListenerCount
    {
        get
        {
            lock (_gate)
            {
                return _listeners.Count;
            }
        }
    }

    /// <summary>Sockets open now (listeners and connection ends).</summary>
    public int LiveSockets
    {
        get
        {
            lock (_gate)
            {
                return _liveSockets;
            }
        }
    }

    /// <summary>When the next event is due, or <see cref="long.MaxValue"/> when none is scheduled.</summary>
    public long NextEventTime
    {
        get
        {
            lock (_gate)
            {
                return _heapCount > 0 ? _heap[0].Time : long.MaxValue;
            }
        }
    }

    /// <summary>Provided receive buffers each sink owns (0: multishot receive is off); fixed once a backend attaches.</summary>
    public int ProvidedBufferCount => _providedBufferCount;

    /// <summary>Bytes in each provided receive buffer; 0 when there are none.</summary>
    public int ProvidedBufferSize => _providedBufferSize;

    /// <summary>Whether <see cref="IoOpCode.AcceptMultishot"/> stays armed (otherwise it runs as one accept); fixed once a backend attaches.</summary>
    public bool MultishotAccept => _multishotAccept;

    /// <summary>A backend joins: its completions get their own queue, and it gets its own provided buffers (if any).</summary>
    public int AttachSink()
    {
        lock (_gate)
        {
            _sinks.Add(new CompletionQueue(64));
            _pools.Add(_providedBufferCount > 0 ? new SimulatedProvidedBuffers(_providedBufferCount, _providedBufferSize) : null);
            return _sinks.Count - 1;
        }
    }

    /// <summary>
    /// A backend leaves (its Dispose): its provided buffers are freed. A multishot receive of the sink still armed ends
    /// with −ENOBUFS at its next data, into a queue nobody drains any more, and never touches the freed memory.
    /// </summary>
    public void DetachSink(int sink)
    {
        lock (_gate)
        {
            _pools[sink]?.Dispose();
            _pools[sink] = null;
        }
    }

    /// <summary>The first <paramref name="length"/> bytes of a provided buffer lent to <paramref name="sink"/>; valid until returned.</summary>
    /// <exception cref="NotSupportedException">The sink has no provided buffers.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No such buffer, or <paramref name="length"/> is larger than a buffer.</exception>
    /// <exception cref="InvalidOperationException">The buffer is not lent out.</exception>
    public ReadOnlySpan<byte> GetProvidedBuffer(int sink, ushort bufferId, int length)
    {
        lock (_gate)
        {
            return PoolOf(sink).Get(bufferId, length);
        }
    }

    /// <summary>Gives a provided buffer back to <paramref name="sink"/>'s pool; an arm may fill it again from now on.</summary>
    /// <exception cref="NotSupportedException">The sink has no provided buffers.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No such buffer.</exception>
    /// <exception cref="InvalidOperationException">The buffer is not lent out (returned twice, or never received).</exception>
    public void ReturnProvidedBuffer(int sink, ushort bufferId)
    {
        lock (_gate)
        {
            PoolOf(sink).Return(bufferId);
        }
    }

    /// <summary>Provided buffers of <paramref name="sink"/> lent out and not returned (completions not yet drained included).</summary>
    public int LentProvidedBuffers(int sink)
    {
        lock (_gate)
        {
            return _pools[sink]?.Lent ?? 0;
        }
    }

    /// <summary>Runs every event due at or before <paramref name="now"/> (time never goes back).</summary>
    public void Advance(long now)
    {
        lock (_gate)
        {
            if (now > _now)
            {
                _now = now;
            }

            while (_heapCount > 0 && _heap[0].Time <= _now)
            {
                NetEvent next = PopEvent();
                Run(in next);
            }
        }
    }

    /// <summary>True when the sink has completions waiting.</summary>
    public bool HasReady(int sink)
    {
        lock (_gate)
        {
            return _sinks[sink].Count > 0;
        }
    }

    /// <summary>Moves a sink's completions into <paramref name="destination"/>; returns how many.</summary>
    public int Drain(int sink, Span<IoCompletionEntry> destination)
    {
        lock (_gate)
        {
            return _sinks[sink].Drain(destination);
        }
    }

    // ---- partitions ----------------------------------------------------------------------------------------------

    /// <summary>Cuts an endpoint (port 0: every port of the address) off: its traffic waits, its connects retry.</summary>
    public void Partition(IoAddress address, int port)
    {
        lock (_gate)
        {
            if (!_partitions.Contains((address, port)))
            {
                _partitions.Add((address, port));
            }
        }
    }

    /// <summary>Ends a partition made by <see cref="Partition"/>; held traffic flows at its next retry.</summary>
    public void Heal(IoAddress address, int port)
    {
        lock (_gate)
        {
            _partitions.Remove((address, port));
        }
    }

    /// <summary>Ends every partition.</summary>
    public void HealAll()
    {
        lock (_gate)
        {
            _partitions.Clear();
        }
    }

    // ---- synchronous socket calls (ISocketLayer of the simulated backend) ----------------------------------------

    public int OpenListener(in IoAddress address, int port, int backlog, bool reusePort, out int id)
    {
        lock (_gate)
        {
            id = -1;
            if (port == 0)
            {
                port = NextEphemeralPort();
            }

            foreach (SimSocket other in _listeners)
            {
                if (other.LocalPort == port && other.LocalAddress == address && !(reusePort && other.ReusePort))
                {
                    return Errno.EADDRINUSE;
                }
            }

            if (!TryCreate(SocketKind.Listener, out SimSocket socket))
            {
                return Errno.EMFILE;
            }

            socket.LocalAddress = address;
            socket.LocalPort = port;
            socket.Backlog = backlog;
            socket.ReusePort = reusePort;
            _listeners.Add(socket);
            id = socket.Id;
            return 0;
        }
    }

    public int OpenStream(out int id)
    {
        lock (_gate)
        {
            id = -1;
            if (!TryCreate(SocketKind.Stream, out SimSocket socket))
            {
                return Errno.EMFILE;
            }

            id = socket.Id;
            return 0;
        }
    }

    public int LocalPort(int id)
    {
        lock (_gate)
        {
            return Find(id) is { } socket ? socket.LocalPort : -1;
        }
    }

    /// <summary>SO_LINGER 0: the socket's close resets its peer.</summary>
    public void SetAbortive(int id)
    {
        lock (_gate)
        {
            if (Find(id) is { } socket)
            {
                socket.Abortive = true;
            }
        }
    }

    /// <summary>Closes a socket directly (one no operation was submitted for, or a stale accepted one).</summary>
    public void CloseDirect(int id)
    {
        lock (_gate)
        {
            if (Find(id) is { } socket)
            {
                CloseSocket(socket);
            }
        }
    }

    // ---- asynchronous operations ---------------------------------------------------------------------------------

    /// <summary>Starts one operation for a sink; results that are ready now are queued at once.</summary>
    public void Submit(int sink, in IoSubmission submission, long now)
    {
        lock (_gate)
        {
            if (now > _now)
            {
                _now = now;
            }

            if (submission.Op == IoOpCode.ReceiveMultishot && _pools[sink] is null)
            {
                Complete(sink, submission.Token, -Errno.EOPNOTSUPP); // as io_uring without a buffer ring: before any lookup
                return;
            }

            SimSocket? socket = Find(submission.Descriptor);
            if (socket is null)
            {
                Complete(sink, submission.Token, -Errno.EBADF);
                return;
            }

            switch (submission.Op)
            {
                case IoOpCode.Accept:
                case IoOpCode.AcceptMultishot:
                case IoOpCode.Receive:
                case IoOpCode.ReceiveMultishot:
                case IoOpCode.Send:
                case IoOpCode.Connect:
                    StartOperation(sink, socket, in submission);
                    break;
                case IoOpCode.Close:
                    CloseSocket(socket);
                    Complete(sink, submission.Token, 0);
                    break;
                case IoOpCode.Cancel:
                    Complete(sink, submission.Token, CancelParked(socket, submission.TargetToken) ? 0 : -Errno.ENOENT);
                    break;
                case IoOpCode.Detach:
                    Complete(sink, submission.Token, 0); // sockets belong to the network; the adopter's backend takes over
                    break;
                default:
                    Complete(sink, submission.Token, -Errno.EINVAL);
                    break;
            }
        }
    }

    private void StartOperation(int sink, SimSocket socket, in IoSubmission s)
    {
        bool read = s.Op is IoOpCode.Accept or IoOpCode.AcceptMultishot or IoOpCode.Receive or IoOpCode.ReceiveMultishot;
        ref ParkedOp lane = ref read ? ref socket.Read : ref socket.Write;
        if (lane.Active)
        {
            Complete(sink, s.Token, -Errno.EBUSY);
            return;
        }

        if (_random.Chance(_options.ErrorPerMillion))
        {
            Complete(sink, s.Token, -_options.ErrorNumber);
            return;
        }

        // Without the capability a multishot accept is a single accept (its completion lacks More), as the contract says.
        IoOpCode op = s.Op == IoOpCode.AcceptMultishot && !_multishotAccept ? IoOpCode.Accept : s.Op;
        lane = new ParkedOp { Active = true, Sink = sink, Token = s.Token, Op = op, Buffer = s.Buffer, Length = s.Length };
        switch (op)
        {
            case IoOpCode.Accept:
            case IoOpCode.AcceptMultishot:
                TryAccept(socket);
                break;
            case IoOpCode.Receive:
            case IoOpCode.ReceiveMultishot:
                TryReceive(socket);
                break;
            case IoOpCode.Send:
                TrySend(socket);
                break;
            default:
                StartConnect(socket, in s);
                break;
        }
    }

    private void StartConnect(SimSocket socket, in IoSubmission s)
    {
        if (socket.Kind != SocketKind.Stream || socket.Peer != 0 || socket.Connecting
            || !SockAddr.TryDecode((byte*)s.Address, s.AddressLength, Libc.AF_INET, Libc.AF_INET6, out IoAddress address, out int port))
        {
            Finish(ref socket.Write, socket.Kind == SocketKind.Stream && socket.Peer != 0 ? -Errno.EISCONN : -Errno.EINVAL);
            return;
        }

        socket.Connecting = true;
        socket.RemoteAddress = address;
        socket.RemotePort = port;
        socket.LocalAddress = address.IsIPv6 ? IoAddress.IPv6Loopback : IoAddress.Loopback;
        socket.LocalPort = NextEphemeralPort();
        Schedule(_now + SegmentDelay(), EventKind.ConnectArrive, socket, 0);
    }

    private void TryAccept(SimSocket listener)
    {
        if (!listener.Read.Active)
        {
            return;
        }

        if (listener.Kind != SocketKind.Listener)
        {
            Finish(ref listener.Read, -Errno.EINVAL);
            return;
        }

        if (listener.Read.Op == IoOpCode.AcceptMultishot)
        {
            AcceptIntoArm(listener);
            return;
        }

        if (listener.AcceptQueue.Count > 0)
        {
            SimSocket accepted = listener.AcceptQueue.Dequeue();
            Finish(ref listener.Read, accepted.Id);
        }
    }

    /// <summary>
    /// An armed multishot accept on a listener: takes every queued connection, one completion with More each, in queue
    /// order, as the kernel's multishot accept loops until the backlog is empty. Before each connection it draws an
    /// injected error, then an injected EMFILE (each only when its rate is above 0, so runs without them draw nothing
    /// more); either ends the arm without More and leaves the connection queued for a later accept.
    /// </summary>
    private void AcceptIntoArm(SimSocket listener)
    {
        ref ParkedOp op = ref listener.Read;
        while (listener.AcceptQueue.Count > 0)
        {
            if (_random.Chance(_options.ErrorPerMillion))
            {
                Finish(ref op, -_options.ErrorNumber);
                return;
            }

            if (_random.Chance(_options.AcceptEmfilePerMillion))
            {
                Finish(ref op, -Errno.EMFILE); // out of descriptors: the kernel ends the arm; the connection waits
                return;
            }

            SimSocket accepted = listener.AcceptQueue.Dequeue();
            Complete(op.Sink, op.Token, accepted.Id, IoCompletionFlags.More);
        }
    }

    private void TryReceive(SimSocket socket)
    {
        ref ParkedOp op = ref socket.Read;
        if (!op.Active)
        {
            return;
        }

        if (socket.Kind != SocketKind.Stream || (socket.Peer == 0 && !socket.Reset && !socket.FinDelivered))
        {
            Finish(ref op, -Errno.ENOTCONN);
            return;
        }

        if (socket.Reset)
        {
            Finish(ref op, -Errno.ECONNRESET);
            return;
        }

        if (op.Op == IoOpCode.ReceiveMultishot)
        {
            ReceiveIntoProvidedBuffers(socket);
            return;
        }

        long available = socket.Delivered - socket.Consumed;
        if (available > 0)
        {
            int count = (int)Math.Min(available, op.Length);
            CopyOut(socket, new Span<byte>((void*)op.Buffer, count));
            Observer?.OnRead(socket.Incarnation, socket.Consumed, new ReadOnlySpan<byte>((void*)op.Buffer, count));
            socket.Consumed += count;
            Finish(ref op, count);
            if (PeerOf(socket) is { } sender)
            {
                TrySend(sender); // the window opened: a parked send may go on
            }

            return;
        }

        if (socket.FinDelivered)
        {
            Finish(ref op, 0);
        }
    }

    /// <summary>
    /// An armed multishot receive with the socket connected and not reset: fills provided buffers while bytes are
    /// readable, one completion with More each, as the kernel's multishot receive loops until the socket is empty.
    /// </summary>
    private void ReceiveIntoProvidedBuffers(SimSocket socket)
    {
        ref ParkedOp op = ref socket.Read;
        long available = socket.Delivered - socket.Consumed;
        if (available > 0)
        {
            // The one-shot receive draws its injected error only at submission; an arm lives on, so each data event
            // may fail it too (no bytes taken: they stay for the next arm). Drawn before any buffer is taken, once per
            // event, so the order of draws is fixed by the order of events.
            if (_random.Chance(_options.ErrorPerMillion))
            {
                Finish(ref op, -_options.ErrorNumber);
                return;
            }

            SimulatedProvidedBuffers? pool = _pools[op.Sink];
            long before = socket.Consumed;
            while (available > 0)
            {
                if (pool is null || !pool.TryLend(out ushort id, out Span<byte> buffer))
                {
                    Finish(ref op, -Errno.ENOBUFS); // the kernel ends the arm; the bytes wait for a re-arm
                    break;
                }

                int count = (int)Math.Min(available, buffer.Length);
                Span<byte> filled = buffer[..count];
                CopyOut(socket, filled);
                Observer?.OnRead(socket.Incarnation, socket.Consumed, filled);
                socket.Consumed += count;
                available -= count;
                Complete(op.Sink, op.Token, count,
                    IoCompletionFlags.BufferSelected | IoCompletionFlags.More | ((uint)id << IoCompletionFlags.BufferIdShift));
            }

            if (socket.Consumed != before && PeerOf(socket) is { } sender)
            {
                TrySend(sender); // the window opened: a parked send may go on
            }

            if (!op.Active)
            {
                return;
            }
        }

        if (socket.FinDelivered)
        {
            Finish(ref op, 0); // every byte read and the peer closed: the arm ends, as the kernel's does at EOF
        }
    }

    private void TrySend(SimSocket socket)
    {
        ref ParkedOp op = ref socket.Write;
        if (!op.Active || op.Op != IoOpCode.Send)
        {
            return;
        }

        if (socket.Reset)
        {
            Finish(ref op, -Errno.ECONNRESET);
            return;
        }

        SimSocket? receiver = PeerOf(socket);
        if (socket.Kind != SocketKind.Stream || socket.Peer == 0)
        {
            Finish(ref op, -Errno.ENOTCONN);
            return;
        }

        if (receiver is null || receiver.Closed)
        {
            Finish(ref op, -Errno.EPIPE);
            return;
        }

        long space = receiver.Window.Length - (receiver.Written - receiver.Consumed);
        if (space <= 0)
        {
            return; // parked until the reader consumes
        }

        int count = (int)Math.Min(space, op.Length);
        CopyIn(receiver, new ReadOnlySpan<byte>((void*)op.Buffer, count));
        Observer?.OnWritten(receiver.Incarnation, receiver.Written, new ReadOnlySpan<byte>((void*)op.Buffer, count));
        receiver.Written += count;
        long at = Math.Max(_now + SegmentDelay(), receiver.LastDeliverAt);
        receiver.LastDeliverAt = at;
        Schedule(at, EventKind.Deliver, receiver, receiver.Written);
        Finish(ref op, count);
        if (_random.Chance(_options.ResetPerMillion))
        {
            Schedule(_now + SegmentDelay(), EventKind.Reset, socket, 0);
            Schedule(_now + SegmentDelay(), EventKind.Reset, receiver, 0);
        }
    }

    private bool CancelParked(SimSocket socket, ulong target)
    {
        bool found = false;
        if (socket.Read.Active && (target == 0 || socket.Read.Token == target))
        {
            Finish(ref socket.Read, -Errno.ECANCELED);
            found = true;
        }

        if (socket.Write.Active && (target == 0 || socket.Write.Token == target))
        {
            Finish(ref socket.Write, -Errno.ECANCELED);
            if (socket.Connecting)
            {
                socket.Connecting = false;
                socket.ConnectAbandoned = true;
            }

            found = true;
        }

        return found;
    }

    private void CloseSocket(SimSocket socket)
    {
        if (socket.Read.Active)
        {
            Finish(ref socket.Read, -Errno.ECANCELED);
        }

        if (socket.Write.Active)
        {
            Finish(ref socket.Write, -Errno.ECANCELED);
        }

        if (socket.Kind == SocketKind.Listener)
        {
            while (socket.AcceptQueue.Count > 0)
            {
                SimSocket pending = socket.AcceptQueue.Dequeue();
                if (PeerOf(pending) is { } client)
                {
                    Schedule(_now + SegmentDelay(), EventKind.Reset, client, 0);
                }

                Release(pending);
            }
        }
        else if (socket.Abortive && PeerOf(socket) is { } aborted && !aborted.Closed)
        {
            Schedule(_now + SegmentDelay(), EventKind.Reset, aborted, 0); // RST: unsent bytes are dropped
        }
        else if (PeerOf(socket) is { } peer && !peer.Closed)
        {
            // FIN after every byte already sent.
            long at = Math.Max(_now + SegmentDelay(), peer.LastDeliverAt);
            peer.LastDeliverAt = at;
            Schedule(at, EventKind.Fin, peer, peer.Written);
        }

        Release(socket);
    }

    // ---- events --------------------------------------------------------------------------------------------------

    private void Run(in NetEvent e)
    {
        SimSocket? socket = Find(e.Socket);
        if (socket is null || socket.Incarnation != e.Incarnation)
        {
            return; // the socket closed meanwhile
        }

        switch (e.Kind)
        {
            case EventKind.ConnectArrive:
                OnConnectArrive(socket);
                break;
            case EventKind.ConnectEstablished:
                socket.Connecting = false;
                if (socket.Write.Active && socket.Write.Op == IoOpCode.Connect)
                {
                    Finish(ref socket.Write, 0);
                }

                break;
            case EventKind.ConnectRefused:
                socket.Connecting = false;
                socket.Peer = 0;
                if (socket.Write.Active && socket.Write.Op == IoOpCode.Connect)
                {
                    Finish(ref socket.Write, -Errno.ECONNREFUSED);
                }

                break;
            case EventKind.Deliver:
            case EventKind.Fin:
                OnDeliver(socket, in e);
                break;
            case EventKind.Reset:
                socket.Reset = true;
                TryReceive(socket);
                TrySend(socket);
                break;
            default:
                Debug.Fail("unknown network event");
                break;
        }
    }

    private void OnConnectArrive(SimSocket client)
    {
        if (client.ConnectAbandoned)
        {
            return;
        }

        if (IsPartitioned(client.RemoteAddress, client.RemotePort) || _random.Chance(_options.DropPerMillion))
        {
            Schedule(_now + _options.RetransmitNanoseconds, EventKind.ConnectArrive, client, 0); // SYN retransmitted
            return;
        }

        SimSocket? listener = PickListener(client.RemoteAddress, client.RemotePort);
        if (listener is null || listener.AcceptQueue.Count >= listener.Backlog || !TryCreate(SocketKind.Stream, out SimSocket server))
        {
            Schedule(_now + SegmentDelay(), EventKind.ConnectRefused, client, 0);
            return;
        }

        server.LocalAddress = client.RemoteAddress;
        server.LocalPort = client.RemotePort;
        server.RemoteAddress = client.LocalAddress;
        server.RemotePort = client.LocalPort;
        server.Peer = client.Id;
        server.PeerIncarnation = client.Incarnation;
        client.Peer = server.Id;
        client.PeerIncarnation = server.Incarnation;
        listener.AcceptQueue.Enqueue(server);
        TryAccept(listener);
        Schedule(_now + SegmentDelay(), EventKind.ConnectEstablished, client, 0);
    }

    private void OnDeliver(SimSocket receiver, in NetEvent e)
    {
        if (IsPartitioned(receiver.LocalAddress, receiver.LocalPort) || IsPartitioned(receiver.RemoteAddress, receiver.RemotePort))
        {
            Schedule(_now + _options.RetransmitNanoseconds, e.Kind, receiver, e.Position); // held until the partition heals
            return;
        }

        if (e.Position > receiver.Delivered)
        {
            receiver.Delivered = e.Position;
        }

        if (e.Kind == EventKind.Fin)
        {
            receiver.FinDelivered = true;
        }

        TryReceive(receiver);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private SimSocket? PickListener(IoAddress address, int port)
    {
        int matches = 0;
        foreach (SimSocket s in _listeners)
        {
            if (s.LocalPort == port && (s.LocalAddress == address || IsWildcard(s.LocalAddress)))
            {
                matches++;
            }
        }

        if (matches == 0)
        {
            return null;
        }

        // SO_REUSEPORT: the "kernel" picks one of the listeners (seeded, so reproducible).
        long pick = (long)_random.Below((ulong)matches);
        foreach (SimSocket s in _listeners)
        {
            if (s.LocalPort == port && (s.LocalAddress == address || IsWildcard(s.LocalAddress)) && pick-- == 0)
            {
                return s;
            }
        }

        return null;
    }

    private static bool IsWildcard(IoAddress address) => address == IoAddress.Any || address == IoAddress.IPv6Any;

    private bool IsPartitioned(IoAddress address, int port)
    {
        foreach ((IoAddress Address, int Port) p in _partitions)
        {
            if (p.Address == address && (p.Port == 0 || p.Port == port))
            {
                return true;
            }
        }

        return false;
    }

    private long SegmentDelay()
    {
        long delay = _random.Between(_options.MinDelayNanoseconds, Math.Max(_options.MinDelayNanoseconds, _options.MaxDelayNanoseconds));
        if (_random.Chance(_options.DropPerMillion))
        {
            delay += _options.RetransmitNanoseconds;
        }

        if (_random.Chance(_options.ReorderPerMillion))
        {
            delay += _random.Between(1, Math.Max(1, _options.ReorderNanoseconds));
        }

        return delay;
    }

    private int NextEphemeralPort()
    {
        int port = _nextEphemeralPort;
        _nextEphemeralPort = port >= EphemeralPortLast ? EphemeralPortFirst : port + 1;
        return port;
    }

    private SimSocket? Find(int id) => id >= 1 && id <= _sockets.Length ? _sockets[id - 1] : null;

    private SimSocket? PeerOf(SimSocket socket)
    {
        SimSocket? peer = Find(socket.Peer);
        return peer is not null && peer.Incarnation == socket.PeerIncarnation ? peer : null;
    }

    private bool TryCreate(SocketKind kind, out SimSocket socket)
    {
        int id;
        if (_freeIds.Count > 0)
        {
            id = _freeIds.Pop();
        }
        else if (_nextId <= _sockets.Length)
        {
            id = _nextId++;
        }
        else
        {
            socket = null!;
            return false;
        }

        socket = new SimSocket(id, _windows.Count > 0 ? _windows.Pop() : new byte[_options.ReceiveWindowBytes]);
        socket.Kind = kind;
        socket.Incarnation = NextIncarnation();
        _sockets[id - 1] = socket;
        _liveSockets++;
        return true;
    }

    private uint NextIncarnation() => ++_incarnations;

    private void Release(SimSocket socket)
    {
        socket.Closed = true;
        if (socket.Kind == SocketKind.Listener)
        {
            _listeners.Remove(socket);
        }

        _sockets[socket.Id - 1] = null;
        _freeIds.Push(socket.Id);
        _windows.Push(socket.Window);
        _liveSockets--;
        Observer?.OnReleased(socket.Incarnation);
    }

    private static void CopyIn(SimSocket receiver, ReadOnlySpan<byte> data)
    {
        int mask = receiver.Window.Length - 1;
        int start = (int)(receiver.Written & mask);
        int first = Math.Min(data.Length, receiver.Window.Length - start);
        data[..first].CopyTo(receiver.Window.AsSpan(start));
        data[first..].CopyTo(receiver.Window);
    }

    private static void CopyOut(SimSocket socket, Span<byte> destination)
    {
        int mask = socket.Window.Length - 1;
        int start = (int)(socket.Consumed & mask);
        int first = Math.Min(destination.Length, socket.Window.Length - start);
        socket.Window.AsSpan(start, first).CopyTo(destination);
        socket.Window.AsSpan(0, destination.Length - first).CopyTo(destination[first..]);
    }

    private void Finish(ref ParkedOp op, int result)
    {
        Complete(op.Sink, op.Token, result);
        op = default;
    }

    private void Complete(int sink, ulong token, int result, uint flags = 0) =>
        _sinks[sink].Enqueue(new IoCompletionEntry { Token = token, Result = result, Flags = flags });

    private SimulatedProvidedBuffers PoolOf(int sink) =>
        _pools[sink] ?? throw new NotSupportedException("This sink has no provided buffers (ProvidedBufferCount is 0, or the sink was detached).");

    private void Schedule(long time, EventKind kind, SimSocket socket, long position)
    {
        if (_heapCount == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        var e = new NetEvent { Time = time, Order = _order++, Kind = kind, Socket = socket.Id, Incarnation = socket.Incarnation, Position = position };
        int i = _heapCount++;
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Before(in e, in _heap[parent]))
            {
                break;
            }

            _heap[i] = _heap[parent];
            i = parent;
        }

        _heap[i] = e;
    }

    private NetEvent PopEvent()
    {
        NetEvent top = _heap[0];
        NetEvent last = _heap[--_heapCount];
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= _heapCount)
            {
                break;
            }

            if (child + 1 < _heapCount && Before(in _heap[child + 1], in _heap[child]))
            {
                child++;
            }

            if (!Before(in _heap[child], in last))
            {
                break;
            }

            _heap[i] = _heap[child];
            i = child;
        }

        if (_heapCount > 0)
        {
            _heap[i] = last;
        }

        return top;
    }

    private static bool Before(in NetEvent a, in NetEvent b) => a.Time < b.Time || (a.Time == b.Time && a.Order < b.Order);

    private enum SocketKind : byte
    {
        Stream = 1,
        Listener = 2,
    }

    private enum EventKind : byte
    {
        ConnectArrive = 1,
        ConnectEstablished = 2,
        ConnectRefused = 3,
        Deliver = 4,
        Fin = 5,
        Reset = 6,
    }

    private struct NetEvent
    {
        public long Time;
        public long Order;
        public long Position;
        public int Socket;
        public uint Incarnation;
        public EventKind Kind;
    }

    private struct ParkedOp
    {
        public bool Active;
        public int Sink;
        public ulong Token;
        public IoOpCode Op;
        public nint Buffer;
        public int Length;
    }

    private sealed class SimSocket
    {
        public SimSocket(int id, byte[] window)
        {
            Id = id;
            Window = window;
        }

        public int Id { get; }

        public byte[] Window { get; }       // receive window: bytes the peer wrote, ring-indexed by position

        public SocketKind Kind;
        public uint Incarnation;
        public bool Closed;
        public bool ReusePort;
        public bool Connecting;
        public bool ConnectAbandoned;
        public bool Reset;
        public bool FinDelivered;
        public bool Abortive;               // SO_LINGER 0: its close resets the peer instead of a FIN
        public int Backlog;
        public IoAddress LocalAddress;
        public int LocalPort;
        public IoAddress RemoteAddress;
        public int RemotePort;
        public int Peer;                    // the other end's id, 0 for none
        public uint PeerIncarnation;
        public long Written;                // bytes the peer has written into the window (in flight included)
        public long Delivered;              // bytes that have arrived (readable)
        public long Consumed;               // bytes read
        public long LastDeliverAt;          // the stream's latest scheduled delivery: later ones never overtake it
        public ParkedOp Read;
        public ParkedOp Write;
        public Queue<SimSocket> AcceptQueue { get; } = new();
    }
}
