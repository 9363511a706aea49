using System;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NUnit.Framework;

namespace Tina.Http.Tests.Proxy;

/// <summary>
/// Upstream proxying over real loopback sockets: a one-shard proxy in front of small plain-socket upstreams. Every
/// client and upstream read is bounded (10 s); nothing asserts speed.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ProxyTests
{
    private static string Ok(string body, string extra = "") =>
        $"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n{extra}Content-Length: {body.Length}\r\n\r\n{body}";

    [Test]
    public void Get_is_forwarded_with_forwarding_fields_and_without_hop_by_hop_ones()
    {
        using var upstream = new TestUpstream(TestUpstream.Answer(_ => Ok("from upstream", "Connection: X-Up-Hop\r\nX-Up-Hop: secret\r\nKeep-Alive: timeout=5\r\nX-Up-Kept: yes\r\n")));
        using var proxy = new ProxyTestServer([upstream.Port]);
        using ProxyClient client = proxy.Connect();
        client.Send("GET /api/items?id=7 HTTP/1.1\r\nHost: shop.example\r\nConnection: X-Client-Hop\r\nX-Client-Hop: drop me\r\nKeep-Alive: 10\r\nTE: trailers\r\nX-Forwarded-For: 10.0.0.1\r\nX-Kept: 1\r\n\r\n");
        ProxyResponse response = client.Read()!;

        Assert.That(response.Status, Is.EqualTo(200));
        Assert.That(response.BodyText, Is.EqualTo("from upstream"));
        Assert.That(response.Field("X-Up-Kept"), Is.EqualTo("yes"));
        Assert.That(response.Field("X-Up-Hop"), Is.Null, "a field the upstream's Connection names is not forwarded");
        Assert.That(response.Field("Keep-Alive"), Is.Null);
        Assert.That(response.Field("Via"), Is.EqualTo("1.1 tina"));
        Assert.That(response.Field("Date"), Is.Not.Null);

        Assert.That(upstream.Requests.TryDequeue(out UpstreamRequest? seen), Is.True);
        Assert.That(seen!.RequestLine, Is.EqualTo("GET /api/items?id=7 HTTP/1.1"));
        Assert.That(seen.Field("Host"), Is.EqualTo("shop.example"));
        Assert.That(seen.Field("X-Kept"), Is.EqualTo("1"));
        Assert.That(seen.Has("X-Client-Hop"), Is.False, "a field the client's Connection names is not forwarded");
        Assert.That(seen.Has("Connection") || seen.Has("Keep-Alive") || seen.Has("TE"), Is.False);
        Assert.That(seen.Field("X-Forwarded-For"), Is.EqualTo("10.0.0.1, 127.0.0.1"));
        Assert.That(seen.Field("X-Forwarded-Proto"), Is.EqualTo("http"));
        Assert.That(seen.Field("X-Forwarded-Host"), Is.EqualTo("shop.example"));
        Assert.That(seen.Field("Via"), Is.EqualTo("1.1 tina"));

        // The exact route still answers inline on the same connection.
        client.Send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(client.Read()!.BodyText, Is.EqualTo("ok"));
    }

    [Test]
    public void Post_with_a_content_length_body_round_trips()
    {
        using var upstream = new TestUpstream(TestUpstream.Answer(r => Ok("got " + Encoding.Latin1.GetString(r.Body))));
        using var proxy = new ProxyTestServer([upstream.Port]);
        using ProxyClient client = proxy.Connect();
        client.Send("POST /api/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world");
        ProxyResponse response = client.Read()!;
        Assert.That(response.BodyText, Is.EqualTo("got hello world"));
        Assert.That(upstream.Requests.Single().Field("Content-Length"), Is.EqualTo("11"));
    }

    [Test]
    public void Chunked_bodies_are_forwarded_both_ways()
    {
        using var upstream = new TestUpstream(TestUpstream.Answer(r =>
            "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nyou\r\n5\r\n sent\r\n1\r\n \r\n" + r.Body.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n" + Encoding.Latin1.GetString(r.Body) + "\r\n0\r\n\r\n"));
        using var proxy = new ProxyTestServer([upstream.Port]);
        using ProxyClient client = proxy.Connect();
        client.Send("POST /api/up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n");
        client.Send("6\r\nefghij\r\n0\r\n\r\n");
        ProxyResponse response = client.Read()!;

        Assert.That(response.Status, Is.EqualTo(201));
        Assert.That(response.WasChunked, Is.True);
        Assert.That(response.BodyText, Is.EqualTo("you sent abcdefghij"));
        UpstreamRequest seen = upstream.Requests.Single();
        Assert.That(seen.WasChunked, Is.True);
        Assert.That(Encoding.Latin1.GetString(seen.Body), Is.EqualTo("abcdefghij"));
    }

    [Test]
    public void Upstream_connections_are_kept_alive_and_reused()
    {
        using var upstream = new TestUpstream(TestUpstream.Answer(r => Ok(r.RequestLine)));
        using var proxy = new ProxyTestServer([upstream.Port]);
        for (int c = 0; c < 3; c++)
        {
            using ProxyClient client = proxy.Connect();
            for (int i = 0; i < 4; i++)
            {
                client.Send($"GET /api/n{c}{i} HTTP/1.1\r\nHost: a\r\n\r\n");
                Assert.That(client.Read()!.BodyText, Is.EqualTo($"GET /api/n{c}{i} HTTP/1.1"));
            }
        }

        Assert.That(upstream.Accepts, Is.EqualTo(1), "12 sequential requests over one kept-alive upstream connection");
        Assert.That(proxy.Connects, Is.EqualTo(1));
    }

    [Test]
    public void Round_robin_spreads_new_connections_over_the_upstreams()
    {
        using var a = new TestUpstream(TestUpstream.Answer(_ => Ok("a")));
        using var b = new TestUpstream(TestUpstream.Answer(_ => Ok("b")));
        var gate = new ManualResetEventSlim();
        using var proxy = new ProxyTestServer([a.Port, b.Port]);
        using ProxyClient first = proxy.Connect();
        using ProxyClient second = proxy.Connect();

        // Two requests in flight at once need two upstream connections: one to each upstream.
        first.Send("POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n");
        second.Send("POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n");
        SpinWait.SpinUntil(() => a.Accepts + b.Accepts == 2, TimeSpan.FromSeconds(10));
        first.Send("..");
        second.Send("..");
        string bodies = first.Read()!.BodyText + second.Read()!.BodyText;
        Assert.That(bodies, Is.EqualTo("ab").Or.EqualTo("ba"));
        Assert.That((a.Accepts, b.Accepts), Is.EqualTo((1, 1)));
        gate.Dispose();
    }

    [Test]
    public void An_upstream_that_refuses_connections_gets_502()
    {
        int closedPort;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            closedPort = ((IPEndPoint)probe.LocalEndPoint!).Port; // bound, never listening: connects are refused
            using var proxy = new ProxyTestServer([closedPort]);
            using ProxyClient client = proxy.Connect();
            client.Send("GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n");
            Assert.That(client.Read()!.Status, Is.EqualTo(502));

            // The connection goes on (the request was all read): a next request is served.
            client.Send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
            Assert.That(client.Read()!.BodyText, Is.EqualTo("ok"));
        }
    }

    [Test]
    public void A_malformed_upstream_response_gets_502()
    {
        using var upstream = new TestUpstream(TestUpstream.Answer(_ => "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc"));
        using var proxy = new ProxyTestServer([upstream.Port]);
        using ProxyClient client = proxy.Connect();
        client.Send("GET /api/x HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(client.Read()!.Status, Is.EqualTo(502));
    }

    [Test]
    public void A_slow_upstream_gets_504_at_the_response_timeout()
    {
        using var release = new ManualResetEventSlim();
        using var upstream = new TestUpstream(connection =>
        {
            connection.ReadRequest();
            release.Wait(TimeSpan.FromSeconds(10)); // never answers in time
            connection.Close();
        });
        using var proxy = new ProxyTestServer([upstream.Port], o => o.ResponseTimeout = TimeSpan.FromMilliseconds(200));
        using ProxyClient client = proxy.Connect();
        client.Send("GET /api/slow HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(client.Read()!.Status, Is.EqualTo(504));
        release.Set();
    }

    [Test]
    public void A_full_pool_answers_503_and_recovers()
    {
        using var release = new ManualResetEventSlim();
        using var upstream = new TestUpstream(connection =>
        {
            while (connection.ReadRequest() is not null)
            {
                release.Wait(TimeSpan.FromSeconds(10));
                connection.Write(Ok("done"));
            }
        });
        using var proxy = new ProxyTestServer([upstream.Port], o => o.MaxConnectionsPerShard = 1);
        using ProxyClient holder = proxy.Connect();
        holder.Send("GET /api/hold HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(SpinWait.SpinUntil(() => upstream.Requests.Count == 1, TimeSpan.FromSeconds(10)), Is.True, "the only upstream connection is busy");

        using ProxyClient other = proxy.Connect();
        other.Send("GET /api/more HTTP/1.1\r\nHost: a\r\n\r\n");
        ProxyResponse refused = other.Read()!;
        Assert.That(refused.Status, Is.EqualTo(503));
        Assert.That(proxy.Server.ProxyCounter(0, 0, 1), Is.EqualTo(1));

        release.Set();
        Assert.That(holder.Read()!.BodyText, Is.EqualTo("done"));
        using ProxyClient after = proxy.Connect();
        after.Send("GET /api/again HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(after.Read()!.BodyText, Is.EqualTo("done"), "the connection is back in the pool");
        Assert.That(upstream.Accepts, Is.EqualTo(1));
    }

    [Test]
    public void An_upstream_that_closes_mid_body_closes_the_client_connection()
    {
        using var upstream = new TestUpstream(connection =>
        {
            connection.ReadRequest();
            connection.Write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + new string('x', 100));
            Thread.Sleep(50);
            connection.Close();
        });
        using var proxy = new ProxyTestServer([upstream.Port]);
        using ProxyClient client = proxy.Connect();
        client.Send("GET /api/cut HTTP/1.1\r\nHost: a\r\n\r\n");
        string? status = client.ReadLine();
        Assert.That(status, Does.StartWith("HTTP/1.1 200"));
        while (client.ReadLine() is { Length: > 0 })
        {
        }

        Assert.That(client.Drain(1000), Is.EqualTo(100), "the 100 bytes that came, then the end");
        Assert.That(client.SeesEndOfStream(), Is.True, "closed, not hung");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void A_large_response_streams_through_bounded_buffers(bool chunked)
    {
        const int size = (3 << 20) + 12345; // far over the connection's output buffer and the exchange's areas
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++)
        {
            body[i] = (byte)('a' + (i % 26));
        }

        using var upstream = new TestUpstream(connection =>
        {
            while (connection.ReadRequest() is not null)
            {
                if (chunked)
                {
                    connection.Write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                    for (int at = 0; at < size; at += 100_000)
                    {
                        int n = Math.Min(100_000, size - at);
                        connection.Write(n.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n");
                        connection.Write(body.AsSpan(at, n).ToArray());
                        connection.Write("\r\n");
                    }

                    connection.Write("0\r\n\r\n");
                }
                else
                {
                    connection.Write($"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n");
                    connection.Write(body);
                }
            }
        });
        using var proxy = new ProxyTestServer([upstream.Port], o => o.ChunkBytes = 8192);
        using ProxyClient client = proxy.Connect();
        for (int round = 0; round < 2; round++)
        {
            client.Send("GET /api/big HTTP/1.1\r\nHost: a\r\n\r\n");
            ProxyResponse response = client.Read()!;
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(response.Body.Length, Is.EqualTo(size));
            Assert.That(response.Body.AsSpan().SequenceEqual(body), Is.True);
        }

        Assert.That(upstream.Accepts, Is.EqualTo(1));
    }

    [Test]
    public void A_client_that_does_not_read_stalls_the_upstream_instead_of_being_buffered_for()
    {
        const int size = 48 << 20; // far over every socket buffer and pool on the way, so a stall must come from the proxy
        long written = 0;
        using var upstream = new TestUpstream(connection =>
        {
            connection.ReadRequest();
            connection.Write($"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n");
            byte[] piece = new byte[64 * 1024];
            piece.AsSpan().Fill((byte)'q');
            for (int at = 0; at < size; at += piece.Length)
            {
                connection.Write(piece); // blocks (bounded by its 10 s timeout) while the proxy stops reading
                Interlocked.Add(ref written, piece.Length);
            }
        });
        using var proxy = new ProxyTestServer([upstream.Port], o => o.ChunkBytes = 8192);
        using ProxyClient client = proxy.Connect();
        client.Send("GET /api/flood HTTP/1.1\r\nHost: a\r\n\r\n");

        // Not reading: the upstream's writes must stop well short of the body (the proxy holds one step, not the body).
        long last = -1;
        int steady = 0;
        for (int i = 0; i < 200 && steady < 5; i++)
        {
            Thread.Sleep(50);
            long now = Interlocked.Read(ref written);
            steady = now == last ? steady + 1 : 0;
            last = now;
        }

        Assert.That(steady, Is.EqualTo(5), "the upstream's writes stalled");
        Assert.That(last, Is.LessThan(size / 2), "what the proxy and the sockets hold is bounded");

        // Reading now, the whole body comes through.
        while (client.ReadLine() is { Length: > 0 })
        {
        }

        Assert.That(client.Drain(size), Is.EqualTo(size));
    }

    [Test]
    public void A_large_request_body_streams_to_the_upstream()
    {
        const int size = (2 << 20) + 777;
        using var upstream = new TestUpstream(TestUpstream.Answer(r => Ok(r.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + r.Body.Count(b => b == (byte)'z'))));
        using var proxy = new ProxyTestServer([upstream.Port], server: s => s.Parser = s.Parser with { MaxBodyBytes = 16 << 20 });
        using ProxyClient client = proxy.Connect();
        client.Send($"PUT /api/blob HTTP/1.1\r\nHost: a\r\nContent-Length: {size}\r\n\r\n");
        client.Send(Enumerable.Repeat((byte)'z', size).ToArray());
        Assert.That(client.Read()!.BodyText, Is.EqualTo($"{size}:{size}"));
    }

    [Test]
    public void A_64_MiB_body_streams_through_the_proxy_both_ways_with_bounded_memory()
    {
        const long size = 64L << 20;
        using var upstream = new StreamUpstream();
        using var proxy = new ProxyTestServer([upstream.Port], server: s => s.Parser = s.Parser with { MaxBodyBytes = 1L << 30 });
        using var client = new Tina.Http.Tests.Server.StreamClient(proxy.Port);
        client.Send("GET /api/source?n=1000 HTTP/1.1\r\nHost: a\r\n\r\n"); // first use of the pool, link and areas
        (int warm, var warmFields) = client.ReadHead();
        Assert.That(warm, Is.EqualTo(200));
        Assert.That(client.ReadPatternBody(warmFields), Is.EqualTo(1000));

        long before = GC.GetTotalAllocatedBytes(true);
        client.Send($"PUT /api/sink HTTP/1.1\r\nHost: a\r\nContent-Length: {size}\r\n\r\n");
        client.WriteBody(size, chunked: false);
        (int putStatus, var putFields) = client.ReadHead();
        string matched = client.ReadText(putFields);
        long afterPut = GC.GetTotalAllocatedBytes(true);
        Assert.That(putStatus, Is.EqualTo(200));
        Assert.That(matched, Is.EqualTo(size.ToString(System.Globalization.CultureInfo.InvariantCulture)), "the upstream got every byte of the upload, in order");

        client.Send($"GET /api/source?n={size} HTTP/1.1\r\nHost: a\r\n\r\n");
        (int getStatus, var fields) = client.ReadHead();
        long got = client.ReadPatternBody(fields);
        long allocated = GC.GetTotalAllocatedBytes(true) - before;
        TestContext.Out.WriteLine($"allocated {allocated} B over {2 * size} B proxied ({afterPut - before} B for the upload)");

        Assert.That(getStatus, Is.EqualTo(200));
        Assert.That(got, Is.EqualTo(size), "every byte of the download, in order");
        Assert.That(allocated, Is.LessThan(4L << 20), "the proxy, the upstream and the client hold fixed buffers only");
        client.Dispose();
        long deadline = Environment.TickCount64 + 10_000;
        while (proxy.Server.OpenConnections(0) != 0 && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(10);
        }

        Assert.That(proxy.Server.OpenConnections(0), Is.Zero);
    }

    [Test]
    public void Head_requests_forward_the_declared_length_without_a_body()
    {
        using var upstream = new TestUpstream(TestUpstream.Answer(_ => "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n"));
        using var proxy = new ProxyTestServer([upstream.Port]);
        using ProxyClient client = proxy.Connect();
        client.Send("HEAD /api/h HTTP/1.1\r\nHost: a\r\n\r\n");
        ProxyResponse response = client.Read(head: true)!;
        Assert.That(response.Field("Content-Length"), Is.EqualTo("42"));
        client.Send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(client.Read()!.BodyText, Is.EqualTo("ok"), "no body bytes were sent after the HEAD answer");
    }
}
