using System;

namespace Tina.Io.Tests.Support;

public struct ConnectProbeStart
{
    public IoAddress Address;
    public int Port;
}

public struct HoldStart
{
    public IoAddress Address;
    public int Port;
    public int Seed;
}

public struct CloseThis
{
    public SocketHandle Socket;
}

/// <summary>Connects once and records the outcome (closing the socket when it connected).</summary>
public sealed class ConnectProbe : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out ConnectProbeStart start))
        {
            return ctx.Connect(start.Address, start.Port, TimeSpan.FromSeconds(5));
        }

        if (message.Is(out IoCompletion done))
        {
            Probe.Outcome(in done);
            if (done.Operation == IoOperation.Connect && done.IsSuccess)
            {
                return ctx.Close(done.Socket);
            }

            Probe.Increment(ref Probe.ClientsDone);
            return Effect.Done;
        }

        return Effect.Receive;
    }
}

/// <summary>Connects and then keeps a receive pending (10 ms timeouts), until the test releases its seed; then closes.</summary>
public sealed class HoldClient : IIsolate
{
    public static int ReleaseSeed = -1;

    private HoldStart _start;
    private SocketHandle _socket;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out _start))
        {
            return ctx.Connect(_start.Address, _start.Port, TimeSpan.FromSeconds(10));
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Connect when done.IsSuccess:
                _socket = done.Socket;
                Probe.Increment(ref Probe.ClientCycles);
                return ctx.Receive(_socket, 1024, TimeSpan.FromMilliseconds(10));
            case IoOperation.Receive when done.Result.Kind == IoErrorKind.TimedOut:
                return ReleaseSeed == _start.Seed ? ctx.Close(_socket) : ctx.Receive(_socket, 1024, TimeSpan.FromMilliseconds(10));
            case IoOperation.Close:
                Probe.Increment(ref Probe.ClientsDone);
                return Effect.Done;
            default:
                Probe.Error($"hold client {_start.Seed}: {done}");
                return _socket.IsNone ? Effect.Done : ctx.Close(_socket);
        }
    }
}

/// <summary>Connects, hands its socket to <see cref="Closer"/>, then waits on a receive that the closer cancels.</summary>
public sealed class PendingReceiver : IIsolate
{
    public static Handle Closer;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out ConnectProbeStart start))
        {
            return ctx.Connect(start.Address, start.Port, TimeSpan.FromSeconds(5));
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        if (done.Operation == IoOperation.Connect && done.IsSuccess)
        {
            if (ctx.Send(Closer, new CloseThis { Socket = done.Socket }) != SendResult.Ok)
            {
                Probe.Error("could not reach the closer");
            }

            return ctx.Receive(done.Socket, 4096);
        }

        Probe.Outcome(in done);
        Probe.Increment(ref Probe.ClientsDone);
        return Effect.Done;
    }
}

/// <summary>Closes the socket it is sent, 2 ms later (so the receive is parked in the backend by then).</summary>
public sealed class Closer : IIsolate
{
    private SocketHandle _socket;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out CloseThis close))
        {
            _socket = close.Socket;
            ctx.RegisterTimer(TimeSpan.FromMilliseconds(2), 1);
            return Effect.Receive;
        }

        if (message.Kind == MessageKind.Timer)
        {
            return ctx.Close(_socket);
        }

        if (message.Is(out IoCompletion done))
        {
            Probe.Outcome(in done);
            Probe.Increment(ref Probe.ServerConnectionsClosed);
        }

        return Effect.Receive;
    }
}

/// <summary>Receives with a short timeout, then again without one: late bytes must not be lost.</summary>
public sealed class TimeoutReceiver : IIsolate
{
    private SocketHandle _socket;
    private int _received;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out ConnectProbeStart start))
        {
            return ctx.Connect(start.Address, start.Port, TimeSpan.FromSeconds(5));
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Connect:
                _socket = done.Socket;
                return ctx.Receive(_socket, 4096, TimeSpan.FromMilliseconds(5));
            case IoOperation.Receive when done.Result.Kind == IoErrorKind.TimedOut:
                Probe.Outcome(in done);
                // Tell the peer to talk now, by sending; then wait for its answer without a timeout.
                return ctx.Send(_socket, "ping"u8);
            case IoOperation.Send:
                return ctx.Receive(_socket, 4096);
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                _received += done.Result.Bytes;
                Probe.ClientBytes = _received;
                return _received >= 4 ? ctx.Close(_socket) : ctx.Receive(_socket, 4096);
            case IoOperation.Close:
                Probe.Increment(ref Probe.ClientsDone);
                return Effect.Done;
            default:
                Probe.Error($"timeout receiver: {done}");
                return _socket.IsNone ? Effect.Done : ctx.Close(_socket);
        }
    }
}
