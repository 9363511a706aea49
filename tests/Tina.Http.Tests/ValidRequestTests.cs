using System;
using NUnit.Framework;
using Tina.Http.Parsing;

namespace Tina.Http.Tests;

[TestFixture]
public sealed class ValidRequestTests
{
    private const string Chunked =
        "POST /upload?x=1 HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;name=value;q=\"a \\\"b\\\"\"\r\nHello\r\n"
        + "7 ; ext\r\n, World\r\n"
        + "0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n";

    [Test]
    public void ChunkedBodySplitAtEveryByteBoundaryGivesTheSameRequest()
    {
        byte[] bytes = ParseDriver.Bytes(Chunked);
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            ParseOutcome o = ParseDriver.Run(bytes, cuts: new[] { cut });
            Assert.That(o.ErrorStatus, Is.Zero, "cut at " + cut + ": " + o.Error);
            Assert.That(o.Heads, Has.Count.EqualTo(1), "cut at " + cut);
            Assert.That(o.Heads[0], Is.EqualTo("POST /upload?x=1 1.1 h=2"));
            Assert.That(o.Bodies, Has.Count.EqualTo(1), "cut at " + cut);
            Assert.That(o.Bodies[0], Is.EqualTo("Hello, World"), "cut at " + cut);
            Assert.That(o.EndedMidRequest, Is.False);
        }
        ParseOutcome bytewise = ParseDriver.Run(bytes, piece: 1);
        Assert.That(bytewise.Bodies[0], Is.EqualTo("Hello, World"));
    }

    [Test]
    public void ContentLengthBodySplitAtEveryPairOfBoundaries()
    {
        byte[] bytes = ParseDriver.Bytes("PUT /k HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nabcde");
        for (int a = 0; a <= bytes.Length; a++)
        {
            for (int b = a; b <= bytes.Length; b += 7)
            {
                ParseOutcome o = ParseDriver.Run(bytes, cuts: new[] { a, b });
                Assert.That(o.Bodies, Has.Count.EqualTo(1), "cuts " + a + "," + b + ": " + o.Error);
                Assert.That(o.Bodies[0], Is.EqualTo("abcde"));
            }
        }
    }

    [Test]
    public void SixteenPipelinedRequestsInOneBufferComeOutInOrder()
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < 16; i++)
        {
            sb.Append(i % 2 == 0
                ? "GET /r" + i + " HTTP/1.1\r\nHost: a\r\n\r\n"
                : "POST /r" + i + " HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n" + (i % 10) + "!");
        }
        ParseOutcome o = ParseDriver.Run(ParseDriver.Bytes(sb.ToString()));
        Assert.That(o.ErrorStatus, Is.Zero);
        Assert.That(o.Heads, Has.Count.EqualTo(16));
        for (int i = 0; i < 16; i++)
        {
            Assert.That(o.Heads[i], Does.Contain("/r" + i + " "));
            Assert.That(o.Bodies[i], Is.EqualTo(i % 2 == 0 ? "" : (i % 10) + "!"));
        }
        Assert.That(o.EndedMidRequest, Is.False);
    }

    [Test]
    public void KeepAliveFollowsVersionAndConnection()
    {
        Assert.That(ParseDriver.Run(ParseDriver.Bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")).KeepAlive[0], Is.True);
        Assert.That(ParseDriver.Run(ParseDriver.Bytes("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")).KeepAlive[0], Is.False);
        Assert.That(ParseDriver.Run(ParseDriver.Bytes("GET / HTTP/1.0\r\n\r\n")).KeepAlive[0], Is.False);
        Assert.That(ParseDriver.Run(ParseDriver.Bytes("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")).KeepAlive[0], Is.True);
    }

    [Test]
    public void HeadAccessorsAndExpectContinue()
    {
        var parser = new HttpRequestParser();
        byte[] bytes = ParseDriver.Bytes("POST /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 0\r\nX-A:  v  \r\n\r\n");
        Assert.That(parser.Parse(bytes, out int consumed, out _), Is.EqualTo(HttpParseEvent.HeadersComplete));
        Assert.That(consumed, Is.EqualTo(bytes.Length));
        Assert.That(parser.ExpectContinue, Is.True);
        Assert.That(parser.ContentLength, Is.Zero);
        Assert.That(parser.TryGetHeader("x-a"u8, out ReadOnlySpan<byte> v), Is.True);
        Assert.That(v.SequenceEqual("v"u8), Is.True);
        Assert.That(parser.HeaderName(0).SequenceEqual("Host"u8), Is.True);
        Assert.That(parser.Parse(default, out _, out _), Is.EqualTo(HttpParseEvent.MessageComplete));
    }

    [Test]
    public void LeniencyOptionsAcceptBareLfAndBareCr()
    {
        byte[] bareLf = ParseDriver.Bytes("GET / HTTP/1.1\nHost: a\n\n");
        Assert.That(ParseDriver.Run(bareLf).ErrorStatus, Is.EqualTo(400));
        Assert.That(ParseDriver.Run(bareLf, new HttpParserOptions { AllowBareLf = true }).Heads, Has.Count.EqualTo(1));
        byte[] bareCr = ParseDriver.Bytes("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\rb\r\n\r\n");
        Assert.That(ParseDriver.Run(bareCr, new HttpParserOptions { AllowBareCr = true }).Heads, Has.Count.EqualTo(1));
        byte[] brew = ParseDriver.Bytes("BREW / HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(ParseDriver.Run(brew, new HttpParserOptions { AllowUnknownMethods = true }).Heads, Has.Count.EqualTo(1));
    }

    [Test]
    public void LimitsAreExactBoundaries()
    {
        // A request line of exactly the limit passes; one byte more is 414.
        var options = new HttpParserOptions { MaxRequestLineBytes = 32 };
        string target = "/" + new string('a', 32 - "GET  HTTP/1.1\r\n".Length - 1);
        Assert.That(ParseDriver.Run(ParseDriver.Bytes("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n"), options).ErrorStatus, Is.Zero);
        Assert.That(ParseDriver.Run(ParseDriver.Bytes("GET " + target + "a HTTP/1.1\r\nHost: a\r\n\r\n"), options).ErrorStatus, Is.EqualTo(414));
        var few = new HttpParserOptions { MaxHeaderCount = 2 };
        Assert.That(ParseDriver.Run(ParseDriver.Bytes("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n"), few).ErrorStatus, Is.Zero);
        Assert.That(ParseDriver.Run(ParseDriver.Bytes("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nY: 2\r\n\r\n"), few).ErrorStatus, Is.EqualTo(431));
        var small = new HttpParserOptions { MaxBodyBytes = 4 };
        Assert.That(ParseDriver.Run(ParseDriver.Bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd"), small).Bodies[0], Is.EqualTo("abcd"));
        Assert.That(ParseDriver.Run(ParseDriver.Bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nabcde"), small).ErrorStatus, Is.EqualTo(413));
    }

    [TestCase(nameof(HttpParserOptions.MaxRequestLineBytes))]
    [TestCase(nameof(HttpParserOptions.MaxHeaderSectionBytes))]
    [TestCase(nameof(HttpParserOptions.MaxHeaderCount))]
    [TestCase(nameof(HttpParserOptions.MaxBodyBytes))]
    [TestCase(nameof(HttpParserOptions.MaxChunkLineBytes))]
    public void InvalidOptionsAreRejectedNamingTheField(string field)
    {
        HttpParserOptions bad = field switch
        {
            nameof(HttpParserOptions.MaxRequestLineBytes) => new HttpParserOptions { MaxRequestLineBytes = 0 },
            nameof(HttpParserOptions.MaxHeaderSectionBytes) => new HttpParserOptions { MaxHeaderSectionBytes = -1 },
            nameof(HttpParserOptions.MaxHeaderCount) => new HttpParserOptions { MaxHeaderCount = 0 },
            nameof(HttpParserOptions.MaxBodyBytes) => new HttpParserOptions { MaxBodyBytes = -1 },
            _ => new HttpParserOptions { MaxChunkLineBytes = 1 },
        };
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new HttpRequestParser(bad));
        Assert.That(ex!.ParamName, Is.EqualTo(field));
    }

    [Test]
    public void ParsingAllocatesNothingPerRequest()
    {
        byte[] one = ParseDriver.Bytes(Chunked + "GET /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
        var parser = new HttpRequestParser();
        long bodyBytes = ParseLoop(parser, one, 10);
        long before = GC.GetAllocatedBytesForCurrentThread();
        long total = ParseLoop(parser, one, 1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(bodyBytes, Is.EqualTo(10 * 15));
        Assert.That(total, Is.EqualTo(1000 * 15));
        Assert.That(allocated, Is.Zero);
    }

    private static long ParseLoop(HttpRequestParser parser, byte[] input, int rounds)
    {
        long body = 0;
        for (int r = 0; r < rounds; r++)
        {
            // Fed in two splits so the carried-over state is exercised too.
            int half = input.Length / 2;
            body += Drain(parser, input.AsSpan(0, half));
            body += Drain(parser, input.AsSpan(half));
        }
        return body;
    }

    private static long Drain(HttpRequestParser parser, ReadOnlySpan<byte> input)
    {
        long body = 0;
        for (int guard = 0; guard < 10_000; guard++)
        {
            HttpParseEvent ev = parser.Parse(input, out int consumed, out ReadOnlySpan<byte> chunk);
            input = input[consumed..];
            if (ev == HttpParseEvent.NeedMoreData)
            {
                return body;
            }
            if (ev == HttpParseEvent.Error)
            {
                throw new InvalidOperationException(parser.Error.ToString());
            }
            body += chunk.Length;
        }
        throw new InvalidOperationException("no progress");
    }
}
