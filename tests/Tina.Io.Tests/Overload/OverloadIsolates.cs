using System;
using System.Threading;

namespace Tina.Io.Tests.Overload;

/// <summary>What the overload tests' isolates saw; written by the shard thread, read by the test. Reset per test.</summary>
internal static class OverloadProbe
{
    public static int ListenPort;
    public static int Accepted;
    public static int ReceivesIssued;
    public static int Failures;
    public static IoErrorKind LastFailure;
    public static bool FirstSessionStalls;   // the first IdleEcho reads once and then never again
    public static int Sessions;

    public static void Reset()
    {
        FirstSessionStalls = false;
        Sessions = 0;
        ListenPort = 0;
        Accepted = 0;
        ReceivesIssued = 0;
        Failures = 0;
        LastFailure = IoErrorKind.None;
    }

    public static void Fail(IoErrorKind kind)
    {
        LastFailure = kind;
        Interlocked.Increment(ref Failures);
    }
}

public struct OverloadListen
{
    public int Port;
}

public struct OverloadSession
{
    public SocketHandle Socket;
}

/// <summary>Listens and accepts; every connection gets an <see cref="IdleEcho"/>.</summary>
public sealed class OverloadListener : IIsolate
{
    private SocketHandle _listener;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out OverloadListen listen))
        {
            return ctx.Listen(IoAddress.Loopback, listen.Port, backlog: 4096);
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return message.Kind is MessageKind.Cancel or MessageKind.Shutdown ? Effect.Done : Effect.Receive;
        }

        if (done.Operation == IoOperation.Listen)
        {
            _listener = done.Socket;
            Volatile.Write(ref OverloadProbe.ListenPort, ctx.LocalPort(_listener));
            return ctx.Accept(_listener);
        }

        if (done.Operation == IoOperation.Accept && done.IsSuccess)
        {
            Interlocked.Increment(ref OverloadProbe.Accepted);
            SpawnResult child = ctx.Spawn<IdleEcho, OverloadSession>(new OverloadSession { Socket = done.Socket });
            if (!child.IsOk || !ctx.TransferSocket(done.Socket, child.Handle))
            {
                OverloadProbe.Fail(IoErrorKind.None);
            }
        }

        return ctx.Accept(_listener);
    }
}

/// <summary>Waits for bytes (no timeout) and echoes them; closes on end of stream or an error (counted).</summary>
public sealed class IdleEcho : IIsolate
{
    private SocketHandle _socket;
    private bool _stalls;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out OverloadSession session))
        {
            _socket = session.Socket;
            _stalls = Interlocked.Increment(ref OverloadProbe.Sessions) == 1 && OverloadProbe.FirstSessionStalls;
            Interlocked.Increment(ref OverloadProbe.ReceivesIssued);
            return ctx.Receive(_socket, 4096);
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return message.Kind is MessageKind.Cancel or MessageKind.Shutdown ? Effect.Done : Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0 && _stalls:
                return Effect.Receive; // never reads again: what arrives piles up in the reactor and the socket
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                return ctx.Send(_socket, ctx.ReceivedData(in done));
            case IoOperation.Send when done.IsSuccess:
                return ctx.Receive(_socket, 4096);
            case IoOperation.Close:
                return Effect.Done;
            default:
                if (!done.IsSuccess)
                {
                    OverloadProbe.Fail(done.Result.Kind);
                }

                return ctx.Close(_socket);
        }
    }
}
