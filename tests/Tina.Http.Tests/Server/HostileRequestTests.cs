using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace Tina.Http.Tests.Server;

/// <summary>
/// Malformed and hostile requests over real loopback sockets, one connection each: the parser corpus (every case of
/// <see cref="MalformedCorpusTests"/>) plus server-level cases (handler bounds, smuggling aimed at a handler route,
/// garbage after a handled request). Each must be answered with its status and <c>Connection: close</c>, and the
/// connection must end; a well-formed client on its own kept-alive connection is answered before and after every case.
/// </summary>
[TestFixture]
[Platform("Linux")]
[NonParallelizable]
public sealed class HostileRequestTests
{
    private const string H = "Host: a\r\n";
    private TestServer _server = null!;
    private RawClient _good = null!;

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (TestCaseData corpus in MalformedCorpusTests.Corpus())
        {
            yield return new TestCaseData(corpus.Arguments[0], corpus.Arguments[1]).SetName("Server " + corpus.TestName);
        }

        const string Echo = "POST /echo HTTP/1.1\r\n" + H;
        yield return Case("handler body declared over its bound", Echo + "Content-Length: 70000\r\n\r\n", 413);
        yield return Case("handler chunked body over its bound", Echo + "Transfer-Encoding: chunked\r\n\r\n10001\r\n" + new string('x', 65537) + "\r\n0\r\n\r\n", 413);
        yield return Case("handler head over its bound", "GET /echo HTTP/1.1\r\n" + H + string.Concat(Enumerable.Repeat("X-Big: " + new string('v', 1000) + "\r\n", 70)) + "\r\n", 431);
        yield return Case("CL.TE aimed at a handler", Echo + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
        yield return Case("TE.CL aimed at a handler", Echo + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400);
        yield return Case("TE.TE aimed at a handler", Echo + "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n", 400);
        yield return Case("garbage after a handled request", Echo + "Content-Length: 2\r\n\r\nokNOT HTTP\r\n\r\n", 400);
        yield return Case("smuggled request inside a handled body", Echo + "Content-Length: 1\r\n\r\nXGET /echo HTTP/1.1\r\nContent-Length: 1\r\n\r\n", 400);
        yield return Case("second request with CL.TE after a valid one", "GET / HTTP/1.1\r\n" + H + "\r\nPOST /static HTTP/1.1\r\n" + H + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
        yield return Case("NUL in target", "GET /a\0b HTTP/1.1\r\n" + H + "\r\n", 400);
        yield return Case("HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505);
        yield return Case("absurd Expect", "GET / HTTP/1.1\r\n" + H + "Expect: 200-ok\r\n\r\n", 417);
        yield return Case("unknown method", "BREW / HTTP/1.1\r\n" + H + "\r\n", 501);
        yield return Case("chunk size overflow to a handler", Echo + "Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", 400);
        yield return Case("bad chunk terminator to a handler", Echo + "Transfer-Encoding: chunked\r\n\r\n1\r\nxyz\r\n0\r\n\r\n", 400);
    }

    [OneTimeSetUp]
    public void StartServer()
    {
        _server = new TestServer();
        _good = _server.Connect();
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _good.Dispose();
        _server.Dispose();
    }

    [Test]
    public void TheCorpusIsLargeEnough() => Assert.That(Cases().Count(), Is.GreaterThanOrEqualTo(60));

    [TestCaseSource(nameof(Cases))]
    public void IsAnsweredWithItsStatusAndTheConnectionCloses(string request, int status)
    {
        AssertGoodClientAnswered();
        using (RawClient hostile = _server.Connect())
        {
            hostile.SendTolerant(ParseDriver.Bytes(request));
            List<RawResponse> responses = hostile.ReadAllUntilClosed();
            Assert.That(responses, Is.Not.Empty, "the hostile request was answered before the close");
            RawResponse last = responses[^1];
            Assert.That(last.Status, Is.EqualTo(status));
            Assert.That(last.Closes, Is.True, "the error response says Connection: close");
            Assert.That(hostile.SeesEndOfStream(), Is.True, "the connection ends");
        }

        AssertGoodClientAnswered();
    }

    private void AssertGoodClientAnswered()
    {
        _good.Send("GET /health HTTP/1.1\r\nHost: good\r\n\r\n");
        RawResponse? response = _good.Read();
        Assert.That(response?.Status, Is.EqualTo(200), "the well-formed client is answered");
        Assert.That(response!.Body, Is.EqualTo("ok"));
    }

    private static TestCaseData Case(string name, string request, int status) =>
        new TestCaseData(request, status).SetName("Server rejects " + name + " with " + status);
}
