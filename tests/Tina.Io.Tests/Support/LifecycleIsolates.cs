using System;
using System.Threading;

namespace Tina.Io.Tests.Support;

public enum LifecycleMode
{
    /// <summary>Accept one connection and send to it until a send fails (default send timeout).</summary>
    Flood,
    /// <summary>Accept one connection and receive on it (no timeout): only the idle timeout ends it.</summary>
    IdleReceive,
    /// <summary>Accept one connection and drop it with a fire-and-forget close, then accept again.</summary>
    DropGraceful,
    /// <summary>The same, abortive (SO_LINGER 0).</summary>
    DropAbortive,
    /// <summary>Send until stuck with a receive outstanding the whole time (full duplex): notice the peer's close.</summary>
    FloodAndWatch,
}

public struct LifecycleStart
{
    public LifecycleMode Mode;
    public IoAddress Address;
    public int Port;
}

public readonly record struct Finish;

/// <summary>What the lifecycle isolates saw. Reset before each test.</summary>
internal static class LifecycleProbe
{
    public static IoCompletion ServerEnd;      // the completion that ended the server's connection
    public static int ServerEnded;
    public static IoCompletion ClientReceive;  // the client's first receive outcome
    public static int ClientReceived;
    public static int ClientConnected;
    public static int ClientClosed;
    public static int ServerAccepted;
    public static int ServerSends;
    public static int CloseSeenWhileSending;   // the receive ended (end of stream or reset) while a send was outstanding
    public static int SendFailedFirst;         // the peer's reset failed the stuck send just before the receive saw it

    public static void Reset()
    {
        ServerEnd = default;
        ServerEnded = 0;
        ClientReceive = default;
        ClientReceived = 0;
        ClientConnected = 0;
        ClientClosed = 0;
        ServerAccepted = 0;
        ServerSends = 0;
        CloseSeenWhileSending = 0;
        SendFailedFirst = 0;
    }
}

/// <summary>A server that exercises one lifecycle limit (see <see cref="LifecycleMode"/>).</summary>
public sealed class LifecycleServer : IIsolate
{
    private readonly byte[] _chunk = new byte[8 * 1024];
    private LifecycleMode _mode;
    private SocketHandle _listener;
    private SocketHandle _connection;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out LifecycleStart start))
        {
            _mode = start.Mode;
            return ctx.Listen(start.Address, 0);
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return message.Kind is MessageKind.Cancel or MessageKind.Shutdown ? Effect.Done : Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Listen:
                _listener = done.Socket;
                Probe.ListenPort = ctx.LocalPort(_listener);
                return ctx.Accept(_listener);
            case IoOperation.Accept when done.IsSuccess:
                Interlocked.Increment(ref LifecycleProbe.ServerAccepted);
                _connection = done.Socket;
                switch (_mode)
                {
                    case LifecycleMode.Flood:
                        return ctx.Send(_connection, _chunk); // default timeout: IoOptions.SendTimeout
                    case LifecycleMode.FloodAndWatch:
                        ctx.Receive(_connection, 4096, Timeout.InfiniteTimeSpan);
                        return ctx.Send(_connection, _chunk, Timeout.InfiniteTimeSpan);
                    case LifecycleMode.IdleReceive:
                        return ctx.Receive(_connection, 4096, Timeout.InfiniteTimeSpan);
                    default:
                        if (!ctx.CloseNow(_connection, abortive: _mode == LifecycleMode.DropAbortive))
                        {
                            Probe.Error("CloseNow refused a live connection");
                        }

                        if (ctx.CloseNow(_connection))
                        {
                            Probe.Error("CloseNow accepted a stale handle");
                        }

                        return ctx.Accept(_listener); // no completion round trip for the close
                }

            case IoOperation.Send when done.IsSuccess:
                Interlocked.Increment(ref LifecycleProbe.ServerSends);
                return ctx.Send(_connection, _chunk, _mode == LifecycleMode.FloodAndWatch ? Timeout.InfiniteTimeSpan : TimeSpan.Zero);
            case IoOperation.Receive when _mode == LifecycleMode.FloodAndWatch && (!done.IsSuccess || done.Result.Bytes == 0):
                bool sending = !ctx.CanStart(IoOperation.Send);
                Interlocked.Increment(ref sending ? ref LifecycleProbe.CloseSeenWhileSending : ref LifecycleProbe.SendFailedFirst);
                LifecycleProbe.ServerEnd = done;
                Interlocked.Increment(ref LifecycleProbe.ServerEnded);
                ctx.CloseNow(_connection); // a stuck send completes Cancelled (held until we next wait)
                return sending ? ctx.WaitForIo() : ctx.Accept(_listener);
            case IoOperation.Send when _mode == LifecycleMode.FloodAndWatch:
                // Failed by the peer's reset (before the receive reported it: then wait for that), or Cancelled by our
                // close after the receive saw the end.
                return ctx.CanStart(IoOperation.Receive) ? ctx.Accept(_listener) : ctx.WaitForIo();
            default:
                LifecycleProbe.ServerEnd = done;
                Interlocked.Increment(ref LifecycleProbe.ServerEnded);
                return done.Operation == IoOperation.Accept ? Effect.Receive : ctx.Accept(_listener);
        }
    }
}

/// <summary>Connects; reads nothing (Flood) or one receive; closes when told to (<see cref="Finish"/>).</summary>
public sealed class LifecycleClient : IIsolate
{
    private SocketHandle _socket;
    private bool _read;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out LifecycleStart start))
        {
            _read = start.Mode is not (LifecycleMode.Flood or LifecycleMode.FloodAndWatch);
            return ctx.Connect(start.Address, start.Port, TimeSpan.FromSeconds(10));
        }

        if (message.Is<Finish>())
        {
            return ctx.Close(_socket);
        }

        if (message.Kind != MessageKind.IoCompleted || !message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Connect when done.IsSuccess:
                _socket = done.Socket;
                Interlocked.Increment(ref LifecycleProbe.ClientConnected);
                return _read ? ctx.Receive(_socket, 4096, Timeout.InfiniteTimeSpan) : Effect.Receive;
            case IoOperation.Receive:
                LifecycleProbe.ClientReceive = done;
                Interlocked.Increment(ref LifecycleProbe.ClientReceived);
                return Effect.Receive;
            case IoOperation.Close:
                Interlocked.Increment(ref LifecycleProbe.ClientClosed); // or StaleConnection: the reactor closed it already
                return Effect.Done;
            default:
                Probe.Error($"lifecycle client: {done}");
                return Effect.Done;
        }
    }
}
