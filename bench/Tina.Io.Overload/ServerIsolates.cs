using System.Threading;
using Tina;
using Tina.Io;

namespace Tina.Io.Overload;

/// <summary>Start message of a shard's listener.</summary>
internal struct ListenStart
{
    public int Port;
    public int Backlog;
}

/// <summary>
/// One per shard, all on one port (SO_REUSEPORT): accepts forever and hands each connection to a new
/// <see cref="EchoSession"/>. A connection no session can take is closed here on purpose (the application's
/// decision, counted in <see cref="SessionsRefused"/>), never left open and unread.
/// </summary>
internal sealed class EchoListener : IIsolate
{
    private static long s_sessionsRefused;
    private SocketHandle _listener;

    public static long SessionsRefused => Interlocked.Read(ref s_sessionsRefused);

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out ListenStart start))
        {
            return ctx.Listen(IoAddress.Loopback, start.Port, start.Backlog);
        }

        if (message.Kind is MessageKind.Cancel or MessageKind.Shutdown || !message.Is(out IoCompletion done))
        {
            return message.Kind is MessageKind.Cancel or MessageKind.Shutdown ? Effect.Done : Effect.Receive;
        }

        if (done.Operation == IoOperation.Listen)
        {
            if (!done.IsSuccess)
            {
                System.Console.Error.WriteLine($"shard {ctx.ShardId}: listen failed: {done.Result}");
                return Effect.Done;
            }

            _listener = done.Socket;
            OverloadServer.ListenerReady();
            return ctx.Accept(_listener);
        }

        if (done.IsSuccess)
        {
            SpawnResult session = ctx.Spawn<EchoSession, SocketHandle>(done.Socket);
            if (!session.IsOk || !ctx.TransferSocket(done.Socket, session.Handle))
            {
                Interlocked.Increment(ref s_sessionsRefused);
                ctx.CloseNow(done.Socket); // fire-and-forget: refusing costs the acceptor no round trip
            }
        }

        return ctx.Accept(_listener);
    }
}

/// <summary>One per connection: receive, send the same bytes back, repeat; close at end of stream or on an error.</summary>
internal sealed class EchoSession : IIsolate
{
    private static long s_ended;
    private SocketHandle _socket;

    /// <summary>Sessions that ended (their connection closed: end of stream, an error, a timeout).</summary>
    public static long Ended => Interlocked.Read(ref s_ended);

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out SocketHandle socket))
        {
            _socket = socket;
            return ctx.Receive(_socket, 16 * 1024);
        }

        if (message.Kind is MessageKind.Cancel or MessageKind.Shutdown)
        {
            ctx.CloseNow(_socket);
            return Effect.Done;
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                return ctx.Send(_socket, ctx.ReceivedData(in done));
            case IoOperation.Send when done.IsSuccess:
                return ctx.Receive(_socket, 16 * 1024);
            default:
                Interlocked.Increment(ref s_ended);
                ctx.CloseNow(_socket); // end of stream (0 bytes), an error or a timeout
                return Effect.Done;
        }
    }
}
