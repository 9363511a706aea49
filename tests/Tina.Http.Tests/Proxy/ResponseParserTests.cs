using System;
using System.Collections.Generic;
using System.Text;
using NUnit.Framework;
using Tina.Http.Parsing;
using Tina.Http.Server;
using Tina.Http.Server.Proxy;
using Tina.Io;

namespace Tina.Http.Tests.Proxy;

/// <summary>The strict upstream response parser: framing, interim responses, every split, and the malformed set.</summary>
[TestFixture]
public sealed class ResponseParserTests
{
    /// <summary>Feeds <paramref name="text"/> in pieces of <paramref name="step"/> bytes (0: whole); returns status, body, complete, error.</summary>
    private static (int Status, string Body, bool Complete, HttpResponseError Error, HttpResponseParser Parser) Run(string text, int step = 0, bool head = false, bool closeAtEnd = false)
    {
        var parser = new HttpResponseParser();
        parser.Reset(head);
        byte[] bytes = Encoding.Latin1.GetBytes(text);
        var body = new StringBuilder();
        bool complete = false;
        int at = 0;
        while (!complete && parser.Error == HttpResponseError.None)
        {
            int n = step == 0 ? bytes.Length - at : Math.Min(step, bytes.Length - at);
            ReadOnlySpan<byte> input = bytes.AsSpan(at, n);
            at += n;
            while (true)
            {
                HttpParseEvent ev = parser.Parse(input, out int consumed, out ReadOnlySpan<byte> data);
                input = input[consumed..];
                if (ev == HttpParseEvent.BodyData)
                {
                    body.Append(Encoding.Latin1.GetString(data));
                }
                else if (ev == HttpParseEvent.MessageComplete)
                {
                    complete = true;
                    break;
                }
                else if (ev is HttpParseEvent.NeedMoreData or HttpParseEvent.Error)
                {
                    break;
                }
            }

            if (at == bytes.Length && !complete)
            {
                if (closeAtEnd && parser.Error == HttpResponseError.None)
                {
                    complete = parser.Finish() == HttpParseEvent.MessageComplete;
                }

                break;
            }
        }

        return (parser.Status, body.ToString(), complete, parser.Error, parser);
    }

    private static readonly string[] Valid =
    [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n3;ext=1\r\nllo\r\n0\r\nTrailer-Field: x\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.0 200 \r\nContent-Length: 5\r\n\r\nhello",
    ];

    [Test]
    public void Valid_responses_parse_the_same_at_every_split([Values(0, 1, 2, 3, 7)] int step, [Range(0, 3)] int index)
    {
        var (status, body, complete, error, _) = Run(Valid[index], step);
        Assert.That(error, Is.EqualTo(HttpResponseError.None));
        Assert.That(complete, Is.True);
        Assert.That(status, Is.EqualTo(200));
        Assert.That(body, Is.EqualTo("hello"));
    }

    [Test]
    public void Framing_and_keep_alive_follow_RFC_9112()
    {
        Assert.That(Run("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello").Parser.KeepAlive, Is.True);
        Assert.That(Run("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello").Parser.KeepAlive, Is.False);
        Assert.That(Run("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello").Parser.KeepAlive, Is.False);
        Assert.That(Run("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello").Parser.KeepAlive, Is.True);

        var head = Run("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n", head: true);
        Assert.That((head.Complete, head.Body, head.Parser.ContentLength), Is.EqualTo((true, "", 42L)), "no body after HEAD");
        Assert.That(Run("HTTP/1.1 204 No Content\r\n\r\n").Complete, Is.True);
        Assert.That(Run("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n").Complete, Is.True);

        var untilClose = Run("HTTP/1.1 200 OK\r\n\r\nall of it", closeAtEnd: true);
        Assert.That((untilClose.Complete, untilClose.Body, untilClose.Parser.IsCloseDelimited, untilClose.Parser.KeepAlive), Is.EqualTo((true, "all of it", true, false)));
    }

