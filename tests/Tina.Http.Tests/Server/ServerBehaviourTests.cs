using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using NUnit.Framework;
using Tina.Http.Server;
using Tina.Io;

namespace Tina.Http.Tests.Server;

/// <summary>The server's core behaviour on each Linux backend (io_uring is ignored where the kernel forbids it).</summary>
[TestFixture(IoBackendKind.Epoll)]
[TestFixture(IoBackendKind.IoUring)]
[Platform("Linux")]
[NonParallelizable]
public sealed class ServerBehaviourTests
{
    private readonly IoBackendKind _backend;

    public ServerBehaviourTests(IoBackendKind backend) => _backend = backend;

    [Test]
    public void Pipelining_SixteenRequestsInOneWrite_AreAnsweredInOrder()
    {
        using var server = new TestServer(_backend);
        using RawClient client = server.Connect();
        var requests = new StringBuilder();
        for (int i = 0; i < 16; i++)
        {
            // Alternate inline and handler routes: order must hold across both.
            requests.Append(i % 2 == 0 ? $"GET /echo?n={i} HTTP/1.1\r\nHost: a\r\n\r\n" : "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        }

        client.Send(requests.ToString());
        for (int i = 0; i < 16; i++)
        {
            RawResponse? response = client.Read();
            Assert.That(response?.Status, Is.EqualTo(200), $"response {i}");
            Assert.That(response!.Body, Is.EqualTo(i % 2 == 0 ? $"/echo?n={i}" : "hello"), $"response {i} is the answer to request {i}");
        }

        Assert.That(server[HttpServerCounter.ConnectionsAccepted], Is.EqualTo(1));
    }

    [Test]
    public void Pipelining_AClientThatReadsLate_GetsEveryResponseInOrder()
    {
        // 2,000 requests (about 200 KB of responses) written before the client reads anything: the server stops
        // parsing while its unsent responses pass MaxPendingResponseBytes and resumes as sends complete.
        using var server = new TestServer(_backend, o =>
        {
            o.MaxPendingResponseBytes = 4096;
            o.MaxRequestsPerConnection = 5000;
        });
        using RawClient client = server.Connect();
        var requests = new StringBuilder();
        for (int i = 0; i < 2000; i++)
        {
            requests.Append(i % 3 == 0 ? $"GET /echo?n={i} HTTP/1.1\r\nHost: a\r\n\r\n" : "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        }

        byte[] bytes = Encoding.ASCII.GetBytes(requests.ToString());
        var writer = new Thread(() => client.Send(bytes)) { IsBackground = true };
        writer.Start();
        for (int i = 0; i < 2000; i++)
        {
            RawResponse? response = client.Read();
            Assert.That(response?.Body, Is.EqualTo(i % 3 == 0 ? $"/echo?n={i}" : "hello"), $"response {i}");
        }

        Assert.That(writer.Join(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(server[HttpServerCounter.ParsePauses], Is.GreaterThan(0), "parsing paused at the pending-response mark");
    }

    [Test]
    public void ChunkedBody_SplitAtEveryByteBoundary_IsEchoedWhole()
    {
        using var server = new TestServer(_backend);
        using RawClient client = server.Connect();
        byte[] request = Encoding.ASCII.GetBytes("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        for (int cut = 1; cut < request.Length; cut++)
        {
            client.Send(request[..cut]);
            client.Send(request[cut..]);
            RawResponse? response = client.Read();
            Assert.That(response?.Status, Is.EqualTo(200), $"cut at {cut}");
            Assert.That(response!.Body, Is.EqualTo("hello world"), $"cut at {cut}");
        }

        Assert.That(server[HttpServerCounter.ConnectionsAccepted], Is.EqualTo(1), "every split went over one kept-alive connection");
    }

    [Test]
    public void KeepAlive_OneConnection_ServesManyRequests_HttpOneZeroOnlyWhenAsked()
    {
        using var server = new TestServer(_backend);
        using RawClient client = server.Connect();
        for (int i = 0; i < 5; i++)
        {
            client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            RawResponse? response = client.Read();
            Assert.That(response?.Status, Is.EqualTo(200));
            Assert.That(response!.Closes, Is.False);
            DateTime date = DateTime.ParseExact(response.Headers["Date"], "r", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
            Assert.That(date, Is.EqualTo(DateTime.UtcNow).Within(TimeSpan.FromMinutes(1)), "Date is an IMF-fixdate of the wall time (anchored once, advanced by the shard clock)");
        }

        client.Send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        RawResponse? ten = client.Read();
        Assert.That(ten!.Headers["Connection"], Is.EqualTo("keep-alive"));
        client.Send("GET / HTTP/1.0\r\n\r\n");
        Assert.That(client.Read()!.Closes, Is.True, "HTTP/1.0 without keep-alive closes");
        Assert.That(client.SeesEndOfStream(), Is.True);
        Assert.That(server[HttpServerCounter.ConnectionsAccepted], Is.EqualTo(1));
    }

    [Test]
    public void ExpectContinue_HandlerRoute_GetsContinueBeforeTheBodyIsSent()
    {
        using var server = new TestServer(_backend);
        using RawClient client = server.Connect();
        client.Send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
        RawResponse? interim = client.Read();
        Assert.That(interim?.Status, Is.EqualTo(100), "100 Continue comes before any body byte is sent");
        client.Send("ping");
        RawResponse? final = client.Read();
        Assert.That(final?.Status, Is.EqualTo(200));
        Assert.That(final!.Body, Is.EqualTo("ping"));
        Assert.That(server[HttpServerCounter.ContinuesSent], Is.EqualTo(1));
    }

    [Test]
    public void ExpectContinue_BodyTooLargeForTheHandler_Gets413WithoutContinue()
    {
        using var server = new TestServer(_backend);
        using RawClient client = server.Connect();
        client.Send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n");
        List<RawResponse> responses = client.ReadAllUntilClosed();
        Assert.That(responses, Has.Count.EqualTo(1));
        Assert.That(responses[0].Status, Is.EqualTo(413));
        Assert.That(server[HttpServerCounter.ContinuesSent], Is.Zero);
    }

    [Test]
    public void ExpectContinue_StaticRoute_IsAnsweredAtOnceAndCloses()
    {
        using var server = new TestServer(_backend);
        using RawClient client = server.Connect();
        client.Send("POST /static HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
        List<RawResponse> responses = client.ReadAllUntilClosed();
        Assert.That(responses, Has.Count.EqualTo(1), "no 100 Continue: this route does not read the body");
        Assert.That(responses[0].Status, Is.EqualTo(200));
        Assert.That(responses[0].Closes, Is.True);
    }

    [Test]
    public void RequestsPerConnection_TheLastOneSaysCloseAndTheConnectionEnds()
    {
        using var server = new TestServer(_backend, o => o.MaxRequestsPerConnection = 3);
        using RawClient client = server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
        List<RawResponse> responses = client.ReadAllUntilClosed();
        Assert.That(responses, Has.Count.EqualTo(3), "the fourth request is never answered");
        Assert.That(responses[0].Closes || responses[1].Closes, Is.False);
        Assert.That(responses[2].Closes, Is.True);
    }

    [Test]
    public void IdleTimeout_AKeptAliveConnectionWithNoNextRequest_IsClosed()
    {
        using var server = new TestServer(_backend, o => o.KeepAliveTimeout = TimeSpan.FromMilliseconds(200));
        using RawClient client = server.Connect();
        client.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(client.Read()?.Status, Is.EqualTo(200));
        Assert.That(client.SeesEndOfStream(), Is.True, "closed by the server within the 10 s read bound");
        Assert.That(WaitFor(() => server[HttpServerCounter.IdleTimeouts] == 1), Is.True);
    }

    [Test]
    public void HeaderTimeout_ASlowSender_Gets408AndClose_WhileAnotherClientIsServed()
    {
        using var server = new TestServer(_backend, o => o.HeaderTimeout = TimeSpan.FromMilliseconds(300));
        using RawClient slow = server.Connect();
        using RawClient good = server.Connect();
        slow.Send("GET / HTTP/1.1\r\nHo");
        good.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(good.Read()?.Status, Is.EqualTo(200));
        List<RawResponse> responses = slow.ReadAllUntilClosed(); // the slow head never completes
        Assert.That(responses, Has.Count.EqualTo(1));
        Assert.That(responses[0].Status, Is.EqualTo(408));
        Assert.That(responses[0].Closes, Is.True);
        good.Send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(good.Read()?.Status, Is.EqualTo(200), "the good client is still served (its own deadline restarted per request)");
        Assert.That(server[HttpServerCounter.HeaderTimeouts], Is.EqualTo(1));
    }

    [Test]
    public void HeaderTimeout_CoversTheWholeHead_NotEachRead()
    {
        // A client trickling a byte every 100 ms would keep a per-read timeout of 300 ms alive for the whole 5 s it
        // trickles; one deadline over the whole head cuts it off long before it is done.
        using var server = new TestServer(_backend, o => o.HeaderTimeout = TimeSpan.FromMilliseconds(300));
        using RawClient slow = server.Connect();
        slow.Send("GET / HTTP/1.1\r\nX-Slow: ");
        int trickled = 0;
        using var stop = new CancellationTokenSource();
        var trickler = new Thread(() =>
        {
            for (int i = 0; i < 50 && !stop.IsCancellationRequested; i++)
            {
                stop.Token.WaitHandle.WaitOne(100);
                slow.SendTolerant("a"u8.ToArray());
                Interlocked.Increment(ref trickled);
            }
        }) { IsBackground = true };
        trickler.Start();
        RawResponse? response = slow.Read();
        int sentBeforeTheAnswer = Volatile.Read(ref trickled);
        stop.Cancel();
        trickler.Join(TimeSpan.FromSeconds(10));
        Assert.That(response?.Status, Is.EqualTo(408));
        Assert.That(sentBeforeTheAnswer, Is.LessThan(50), "answered while the client was still trickling");
        Assert.That(slow.SeesEndOfStream(), Is.True);
    }

    [Test]
    public void MinimumBodyRate_ASlowBody_Gets408AfterTheGrace()
    {
        using var server = new TestServer(_backend, o =>
        {
            o.MinRequestBodyBytesPerSecond = 10_000;
            o.MinRequestBodyRateGrace = TimeSpan.FromMilliseconds(200);
        });
        using RawClient client = server.Connect();
        client.Send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 50000\r\n\r\nabc");
        List<RawResponse> responses = client.ReadAllUntilClosed();
        Assert.That(responses, Has.Count.EqualTo(1));
        Assert.That(responses[0].Status, Is.EqualTo(408));
        Assert.That(server[HttpServerCounter.BodyRateTimeouts], Is.EqualTo(1));
    }

    [Test]
    public void NoMinimumRate_ABodyThatStops_Gets408AfterAKeepAliveTimeoutWithoutBytes()
    {
        using var server = new TestServer(_backend, o =>
        {
            o.MinRequestBodyBytesPerSecond = 0;
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(200);
        });
        using RawClient client = server.Connect();
        client.Send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc");
        List<RawResponse> responses = client.ReadAllUntilClosed();
        Assert.That(responses, Has.Count.EqualTo(1));
        Assert.That(responses[0].Status, Is.EqualTo(408));
    }

    [Test]
    public void ConnectionLimitPerShard_RefusesTheConnectionBeyondIt()
    {
        using var server = new TestServer(_backend, o => o.MaxConnectionsPerShard = 2);
        using RawClient first = server.Connect();
        using RawClient second = server.Connect();
        first.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        second.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(first.Read()?.Status, Is.EqualTo(200));
        Assert.That(second.Read()?.Status, Is.EqualTo(200));
        using RawClient third = server.Connect();
        third.SendTolerant(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        Assert.That(third.ReadAllUntilClosed(), Is.Empty, "refused: closed unanswered");
        Assert.That(server[HttpServerCounter.ConnectionsRefusedShardLimit], Is.EqualTo(1));
        first.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(first.Read()?.Status, Is.EqualTo(200), "admitted connections are still served");
    }

    [Test]
    public void ConnectionLimitPerClient_RefusesTheClientsConnectionBeyondIt_AndAdmitsAgainAfterOneCloses()
    {
        using var server = new TestServer(_backend, o => o.MaxConnectionsPerClient = 1);
        RawClient first = server.Connect();
        first.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(first.Read()?.Status, Is.EqualTo(200));
        using (RawClient second = server.Connect())
        {
            second.SendTolerant(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
            Assert.That(second.ReadAllUntilClosed(), Is.Empty);
        }

        Assert.That(server[HttpServerCounter.ConnectionsRefusedClientLimit], Is.EqualTo(1));
        first.Dispose();
        Assert.That(WaitFor(() => server[HttpServerCounter.ConnectionsClosed] >= 1), Is.True, "the first connection's end is seen");
        using RawClient third = server.Connect();
        third.Send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(third.Read()?.Status, Is.EqualTo(200));
    }

    [Test]
    public void HeadAndMethodRules_HeadHasNoBody_405CarriesAllow_404ForUnknownPaths()
    {
        using var server = new TestServer(_backend);
        using RawClient client = server.Connect();
        client.Send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
        RawResponse? head = client.Read(headRequest: true);
        Assert.That(head?.Status, Is.EqualTo(200));
        Assert.That(head!.Headers["Content-Length"], Is.EqualTo("5"));
        client.Send("DELETE /echo HTTP/1.1\r\nHost: a\r\n\r\n");
        RawResponse? notAllowed = client.Read();
        Assert.That(notAllowed?.Status, Is.EqualTo(405));
        Assert.That(notAllowed!.Headers["Allow"], Is.EqualTo("GET, POST"));
        client.Send("GET /nothing HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(client.Read()?.Status, Is.EqualTo(404));
    }

    private static bool WaitFor(Func<bool> condition)
    {
        long deadline = Environment.TickCount64 + 10_000;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }
}
