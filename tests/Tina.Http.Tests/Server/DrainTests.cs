using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NUnit.Framework;
using Tina.Http.Server;
using Tina.Io;

namespace Tina.Http.Tests.Server;

/// <summary>
/// <see cref="HttpServer.BeginDrain"/> over real loopback sockets: the listener closes (a new connect is refused),
/// idle and fresh connections close at once, a request in flight is answered with <c>Connection: close</c> and its
/// connection then closes, and <see cref="HttpServer.IsDrained"/> turns true. Nothing is timed: the held request is
/// released by the test only once the drain has visibly happened.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DrainTests
{
    [TestCase(IoBackendKind.Epoll)]
    [TestCase(IoBackendKind.IoUring)]
    public void A_drain_closes_idle_connections_refuses_new_ones_and_finishes_the_request_in_flight(IoBackendKind backend)
    {
        HoldHandler.Release = false;
        using var server = new TestServer(backend, map: s => s.MapHandler<HoldHandler>("GET", "/hold"));
        int port = server.Port;

        using RawClient idle = server.Connect();
        idle.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        RawResponse first = idle.Read()!;
        Assert.That(first.Status, Is.EqualTo(200));
        Assert.That(first.Closes, Is.False, "kept alive before the drain");

        using RawClient busy = server.Connect();
        busy.Send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n");
        using RawClient fresh = server.Connect(); // accepted, sends nothing
        WaitFor(() => server[HttpServerCounter.HandlerCalls] == 1 && server[HttpServerCounter.ConnectionsAccepted] == 3, "the held request is with the handler");
        Assert.That(server.Server.IsDrained, Is.False);

        Assert.That(server.Server.BeginDrain(server.Runtime), Is.True);
        WaitFor(() => server.Server.ListeningPort(0) == 0, "the listener closed");

        Assert.That(idle.SeesEndOfStream(), Is.True, "an idle kept-alive connection is closed at once");
        Assert.That(fresh.SeesEndOfStream(), Is.True, "a connection with nothing sent is closed at once");
        var refused = Assert.Throws<SocketException>(() =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        });
        Assert.That(refused!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused), "nothing listens any more");
        Assert.That(server.Server.IsDrained, Is.False, "a request is still in flight");
        Assert.That(server.Server.OpenConnections(0), Is.EqualTo(1));

        HoldHandler.Release = true;
        RawResponse last = busy.Read()!;
        Assert.That(last.Status, Is.EqualTo(200), "the request in flight is answered");
        Assert.That(last.Closes, Is.True, "its response says Connection: close");
        Assert.That(busy.SeesEndOfStream(), Is.True, "then its connection closes");

        Assert.That(server.Server.WaitForDrain(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(server.Server.IsDrained, Is.True);
        Assert.That(server[HttpServerCounter.DrainIdleClosed], Is.EqualTo(2));
        Assert.That(server.Server.BeginDrain(server.Runtime), Is.True, "a second drain is harmless");
        Assert.That(server.Server.IsDrained, Is.True);
    }

    [Test]
    public void A_drain_with_nothing_open_is_drained_once_the_listener_closed()
    {
        using var server = new TestServer();
        Assert.That(server.Server.IsDrained, Is.False, "not before a drain begins");
        Assert.That(server.Server.BeginDrain(server.Runtime), Is.True);
        Assert.That(server.Server.WaitForDrain(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(server.Server.ListeningPort(0), Is.Zero);
    }

    [Test]
    public void Draining_a_server_not_configured_throws_and_one_not_started_reaches_no_shard()
    {
        using var unconfigured = new HttpServer();
        using var server = new HttpServer(new HttpServerOptions { Address = IoAddress.Loopback, Port = 0 });
        var spec = new TinaSpec { ShardCount = 1, PinThreads = false };
        spec.UseIo(new IoOptions());
        server.Configure(spec);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Assert.Throws<InvalidOperationException>(() => unconfigured.BeginDrain(runtime));
        Assert.That(server.BeginDrain(runtime), Is.False, "no drain gate has started");
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        long deadline = Environment.TickCount64 + 10_000;
        while (!condition())
        {
            Assert.That(Environment.TickCount64, Is.LessThan(deadline), what);
            Thread.Sleep(5);
        }
    }
}