    [TestCase("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", HttpResponseError.Truncated)]
    [TestCase("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", HttpResponseError.Truncated)]
    [TestCase("HTTP/2 200 OK\r\n\r\n", HttpResponseError.BadStatusLine)]
    [TestCase("HTTP/1.1 20 OK\r\n\r\n", HttpResponseError.BadStatusLine)]
    [TestCase("HTTP/1.1 200\r\n\r\n", HttpResponseError.BadStatusLine)]
    [TestCase("HTTP/1.1  200 OK\r\n\r\n", HttpResponseError.BadStatusLine)]
    [TestCase("HTTP/1.1 099 OK\r\n\r\n", HttpResponseError.BadStatusLine)]
    [TestCase("http/1.1 200 OK\r\n\r\n", HttpResponseError.BadStatusLine)]
    [TestCase("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", HttpResponseError.BadLineEnding)]
    [TestCase("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", HttpResponseError.BadLineEnding)]
    [TestCase("HTTP/1.1 200 OK\r\nX : a\r\n\r\n", HttpResponseError.BadHeader)]
    [TestCase("HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n", HttpResponseError.BadHeader)]
    [TestCase("HTTP/1.1 200 OK\r\nX: a<01>b\r\n\r\n", HttpResponseError.BadHeader)] // <01>: a control byte, spelled out so the test name stays printable
    [TestCase("HTTP/1.1 200 OK\r\n: a\r\n\r\n", HttpResponseError.BadHeader)]
    [TestCase("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", HttpResponseError.ContentLengthWithTransferEncoding)]
    [TestCase("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", HttpResponseError.BadContentLength)]
    [TestCase("HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n", HttpResponseError.BadContentLength)]
    [TestCase("HTTP/1.1 200 OK\r\nContent-Length: 1,1\r\n\r\n", HttpResponseError.BadContentLength)]
    [TestCase("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", HttpResponseError.BadContentLength)]
    [TestCase("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", HttpResponseError.BadTransferEncoding)]
    [TestCase("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", HttpResponseError.BadTransferEncoding)]
    [TestCase("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n", HttpResponseError.BadTransferEncoding)]
    [TestCase("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", HttpResponseError.BadChunk)]
    [TestCase("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", HttpResponseError.BadChunk)]
    [TestCase("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", HttpResponseError.BadChunk)]
    [TestCase("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n", HttpResponseError.ChunkSizeOverflow)]
    [TestCase("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", HttpResponseError.BadChunk)]
    [TestCase("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", HttpResponseError.Upgrade)]
    public void Malformed_responses_are_rejected_at_every_split(string text, HttpResponseError expected)
    {
        text = text.Replace("<01>", "\u0001", StringComparison.Ordinal);
        foreach (int step in new[] { 0, 1, 5 })
        {
            var (_, _, complete, error, _) = Run(text, step, closeAtEnd: true);
            Assert.That(error, Is.EqualTo(expected), $"split {step}");
            Assert.That(complete, Is.False);
        }
    }

    [Test]
    public void Limits_hold_exactly()
    {
        var parser = new HttpResponseParser(maxHeadBytes: 64, maxHeaderCount: 2);
        parser.Reset(false);
        byte[] fits = Encoding.Latin1.GetBytes("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n");
        Assert.That(parser.Parse(fits, out _, out _), Is.EqualTo(HttpParseEvent.Error), "a third field");
        Assert.That(parser.Error, Is.EqualTo(HttpResponseError.TooManyHeaders));

        parser = new HttpResponseParser(maxHeadBytes: 64);
        parser.Reset(false);
        string big = "HTTP/1.1 200 OK\r\nX: " + new string('v', 60) + "\r\n\r\n";
        Assert.That(parser.Parse(Encoding.Latin1.GetBytes(big), out _, out _), Is.EqualTo(HttpParseEvent.Error));
        Assert.That(parser.Error, Is.EqualTo(HttpResponseError.HeadTooLarge));
    }

    [Test]
    public void Parsing_allocates_nothing_per_response()
    {
        var parser = new HttpResponseParser();
        byte[] response = Encoding.Latin1.GetBytes(Valid[1]);
        void Once()
        {
            parser.Reset(false);
            ReadOnlySpan<byte> input = response;
            while (parser.Parse(input, out int consumed, out _) is not (HttpParseEvent.MessageComplete or HttpParseEvent.Error or HttpParseEvent.NeedMoreData))
            {
                input = input[consumed..];
            }
        }

        Once();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Once();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0));
    }

    [Test]
    public void Bad_proxy_options_are_named()
    {
        var cases = new List<(Action<HttpProxyOptions> Set, string Field)>
        {
            (o => o.ConnectTimeout = TimeSpan.Zero, "HttpProxyOptions.ConnectTimeout"),
            (o => o.ResponseTimeout = TimeSpan.FromDays(2), "HttpProxyOptions.ResponseTimeout"),
            (o => o.MaxConnectionsPerShard = 0, "HttpProxyOptions.MaxConnectionsPerShard"),
            (o => o.ChunkBytes = 100, "HttpProxyOptions.ChunkBytes"),
            (o => o.MaxResponseHeadBytes = 10, "HttpProxyOptions.MaxResponseHeadBytes"),
            (o => o.MaxResponseHeaderCount = 0, "HttpProxyOptions.MaxResponseHeaderCount"),
            (o => o.ViaName = "two words", "HttpProxyOptions.ViaName"),
            (o => o.ForwardedProto = "", "HttpProxyOptions.ForwardedProto"),
        };
        foreach ((Action<HttpProxyOptions> set, string field) in cases)
        {
            var options = new HttpProxyOptions();
            set(options);
            using var server = new HttpServer(new HttpServerOptions { Port = 0 }).MapProxy("/api/", [new HttpUpstream(Tina.Io.IoAddress.Loopback, 80)], options);
            var spec = new TinaSpec();
            spec.UseIo(new Tina.Io.IoOptions());
            var e = Assert.Throws<TinaConfigurationException>(() => server.Configure(spec));
            Assert.That(e!.Message, Does.Contain(field));
        }

        Assert.Throws<ArgumentException>(() => new HttpServer().MapProxy("api", [new HttpUpstream(Tina.Io.IoAddress.Loopback, 80)]));
        Assert.Throws<ArgumentException>(() => new HttpServer().MapProxy("/api/", []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpServer().MapProxy("/api/", [new HttpUpstream(Tina.Io.IoAddress.Loopback, 0)]));
    }
}
