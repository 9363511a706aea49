using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using Tina.Http.Server;

namespace Tina.Http.Tests.Server;

/// <summary>
/// Load shedding over loopback: each signal (calls out to a handler, call slots, open connections, the handler's
/// standing queueing delay, the runtime refusing the Call) answers 503 with Retry-After, counted by reason and class,
/// lower classes first; every request gets one response or its connection closes.
/// </summary>
[TestFixture]
[Platform("Linux")]
[NonParallelizable]
public sealed class SheddingTests
{
    [SetUp]
    public void ResetHandlers()
    {
        HoldHandler.Release = false;
        PacedHandler.Pace = TimeSpan.FromMilliseconds(10);
    }

    [TearDown]
    public void ReleaseHandlers() => HoldHandler.Release = true;

    private static void Hold(HttpServer server) => server
        .MapHandler<HoldHandler>("GET", "/low", HttpPriority.Low)
        .MapHandler<HoldHandler>("GET", "/normal", HttpPriority.Normal)
        .MapHandler<HoldHandler>("GET", "/high", HttpPriority.High);

    [Test]
    public void HandlerQueue_ShedsLowFirst_ThenNormal_ThenHighAtTheLimit()
    {
        // MaxHandlerQueue 4: Low shed at 2 calls out (50 %), Normal at 3 (75 %), High at 4.
        using var server = new TestServer(configure: o =>
        {
            o.MaxHandlerQueue = 4;
            o.LowPriorityShedPercent = 50;
            o.NormalPriorityShedPercent = 75;
            o.ShedRetryAfterSeconds = 7;
        }, map: Hold);
        var held = new List<RawClient>();
        try
        {
            held.Add(Held(server, "/low", 1));
            held.Add(Held(server, "/low", 2));
            using RawClient shedLow = server.Connect();
            AssertShed(shedLow, "/low", "7");
            Assert.That(server[HttpServerCounter.ShedLow], Is.EqualTo(1));
            held.Add(Held(server, "/normal", 3));
            using RawClient shedNormal = server.Connect();
            AssertShed(shedNormal, "/normal", "7");
            held.Add(Held(server, "/high", 4));
            using RawClient shedHigh = server.Connect();
            AssertShed(shedHigh, "/high", "7");
            Assert.That(server[HttpServerCounter.ShedHandlerQueue], Is.EqualTo(3));
            Assert.That(server[HttpServerCounter.ShedNormal], Is.EqualTo(1));
            Assert.That(server[HttpServerCounter.ShedHigh], Is.EqualTo(1));

            HoldHandler.Release = true;
            foreach (RawClient client in held)
            {
                Assert.That(client.Read()?.Status, Is.EqualTo(200), "every held request is answered once released");
            }

            // The shed connection stayed open (no body, framing intact) and is served now.
            shedLow.Send("GET /low HTTP/1.1\r\nHost: a\r\n\r\n");
            Assert.That(shedLow.Read()?.Status, Is.EqualTo(200));
        }
        finally
        {
            HoldHandler.Release = true;
            held.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public void CallSlots_ShedLowWhileHighStillGetsSlots()
    {
        using var server = new TestServer(configure: o =>
        {
            o.HandlerCallSlotsPerShard = 4;
            o.LowPriorityShedPercent = 50;
            o.NormalPriorityShedPercent = 75;
        }, map: Hold);
        var held = new List<RawClient>();
        try
        {
            held.Add(Held(server, "/low", 1));
            held.Add(Held(server, "/low", 2));
            using RawClient shed = server.Connect();
            AssertShed(shed, "/low", "1");
            held.Add(Held(server, "/high", 3));
            held.Add(Held(server, "/high", 4));
            using RawClient full = server.Connect();
            AssertShed(full, "/high", "1");
            Assert.That(server[HttpServerCounter.ShedCallSlots], Is.EqualTo(2));
            Assert.That(server[HttpServerCounter.ShedLow], Is.EqualTo(1));
            Assert.That(server[HttpServerCounter.ShedHigh], Is.EqualTo(1));
            Assert.That(server[HttpServerCounter.HandlerRequestsRefused], Is.Zero, "shed before a slot is looked for");
            HoldHandler.Release = true;
            foreach (RawClient client in held)
            {
                Assert.That(client.Read()?.Status, Is.EqualTo(200));
            }
        }
        finally
        {
            HoldHandler.Release = true;
            held.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public void ConnectionTable_ShedsLowAndCloses_HighIsServed()
    {
        // 4 connections per shard: Low is shed from 2 open (50 %), Normal from 3; High only meets the accept limit.
        using var server = new TestServer(configure: o =>
        {
            o.MaxConnectionsPerShard = 4;
            o.LowPriorityShedPercent = 50;
            o.NormalPriorityShedPercent = 75;
        }, map: Hold);
        HoldHandler.Release = true; // answered at once: only the connection count matters here
        using RawClient idle = server.Connect();
        using RawClient low = server.Connect();
        low.Send("GET /low HTTP/1.1\r\nHost: a\r\n\r\n");
        RawResponse? shed = low.Read();
        Assert.That(shed?.Status, Is.EqualTo(503));
        Assert.That(shed!.Headers.ContainsKey("Retry-After"), Is.True);
        Assert.That(shed.Closes, Is.True, "shedding by connections closes the connection");
        Assert.That(low.SeesEndOfStream(), Is.True);
        Assert.That(server[HttpServerCounter.ShedConnections], Is.EqualTo(1));
        using RawClient high = server.Connect();
        using RawClient high2 = server.Connect();
        high2.Send("GET /high HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(high2.Read()?.Status, Is.EqualTo(200), "High is served with the table at 3 of 4");
        Assert.That(server[HttpServerCounter.ShedHigh], Is.Zero);
    }

    [Test]
    public void StandingQueueDelay_ShedsLow_HighIsServed()
    {
        // PacedHandler starts one request per 10 ms; 6 clients keep it fed, so each request waits for about 5 ahead
        // (a standing queue of ~50 ms). Low is shed above 10 % of 200 ms (20 ms), High only above 200 ms.
        PacedHandler.Pace = TimeSpan.FromMilliseconds(10);
        using var server = new TestServer(configure: o =>
        {
            o.QueueDelayTarget = TimeSpan.FromMilliseconds(200);
            o.QueueDelayInterval = TimeSpan.FromMilliseconds(50);
            o.LowPriorityShedPercent = 10;
            o.NormalPriorityShedPercent = 10;
            o.HandlerTimeout = TimeSpan.FromSeconds(30);
        }, map: s => s.MapHandler<PacedHandler>("GET", "/paced-low", HttpPriority.Low).MapHandler<PacedHandler>("GET", "/paced-high", HttpPriority.High));
        Dictionary<string, int> statuses = FeedUntilTheDelaySheds(server, i => i < 3 ? "/paced-low" : "/paced-high");
        Assert.That(server[HttpServerCounter.ShedQueueDelay], Is.GreaterThan(0), "the standing queue sheds");
        Assert.That(server[HttpServerCounter.ShedHigh], Is.Zero, "High is not shed below its target");
        lock (statuses)
        {
            Assert.That(statuses.GetValueOrDefault("/paced-low 503"), Is.GreaterThan(0));
            Assert.That(statuses.GetValueOrDefault("/paced-high 503"), Is.Zero);
            Assert.That(statuses.GetValueOrDefault("/paced-high 200"), Is.GreaterThan(0));
            Assert.That(statuses.Keys, Is.All.Matches<string>(k => k.EndsWith(" 200", StringComparison.Ordinal) || k.EndsWith(" 503", StringComparison.Ordinal)), "only answers or sheds");
        }
    }

    [Test]
    public void StandingQueueDelay_DoesNotShed_WhenNothingWaitsOnTheHandler()
    {
        // The delay verdict is the last whole interval's (3 s here, so it outlasts the clients' stop). After a standing
        // queue forms and the clients stop, every call is answered, so nothing waits on the handler: a request then
        // starts at once, and shedding it for the old interval's queue would idle the handler. Every queued request
        // waited at least one pace (10 ms) behind another, over the 5 % of 100 ms (5 ms) Low is shed at.
        PacedHandler.Pace = TimeSpan.FromMilliseconds(10);
        using var server = new TestServer(configure: o =>
        {
            o.QueueDelayTarget = TimeSpan.FromMilliseconds(100);
            o.QueueDelayInterval = TimeSpan.FromSeconds(3);
            o.LowPriorityShedPercent = 5;
            o.NormalPriorityShedPercent = 5;
            o.HandlerTimeout = TimeSpan.FromSeconds(30);
        }, map: s => s.MapHandler<PacedHandler>("GET", "/paced-low", HttpPriority.Low));
        FeedUntilTheDelaySheds(server, _ => "/paced-low");
        Assert.That(server[HttpServerCounter.ShedQueueDelay], Is.GreaterThan(0), "a standing queue formed and shed");

        long shedBefore = server[HttpServerCounter.ShedQueueDelay];
        using var probe = new RawClient(server.Port);
        probe.Send("GET /paced-low HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(probe.Read()?.Status, Is.EqualTo(200), "nothing waits on the handler: the request is admitted");
        Assert.That(server[HttpServerCounter.ShedQueueDelay], Is.EqualTo(shedBefore));
    }

    [Test]
    public void PriorityHeader_OverridesTheRouteClass()
    {
        using var server = new TestServer(configure: o =>
        {
            o.MaxHandlerQueue = 2;
            o.LowPriorityShedPercent = 50;
            o.PriorityHeader = "X-Priority";
        }, map: Hold);
        var held = new List<RawClient>();
        try
        {
            held.Add(Held(server, "/normal", 1)); // 1 of 2 out: Low (50 %) and Normal (75 %) are shed now
            using RawClient asLow = server.Connect();
            asLow.Send("GET /high HTTP/1.1\r\nHost: a\r\nx-priority: LOW\r\n\r\n");
            Assert.That(asLow.Read()?.Status, Is.EqualTo(503), "a High route asked as low is shed");
            Assert.That(server[HttpServerCounter.ShedLow], Is.EqualTo(1));
            RawClient asHigh = server.Connect();
            held.Add(asHigh);
            asHigh.Send("GET /low HTTP/1.1\r\nHost: a\r\nX-Priority: high\r\n\r\n");
            WaitFor(server, HttpServerCounter.HandlerCalls, 2);
            Assert.That(server[HttpServerCounter.ShedHigh] + server[HttpServerCounter.ShedNormal], Is.Zero, "a Low route asked as high is admitted");
            HoldHandler.Release = true;
            foreach (RawClient client in held)
            {
                Assert.That(client.Read()?.Status, Is.EqualTo(200));
            }
        }
        finally
        {
            HoldHandler.Release = true;
            held.ForEach(c => c.Dispose());
        }
    }

    /// <summary>A connection whose request is held by the handler (returned once the server has made the call).</summary>
    private static RawClient Held(TestServer server, string path, long calls)
    {
        RawClient client = server.Connect();
        client.Send($"GET {path} HTTP/1.1\r\nHost: a\r\n\r\n");
        WaitFor(server, HttpServerCounter.HandlerCalls, calls);
        return client;
    }

    private static void WaitFor(TestServer server, HttpServerCounter counter, long value)
    {
        long deadline = Environment.TickCount64 + 10_000;
        while (server[counter] < value && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(1);
        }

        Assert.That(server[counter], Is.EqualTo(value), counter.ToString());
    }

    private static void AssertShed(RawClient client, string path, string retryAfter)
    {
        client.Send($"GET {path} HTTP/1.1\r\nHost: a\r\n\r\n");
        RawResponse? response = client.Read();
        Assert.That(response?.Status, Is.EqualTo(503), path);
        Assert.That(response!.Headers.GetValueOrDefault("Retry-After"), Is.EqualTo(retryAfter));
        Assert.That(response.Closes, Is.False, "a shed request without a body keeps its connection");
    }

    /// <summary>One request at a time on one kept-alive connection until stopped; counts "path status".</summary>
    /// <summary>
    /// Six closed-loop clients (client i on <paramref name="pathOf"/>(i)) keep the paced handler fed until the
    /// queueing-delay signal has shed (bounded: a standing queue forms within a few intervals), then stop and are
    /// joined, so every call has its answer when this returns. The statuses they saw, by "path status".
    /// </summary>
    private static Dictionary<string, int> FeedUntilTheDelaySheds(TestServer server, Func<int, string> pathOf)
    {
        var statuses = new Dictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var threads = new List<Thread>();
        for (int i = 0; i < 6; i++)
        {
            string path = pathOf(i);
            var thread = new Thread(() => ClosedLoop(server.Port, path, statuses, stop.Token)) { IsBackground = true };
            threads.Add(thread);
            thread.Start();
        }

        long deadline = Environment.TickCount64 + 20_000;
        while (server[HttpServerCounter.ShedQueueDelay] == 0 && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(10);
        }

        stop.Cancel();
        threads.ForEach(t => t.Join(TimeSpan.FromSeconds(15)));
        return statuses;
    }

    private static void ClosedLoop(int port, string path, Dictionary<string, int> statuses, CancellationToken stop)
    {
        using var client = new RawClient(port);
        while (!stop.IsCancellationRequested)
        {
            client.Send($"GET {path} HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse? response = client.Read();
            string key = $"{path} {response?.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "closed"}";
            lock (statuses)
            {
                statuses[key] = statuses.GetValueOrDefault(key) + 1;
            }

            if (response is null || response.Closes)
            {
                return;
            }
        }
    }
}
