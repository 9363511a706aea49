using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NUnit.Framework;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Backends;

/// <summary>
/// <see cref="IoContextExtensions.ShutdownSend"/> on the Linux backends with a threaded runtime and a plain .NET client:
/// after the server's "hello" and its send-side shutdown the client reads the hello and then an end of stream, yet
/// what the client sends afterwards still reaches the server (the half-close a lingering close relies on).
/// </summary>
[TestFixture(IoBackendKind.Epoll)]
[TestFixture(IoBackendKind.IoUring)]
[NonParallelizable]
public sealed class ShutdownSendTests(IoBackendKind backend)
{
    [Test]
    public void After_a_send_shutdown_the_peer_reads_the_bytes_then_end_of_stream_and_can_still_send()
    {
        BackendAvailability.Require(backend);
        HalfCloseServer.Reset();
        var spec = new TinaSpec { ShardCount = 1, PinThreads = false, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.Warning };
        spec.UseIo(new IoOptions { Backend = backend, ConnectionCapacity = 16, BufferCount = 16 });
        spec.AddIsolate<HalfCloseServer>(slots: 1);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        SpawnResult spawned = runtime.Spawn<HalfCloseServer, HalfCloseStart>(0, default);
        Assert.That(spawned.IsOk, Is.True, spawned.Status.ToString());
        runtime.Start();
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref HalfCloseServer.Port) != 0, 10_000), Is.True, "the server listens");
        Assert.That(Volatile.Read(ref HalfCloseServer.Port), Is.GreaterThan(0), "listen failed (-1 - error kind)");

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        client.Connect(new IPEndPoint(IPAddress.Loopback, Volatile.Read(ref HalfCloseServer.Port)));
        byte[] buffer = new byte[64];
        int got = 0;
        int n;
        while ((n = client.Receive(buffer, got, buffer.Length - got, SocketFlags.None)) > 0)
        {
            got += n;
        }

        Assert.That(Encoding.ASCII.GetString(buffer, 0, got), Is.EqualTo("hello"), "the bytes sent before the shutdown, then an end of stream");
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref HalfCloseServer.Shutdown) != 0, 10_000), Is.True); // written just after the FIN left
        Assert.That(Volatile.Read(ref HalfCloseServer.Shutdown), Is.EqualTo(1), "ShutdownSend returned true");

        client.Send("ping"u8);
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref HalfCloseServer.BytesAfter) == 4, 10_000), Is.True, "the server still receives");
        client.Shutdown(SocketShutdown.Send);
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref HalfCloseServer.Closed) == 1, 10_000), Is.True, "the server saw the end and closed");
        Assert.That(Volatile.Read(ref HalfCloseServer.StaleShutdown), Is.EqualTo(2), "a closed socket cannot be shut down");
    }
}

/// <summary>The start payload (a spawn without one delivers no Start message).</summary>
public readonly record struct HalfCloseStart(int Unused);

/// <summary>Listens, accepts one connection, sends "hello", shuts its send side, then counts what it receives until the end.</summary>
public sealed class HalfCloseServer : IIsolate
{
    public static int Port;
    public static int Shutdown;      // 1: ShutdownSend said true, 2: false
    public static long BytesAfter;
    public static int Closed;
    public static int StaleShutdown; // the answer for the socket once closed

    private SocketHandle _listener;
    private SocketHandle _socket;

    public static void Reset()
    {
        Port = 0;
        Shutdown = 0;
        BytesAfter = 0;
        Closed = 0;
        StaleShutdown = 0;
    }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start)
        {
            return ctx.Listen(IoAddress.Loopback, 0, 16);
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Listen when !done.IsSuccess:
                Volatile.Write(ref Port, -1 - (int)done.Result.Kind);
                return Effect.Done;
            case IoOperation.Listen:
                _listener = done.Socket;
                Volatile.Write(ref Port, ctx.LocalPort(_listener));
                return ctx.Accept(_listener, TimeSpan.FromSeconds(10));
            case IoOperation.Accept:
                _socket = done.Socket;
                return ctx.Send(_socket, "hello"u8, TimeSpan.FromSeconds(10));
            case IoOperation.Send:
                Volatile.Write(ref Shutdown, ctx.ShutdownSend(_socket) ? 1 : 2);
                return ctx.Receive(_socket, 1024, TimeSpan.FromSeconds(10));
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                Interlocked.Add(ref BytesAfter, done.Result.Bytes);
                return ctx.Receive(_socket, 1024, TimeSpan.FromSeconds(10));
            case IoOperation.Receive:
                SocketHandle socket = _socket;
                ctx.CloseNow(socket);
                Volatile.Write(ref StaleShutdown, ctx.ShutdownSend(socket) ? 1 : 2);
                Volatile.Write(ref Closed, 1);
                return Effect.Receive;
            default:
                return Effect.Receive;
        }
    }
}
