using System.Collections.Generic;
using NUnit.Framework;
using Tina.Http.Parsing;

namespace Tina.Http.Tests;

/// <summary>
/// Hostile and malformed requests, each with the status it must be answered with. Every case is also fed one byte at a
/// time so a rejection cannot depend on how the bytes were split.
/// </summary>
[TestFixture]
public sealed class MalformedCorpusTests
{
    private const string H = "Host: a\r\n";

    public static IEnumerable<TestCaseData> Corpus()
    {
        // Request smuggling: CL.TE, TE.CL, TE.TE and their obfuscations.
        yield return Case("CL.TE", "POST / HTTP/1.1\r\n" + H + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX", 400);
        yield return Case("TE.CL", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n", 400);
        yield return Case("TE.TE xchunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: xchunked\r\n\r\n", 400);
        yield return Case("TE.TE chunked then identity", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n", 400);
        yield return Case("TE.TE chunked twice", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400);
        yield return Case("TE.TE chunked twice in two fields", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
        yield return Case("TE space before colon", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding : chunked\r\n\r\n", 400);
        yield return Case("TE tab before colon", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding\t: chunked\r\n\r\n", 400);
        yield return Case("TE obs-fold", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding:\r\n chunked\r\n\r\n", 400);
        yield return Case("TE vertical tab", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: \vchunked\r\n\r\n", 400);
        yield return Case("TE quoted chunked", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: \"chunked\"\r\n\r\n", 400);
        yield return Case("TE chunked not final", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400);
        yield return Case("TE gzip then chunked (not implemented)", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501);
        yield return Case("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
        yield return Case("TE with CL 0", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n", 400);
        yield return Case("TE name with NUL", "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding\0: chunked\r\n\r\n", 400);

        // Content-Length.
        yield return Case("CL differing duplicate", "POST / HTTP/1.1\r\n" + H + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400);
        yield return Case("CL differing list", "POST / HTTP/1.1\r\n" + H + "Content-Length: 3, 4\r\n\r\nabcd", 400);
        yield return Case("CL negative", "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n", 400);
        yield return Case("CL plus sign", "POST / HTTP/1.1\r\n" + H + "Content-Length: +3\r\n\r\nabc", 400);
        yield return Case("CL hex", "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x3\r\n\r\nabc", 400);
        yield return Case("CL empty", "POST / HTTP/1.1\r\n" + H + "Content-Length:\r\n\r\n", 400);
        yield return Case("CL inner space", "POST / HTTP/1.1\r\n" + H + "Content-Length: 1 2\r\n\r\n", 400);
        yield return Case("CL overflow", "POST / HTTP/1.1\r\n" + H + "Content-Length: 99999999999999999999\r\n\r\n", 400);
        yield return Case("CL empty list member", "POST / HTTP/1.1\r\n" + H + "Content-Length: 3,\r\n\r\nabc", 400);
        yield return Case("CL over body limit", "POST / HTTP/1.1\r\n" + H + "Content-Length: 9000000000\r\n\r\n", 413);

        // Host.
        yield return Case("missing Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", 400);
        yield return Case("duplicate Host", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
        yield return Case("Host with path", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400);
        yield return Case("Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400);
        yield return Case("Host with inner space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400);

        // Header syntax.
        yield return Case("obs-fold", "GET / HTTP/1.1\r\n" + H + "X-A: 1\r\n  continued\r\n\r\n", 400);
        yield return Case("obs-fold with tab", "GET / HTTP/1.1\r\n" + H + "X-A: 1\r\n\tcontinued\r\n\r\n", 400);
        yield return Case("leading whitespace on first field", "GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400);
        yield return Case("space before colon", "GET / HTTP/1.1\r\n" + H + "X-A : 1\r\n\r\n", 400);
        yield return Case("space inside name", "GET / HTTP/1.1\r\n" + H + "X A: 1\r\n\r\n", 400);
        yield return Case("empty name", "GET / HTTP/1.1\r\n" + H + ": 1\r\n\r\n", 400);
        yield return Case("no colon", "GET / HTTP/1.1\r\n" + H + "X-A 1\r\n\r\n", 400);
        yield return Case("name with slash", "GET / HTTP/1.1\r\n" + H + "X/A: 1\r\n\r\n", 400);
        yield return Case("name with non-ASCII", "GET / HTTP/1.1\r\n" + H + "X-\u00e9: 1\r\n\r\n", 400);
        yield return Case("NUL in value", "GET / HTTP/1.1\r\n" + H + "X-A: a\0b\r\n\r\n", 400);
        yield return Case("DEL in value", "GET / HTTP/1.1\r\n" + H + "X-A: a\u007fb\r\n\r\n", 400);
        yield return Case("escape in value", "GET / HTTP/1.1\r\n" + H + "X-A: a\u001bb\r\n\r\n", 400);
        yield return Case("bare CR in value", "GET / HTTP/1.1\r\n" + H + "X-A: a\rb\r\n\r\n", 400);
        yield return Case("bare LF ending a field", "GET / HTTP/1.1\r\n" + H + "X-A: 1\n\r\n", 400);
        yield return Case("bare LF ending the head", "GET / HTTP/1.1\r\n" + H + "\n", 400);
        yield return Case("bare LF ending request line", "GET / HTTP/1.1\n" + H + "\r\n", 400);
        yield return Case("bare CR ending request line", "GET / HTTP/1.1\r" + H + "\r\n", 400);
        yield return Case("unsupported Expect", "GET / HTTP/1.1\r\n" + H + "Expect: 200-ok\r\n\r\n", 417);

        // Request line.
        yield return Case("lower-case method is unknown", "get / HTTP/1.1\r\n" + H + "\r\n", 501);
        yield return Case("unknown method", "BREW / HTTP/1.1\r\n" + H + "\r\n", 501);
        yield return Case("method with NUL", "GE\0T / HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("method with bracket", "G[T / HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("two spaces after method", "GET  / HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("leading space", " GET / HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("missing version", "GET /\r\n" + H + "\r\n", 400);
        yield return Case("HTTP/0.9 request", "GET /\r\n\r\n", 400);
        yield return Case("trailing space after version", "GET / HTTP/1.1 \r\n" + H + "\r\n", 400);
        yield return Case("lower-case version", "GET / http/1.1\r\n" + H + "\r\n", 400);
        yield return Case("version HTTP/1.10", "GET / HTTP/1.10\r\n" + H + "\r\n", 400);
        yield return Case("version HTTP/2.0", "GET / HTTP/2.0\r\n" + H + "\r\n", 505);
        yield return Case("version HTTP/3.0", "GET / HTTP/3.0\r\n" + H + "\r\n", 505);
        yield return Case("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505);
        yield return Case("target with space", "GET /a b HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("target with NUL", "GET /a\0 HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("target with quote", "GET /\"x\" HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("target with backslash", "GET /a\\b HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("target with non-ASCII", "GET /\u00e9 HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("target with bad pct", "GET /%zz HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("target with truncated pct", "GET /%4 HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("relative target", "GET a/b HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("asterisk with GET", "GET * HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("CONNECT with path", "CONNECT / HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("request line too long", "GET /" + new string('a', 9000) + " HTTP/1.1\r\n" + H + "\r\n", 414);
        yield return Case("CRLF flood before request", Repeat("\r\n", 5000) + "GET / HTTP/1.1\r\n" + H + "\r\n", 414);

        // Oversized head.
        yield return Case("header section too large", "GET / HTTP/1.1\r\n" + H + "X-A: " + new string('a', 33 * 1024) + "\r\n\r\n", 431);
        yield return Case("too many headers", "GET / HTTP/1.1\r\n" + H + Repeat("X-A: 1\r\n", 100) + "\r\n", 431);

        // Chunked bodies.
        const string Te = "POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n";
        yield return Case("chunk size not hex", Te + "g\r\nx\r\n0\r\n\r\n", 400);
        yield return Case("chunk size empty", Te + "\r\nx\r\n0\r\n\r\n", 400);
        yield return Case("chunk size negative", Te + "-1\r\nx\r\n0\r\n\r\n", 400);
        yield return Case("chunk size with 0x", Te + "0x1\r\nx\r\n0\r\n\r\n", 400);
        yield return Case("chunk size with leading space", Te + " 1\r\nx\r\n0\r\n\r\n", 400);
        yield return Case("chunk size overflow", Te + "ffffffffffffffffff\r\nx\r\n0\r\n\r\n", 400);
        yield return Case("chunk sum over body limit", Te + "800001\r\n", 413);
        yield return Case("chunk data longer than size", Te + "1\r\nxy\r\n0\r\n\r\n", 400);
        yield return Case("chunk data without CRLF", Te + "1\r\nx0\r\n\r\n", 400);
        yield return Case("chunk data with bare LF", Te + "1\r\nx\n0\r\n\r\n", 400);
        yield return Case("chunk line bare LF", Te + "1\nx\r\n0\r\n\r\n", 400);
        yield return Case("chunk extension without name", Te + "1;\r\nx\r\n0\r\n\r\n", 400);
        yield return Case("chunk extension with bad byte", Te + "1;a=<\r\nx\r\n0\r\n\r\n", 400);
        yield return Case("chunk extension unterminated quote", Te + "1;a=\"b\r\nx\r\n0\r\n\r\n", 400);
        yield return Case("chunk extension junk after size", Te + "1 x\r\nx\r\n0\r\n\r\n", 400);
        yield return Case("chunk line too long", Te + "1;a=" + new string('b', 5000) + "\r\nx\r\n0\r\n\r\n", 400);
        yield return Case("trailer obs-fold", Te + "0\r\nX-T: 1\r\n 2\r\n\r\n", 400);
        yield return Case("trailer without colon", Te + "0\r\nX-T\r\n\r\n", 400);
        yield return Case("trailer NUL", Te + "0\r\nX-T: \0\r\n\r\n", 400);

        // Pipelined garbage after a valid request: the first is parsed, the garbage is rejected.
        yield return Case("garbage after valid request", "GET / HTTP/1.1\r\n" + H + "\r\nGARBAGE\r\n\r\n", 400);
        yield return Case("smuggled body after CL request", "POST / HTTP/1.1\r\n" + H + "Content-Length: 1\r\n\r\nxGET /x HTTP/1.1\r\n\r\n", 400);
        yield return Case("binary after valid request", "GET / HTTP/1.1\r\n" + H + "\r\n\u0001\u0002\u0003 / HTTP/1.1\r\n\r\n", 400);
        yield return Case("TLS hello after valid request", "GET / HTTP/1.1\r\n" + H + "\r\n\u0016\u0003\u0001\u0000\u00a5\u0001\r\n\r\n", 400);
    }

    private static string Repeat(string s, int n) => new System.Text.StringBuilder(s.Length * n).Insert(0, s, n).ToString();

    private static TestCaseData Case(string name, string request, int status) =>
        new TestCaseData(request, status).SetName("Rejects " + name + " with " + status);

    [TestCaseSource(nameof(Corpus))]
    public void IsRejectedWholeAndByteByByte(string request, int status)
    {
        byte[] bytes = ParseDriver.Bytes(request);
        ParseOutcome whole = ParseDriver.Run(bytes);
        Assert.That(whole.ErrorStatus, Is.EqualTo(status), "error " + whole.Error);
        ParseOutcome split = ParseDriver.Run(bytes, piece: 1);
        Assert.That(split.ErrorStatus, Is.EqualTo(status), "byte-by-byte error " + split.Error);
        Assert.That(split.Error, Is.EqualTo(whole.Error));
    }

    [Test]
    public void CorpusHasAtLeastSixtyCases()
    {
        int n = 0;
        foreach (TestCaseData unused in Corpus())
        {
            n++;
        }
        Assert.That(n, Is.GreaterThanOrEqualTo(60));
    }

    [Test]
    public void ValidRequestBeforeGarbageIsStillParsed()
    {
        ParseOutcome o = ParseDriver.Run(ParseDriver.Bytes("GET /ok HTTP/1.1\r\n" + H + "\r\nGARBAGE\r\n\r\n"));
        Assert.That(o.Heads, Has.Count.EqualTo(1));
        Assert.That(o.Heads[0], Is.EqualTo("GET /ok 1.1 h=1"));
        Assert.That(o.Bodies, Has.Count.EqualTo(1));
        Assert.That(o.ErrorStatus, Is.EqualTo(400));
    }

    [Test]
    public void ErrorIsSticky()
    {
        var parser = new HttpRequestParser();
        Assert.That(parser.Parse(ParseDriver.Bytes("get / HTTP/1.1\r\n"), out _, out _), Is.EqualTo(HttpParseEvent.Error));
        Assert.That(parser.Parse(ParseDriver.Bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), out int consumed, out _), Is.EqualTo(HttpParseEvent.Error));
        Assert.That(consumed, Is.Zero);
        Assert.That(parser.ErrorStatus, Is.EqualTo(501));
    }
}
