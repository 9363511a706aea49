using System;
using System.Text;
using System.Threading;
using NUnit.Framework;
using Tina.Http.Server;
using Tina.Io;

namespace Tina.Http.Tests.Server;

/// <summary>What the client sees when a handler does not answer, crashes, or no call slot is free.</summary>
[TestFixture]
[Platform("Linux")]
[NonParallelizable]
public sealed class HandlerFailureTests
{
    [Test]
    public void AHandlerThatNeverAnswers_Gets504AtTheCallTimeout_AndTheConnectionGoesOn()
    {
        using var server = new TestServer(configure: o => o.HandlerTimeout = TimeSpan.FromMilliseconds(200));
        using RawClient client = server.Connect();
        client.Send("GET /stall HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
        RawResponse? timedOut = client.Read();
        Assert.That(timedOut?.Status, Is.EqualTo(504));
        Assert.That(timedOut!.Closes, Is.False, "framing is intact: the connection stays usable");
        Assert.That(client.Read()?.Body, Is.EqualTo("hello"), "the pipelined request after it is answered, in order");
        Assert.That(server[HttpServerCounter.HandlerFailures], Is.EqualTo(1));
    }

    [Test]
    public void AHandlerThatCrashes_Gets500_AndTheNextRequestIsServedByARespawnedHandler()
    {
        using var server = new TestServer();
        using RawClient client = server.Connect();
        client.Send("GET /flaky?boom HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(client.Read()?.Status, Is.EqualTo(500));
        client.Send("GET /flaky HTTP/1.1\r\nHost: a\r\n\r\n");
        RawResponse? next = client.Read();
        Assert.That(next?.Status, Is.EqualTo(200), "the stale handler is respawned and the call made again");
        Assert.That(next!.Body, Is.EqualTo("alive"));
    }

    [Test]
    public void NoFreeCallSlot_Gets503_WhileTheSlotsHolderWaits()
    {
        using var server = new TestServer(configure: o =>
        {
            o.HandlerCallSlotsPerShard = 1;
            o.HandlerTimeout = TimeSpan.FromSeconds(2);
        });
        using RawClient holder = server.Connect();
        using RawClient other = server.Connect();
        holder.Send("GET /stall HTTP/1.1\r\nHost: a\r\n\r\n");
        long deadline = Environment.TickCount64 + 10_000;
        while (server[HttpServerCounter.HandlerCalls] < 1 && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(1);
        }

        Assert.That(server[HttpServerCounter.HandlerCalls], Is.EqualTo(1), "the holder's call is out");
        other.Send(Encoding.ASCII.GetBytes("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n"));
        Assert.That(other.Read()?.Status, Is.EqualTo(503));
        Assert.That(holder.Read()?.Status, Is.EqualTo(504));
        Assert.That(server[HttpServerCounter.ShedCallSlots], Is.EqualTo(1), "no free slot is shed (High: the last slot)");
    }

    [Test]
    public void MapAfterConfigure_AndStartBeforeConfigure_AreRefused()
    {
        using var server = new HttpServer();
        var spec = new TinaSpec { ShardCount = 1 };
        spec.UseIo(new IoOptions());
        var other = new TinaSpec { ShardCount = 1 };
        other.AddIsolate<EchoHandler>();
        using (var runtime = TinaRuntime.Create(other))
        {
            Assert.Throws<InvalidOperationException>(() => server.Start(runtime));
        }

        server.Configure(spec);
        Assert.Throws<InvalidOperationException>(() => server.MapStatic("GET", "/late", 200, "text/plain", default));
    }
}
