using System;
using System.Threading;
using Tina;
using Tina.Io;

namespace TcpEcho;

/// <summary>Start message of a shard's listener.</summary>
internal struct ListenerStart
{
    public int Port;
    public int SelfTestClients;   // clients this listener spawns once it listens (self-test only)
    public int SelfTestMessages;
}

/// <summary>Start message of a connection's session (the accepted socket, already owned by the session).</summary>
internal struct SessionStart
{
    public SocketHandle Socket;
}

/// <summary>Start message of a self-test client.</summary>
internal struct ClientStart
{
    public int Port;
    public int Messages;
    public int Seed;
}

/// <summary>
/// One per shard: listens on the shared port (SO_REUSEPORT, so the kernel spreads connections over the shards) and
/// accepts forever, handing each connection to a new <see cref="EchoSession"/> on this shard.
/// </summary>
internal sealed class Listener : IIsolate
{
    private static long s_sessionsRefused;
    private ListenerStart _start;
    private SocketHandle _listener;

    /// <summary>Connections closed at once because no session could take them (every shard's listeners together).</summary>
    public static long SessionsRefused => Interlocked.Read(ref s_sessionsRefused);

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out _start))
        {
            return ctx.Listen(IoAddress.Any, _start.Port);
        }

        if (message.Kind is MessageKind.Cancel or MessageKind.Shutdown)
        {
            return Effect.Done;
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        if (done.Operation == IoOperation.Listen)
        {
            if (!done.IsSuccess)
            {
                // ctx.Log, not the console: a console write blocks the shard thread (TINA002).
                ctx.Log(TinaLogLevel.Error, "listen failed (errno or kind)", done.Result.Kind == IoErrorKind.Os ? done.Result.OsError : (int)done.Result.Kind);
                SelfTest.Fail();
                ctx.RequestStop();
                return Effect.Done;
            }

            _listener = done.Socket;
            SelfTest.SpawnClients(ref ctx, in _start);
            return ctx.Accept(_listener);
        }

        if (done.Operation == IoOperation.Close)
        {
            return ctx.Accept(_listener); // the refused connection is closed: accept the next one
        }

        if (done.IsSuccess)
        {
            // The session owns the connection from now on: if it crashes, its socket is closed with it.
            SpawnResult session = ctx.Spawn<EchoSession, SessionStart>(new SessionStart { Socket = done.Socket });
            if (!session.IsOk || !ctx.TransferSocket(done.Socket, session.Handle))
            {
                // Still the listener's: close it now (the client sees the end of the stream), or it would stay open,
                // unread, until the listener exits.
                Interlocked.Increment(ref s_sessionsRefused);
                ctx.Log(TinaLogLevel.Warning, "no room for a session; connection closed (refused so far)", SessionsRefused);
                return ctx.Close(done.Socket);
            }
        }
        else
        {
            ctx.Log(TinaLogLevel.Warning, "accept failed (errno or kind)", done.Result.Kind == IoErrorKind.Os ? done.Result.OsError : (int)done.Result.Kind);
        }

        return ctx.Accept(_listener);
    }
}

/// <summary>One per connection: receive, send the same bytes back, repeat; close at end of stream or on an error.</summary>
internal sealed class EchoSession : IIsolate
{
    private SocketHandle _socket;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out SessionStart start))
        {
            _socket = start.Socket;
            return ctx.Receive(_socket, 16 * 1024);
        }

        if (message.Kind is MessageKind.Cancel or MessageKind.Shutdown)
        {
            return ctx.Close(_socket);
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        return done.Operation switch
        {
            IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0 => ctx.Send(_socket, ctx.ReceivedData(in done)),
            IoOperation.Send when done.IsSuccess => ctx.Receive(_socket, 16 * 1024),
            IoOperation.Close => Effect.Done,
            _ => ctx.Close(_socket), // end of stream (0 bytes) or an error
        };
    }
}

/// <summary>Self-test client: connects, sends patterned messages of varying size, checks every echoed byte.</summary>
internal sealed class EchoClient : IIsolate
{
    private readonly byte[] _expected = new byte[1024];
    private ClientStart _start;
    private SocketHandle _socket;
    private int _message;
    private int _length;
    private int _received;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out _start))
        {
            return ctx.Connect(IoAddress.Loopback, _start.Port, TimeSpan.FromSeconds(5));
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        if (!done.IsSuccess)
        {
            ctx.Log(TinaLogLevel.Error, "client operation failed (seed, operation)", _start.Seed, (long)done.Operation);
            SelfTest.Fail();
            return _socket.IsNone || done.Operation == IoOperation.Close ? Effect.Done : ctx.Close(_socket);
        }

        switch (done.Operation)
        {
            case IoOperation.Connect:
                _socket = done.Socket;
                return SendNext(ref ctx);
            case IoOperation.Send:
                return ctx.Receive(_socket, _expected.Length);
            case IoOperation.Receive:
                ReadOnlySpan<byte> data = ctx.ReceivedData(in done);
                if (data.Length == 0 || data.Length > _length - _received || !data.SequenceEqual(_expected.AsSpan(_received, data.Length)))
                {
                    ctx.Log(TinaLogLevel.Error, "wrong echo (seed, message)", _start.Seed, _message);
                    SelfTest.Fail();
                    return ctx.Close(_socket);
                }

                _received += data.Length;
                if (_received < _length)
                {
                    return ctx.Receive(_socket, _expected.Length);
                }

                return ++_message < _start.Messages ? SendNext(ref ctx) : ctx.Close(_socket);
            case IoOperation.Close:
                SelfTest.ClientDone(ref ctx, _start.Messages);
                return Effect.Done;
            default:
                return Effect.Receive;
        }
    }

    private Effect SendNext(ref Context ctx)
    {
        _length = 32 + ((_start.Seed * 131 + _message * 17) % (_expected.Length - 32));
        for (int i = 0; i < _length; i++)
        {
            _expected[i] = (byte)(_start.Seed + (_message * 7) + i);
        }

        _received = 0;
        return ctx.Send(_socket, _expected.AsSpan(0, _length));
    }
}

/// <summary>Self-test bookkeeping shared by the shards (interlocked: several shard threads write it).</summary>
internal static class SelfTest
{
    private static int s_clientsExpected;
    private static int s_clientsDone;
    private static long s_messages;
    private static int s_failures;

    public static int ClientsDone => Volatile.Read(ref s_clientsDone);

    public static long Messages => Interlocked.Read(ref s_messages);

    public static int Failures => Volatile.Read(ref s_failures);

    public static void Expect(int clients) => s_clientsExpected = clients;

    /// <summary>Spawns the clients a listener's start message asks for, once it listens.</summary>
    public static void SpawnClients(ref Context ctx, in ListenerStart plan)
    {
        for (int i = 0; i < plan.SelfTestClients; i++)
        {
            int seed = (ctx.ShardId * 1000) + i;
            if (!ctx.Spawn<EchoClient, ClientStart>(new ClientStart { Port = plan.Port, Messages = plan.SelfTestMessages, Seed = seed }).IsOk)
            {
                Fail();
            }
        }
    }

    public static void ClientDone(ref Context ctx, int messages)
    {
        Interlocked.Add(ref s_messages, messages);
        if (Interlocked.Increment(ref s_clientsDone) == s_clientsExpected)
        {
            ctx.RequestStop();
        }
    }

    public static void Fail() => Interlocked.Increment(ref s_failures);
}
