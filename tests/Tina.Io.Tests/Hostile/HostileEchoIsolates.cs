using System;
using System.Threading;

namespace Tina.Io.Tests.Hostile;

public struct HostileListen
{
    public int Port;
    public bool NaiveSends;   // sessions close on a send's BuffersExhausted instead of retrying it
    public int AcceptLimit;   // 0: accept forever; else close the listener after this many connections
}

public struct HostileSession
{
    public SocketHandle Socket;
    public bool NaiveSends;
}

/// <summary>
/// Listens on loopback and accepts (forever, or <c>AcceptLimit</c> connections and then closes the listener); every
/// connection gets a <see cref="HostileEcho"/> session. The first listener's port is <see cref="HostileProbe.ListenPort"/>,
/// the latest one's <see cref="HostileProbe.LastListenPort"/>.
/// </summary>
public sealed class HostileListener : IIsolate
{
    private SocketHandle _listener;
    private bool _naiveSends;
    private int _acceptLimit;
    private int _accepted;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out HostileListen listen))
        {
            _naiveSends = listen.NaiveSends;
            _acceptLimit = listen.AcceptLimit;
            return ctx.Listen(IoAddress.Loopback, listen.Port, backlog: 4096);
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return message.Kind is MessageKind.Cancel or MessageKind.Shutdown ? Effect.Done : Effect.Receive;
        }

        if (done.Operation == IoOperation.Listen)
        {
            if (!done.IsSuccess)
            {
                HostileProbe.Unexpected($"listen: {done}");
                return Effect.Done;
            }

            _listener = done.Socket;
            int port = ctx.LocalPort(_listener);
            Interlocked.CompareExchange(ref HostileProbe.ListenPort, port, 0);
            Volatile.Write(ref HostileProbe.LastListenPort, port);
            return ctx.Accept(_listener);
        }

        if (done.Operation == IoOperation.Close)
        {
            Interlocked.Increment(ref HostileProbe.ListenersClosed);
            return Effect.Done;
        }

        if (done.Operation != IoOperation.Accept)
        {
            return Effect.Receive;
        }

        if (!done.IsSuccess)
        {
            // The reactor pauses accepts itself on EMFILE or a full table; an accept that still fails is counted and retried.
            Interlocked.Increment(ref HostileProbe.AcceptErrors);
            return done.Result.Kind is IoErrorKind.Cancelled or IoErrorKind.StaleConnection ? Effect.Done : ctx.Accept(_listener);
        }

        Interlocked.Increment(ref HostileProbe.Accepted);
        SpawnResult child = ctx.Spawn<HostileEcho, HostileSession>(new HostileSession { Socket = done.Socket, NaiveSends = _naiveSends });
        if (!child.IsOk || !ctx.TransferSocket(done.Socket, child.Handle))
        {
            Interlocked.Increment(ref HostileProbe.SpawnRefused);
            ctx.CloseNow(done.Socket);
        }

        return _acceptLimit > 0 && ++_accepted == _acceptLimit ? ctx.Close(_listener) : ctx.Accept(_listener);
    }
}

/// <summary>
/// Echoes what it receives: one receive of up to 16 KiB, then its echo, then the next receive (so a send stuck on a
/// peer that does not read stops this session's reading, which is what the non-reading-peer case relies on). Closes
/// on the peer's end of stream or any error, classifying how it ended. The received bytes are copied out of the
/// lent buffer before the send, so a send refused with <see cref="IoErrorKind.BuffersExhausted"/> (a copying send
/// cannot wait for a pool buffer) is retried 1 ms later, at most <see cref="SendRetriesMax"/> times; with
/// <c>NaiveSends</c> the session closes instead.
/// </summary>
public sealed class HostileEcho : IIsolate
{
    public const int ReceiveBytes = 16 * 1024;
    public const int SendRetriesMax = 10_000;

    private SocketHandle _socket;
    private bool _naiveSends;
    private bool _closing;
    private byte[]? _pending;
    private int _pendingLength;
    private int _retries;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out HostileSession session))
        {
            _socket = session.Socket;
            _naiveSends = session.NaiveSends;
            Interlocked.Increment(ref HostileProbe.Sessions);
            return ctx.Receive(_socket, ReceiveBytes);
        }

        if (message.Kind == MessageKind.Timer && !_closing)
        {
            return Send(ref ctx); // the retry of a refused send
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return message.Kind is MessageKind.Cancel or MessageKind.Shutdown ? Effect.Done : Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                ReadOnlySpan<byte> data = ctx.ReceivedData(in done);
                _pending ??= new byte[ReceiveBytes];
                data.CopyTo(_pending);
                _pendingLength = data.Length;
                return Send(ref ctx);
            case IoOperation.Send:
                Interlocked.Decrement(ref HostileProbe.SendsInFlight);
                return AfterSend(ref ctx, in done);
            case IoOperation.Close:
                Interlocked.Increment(ref HostileProbe.SessionsClosed);
                return Effect.Done;
            case IoOperation.Receive when done.IsSuccess:
                Interlocked.Increment(ref HostileProbe.EndOfStream);
                return Close(ref ctx);
            default:
                Classify(in done);
                return Close(ref ctx);
        }
    }

    private Effect Send(ref Context ctx)
    {
        Interlocked.Increment(ref HostileProbe.SendsInFlight);
        return ctx.Send(_socket, _pending.AsSpan(0, _pendingLength));
    }

    private Effect AfterSend(ref Context ctx, in IoCompletion done)
    {
        switch (done.Result.Kind)
        {
            case IoErrorKind.None:
                return ctx.Receive(_socket, ReceiveBytes);
            case IoErrorKind.BuffersExhausted when !_naiveSends && _retries < SendRetriesMax:
                _retries++;
                Interlocked.Increment(ref HostileProbe.SendRetries);
                if (ctx.RegisterTimer(TimeSpan.FromMilliseconds(1), 0).IsNone)
                {
                    HostileProbe.Unexpected("no timer for a send retry");
                    return Close(ref ctx);
                }

                return Effect.Receive;
            default:
                Classify(in done);
                return Close(ref ctx);
        }
    }

    private static void Classify(in IoCompletion done)
    {
        IoResult result = done.Result;
        if (result.Kind == IoErrorKind.Os && result.OsError is Interop.Errno.ECONNRESET or Interop.Errno.EPIPE)
        {
            Interlocked.Increment(ref HostileProbe.Resets);
        }
        else if (result.Kind == IoErrorKind.TimedOut && done.Operation == IoOperation.Send)
        {
            Interlocked.Increment(ref HostileProbe.SendTimeouts);
        }
        else
        {
            HostileProbe.Unexpected(done.ToString());
        }
    }

    private Effect Close(ref Context ctx)
    {
        if (_closing)
        {
            return ctx.WaitForIo();
        }

        _closing = true;
        return ctx.Close(_socket);
    }
}
