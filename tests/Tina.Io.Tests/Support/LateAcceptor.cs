using System.Collections.Generic;

namespace Tina.Io.Tests.Support;

public struct LateAcceptStart
{
    public int Count;
}

/// <summary>Tells a <see cref="LateAcceptor"/> to start accepting.</summary>
public struct StartAccepting
{
    public int Unused;
}

/// <summary>
/// Listens, then waits for <see cref="StartAccepting"/> before its first Accept, so connections pile up first. Accepts
/// <see cref="LateAcceptStart.Count"/> connections one after another, reads the one byte each client sent, records it
/// in <see cref="Seen"/> and closes the connection.
/// </summary>
public sealed class LateAcceptor : IIsolate
{
    public static readonly List<int> Seen = new();

    private SocketHandle _listener;
    private SocketHandle _connection;
    private int _left;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out LateAcceptStart start))
        {
            _left = start.Count;
            return ctx.Listen(IoAddress.Loopback, 0);
        }

        if (message.Is(out StartAccepting _))
        {
            return ctx.Accept(_listener);
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return message.Kind is MessageKind.Cancel or MessageKind.Shutdown ? Effect.Done : Effect.Receive;
        }

        if (!done.IsSuccess)
        {
            Probe.Error($"late acceptor: {done}");
            return Effect.Done;
        }

        switch (done.Operation)
        {
            case IoOperation.Listen:
                _listener = done.Socket;
                Probe.ListenPort = ctx.LocalPort(_listener);
                return Effect.Receive;
            case IoOperation.Accept:
                _connection = done.Socket;
                return ctx.Receive(_connection, 16);
            case IoOperation.Receive:
                lock (Seen)
                {
                    Seen.Add(done.Result.Bytes == 1 ? ctx.ReceivedData(in done)[0] : -done.Result.Bytes - 1);
                }

                return ctx.Close(_connection);
            case IoOperation.Close:
                return --_left > 0 ? ctx.Accept(_listener) : Effect.Done;
            default:
                return Effect.Receive;
        }
    }
}
