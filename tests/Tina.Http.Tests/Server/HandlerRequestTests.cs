using NUnit.Framework;

namespace Tina.Http.Tests.Server;

/// <summary>What a handler isolate reads of a request (through the call slot) and what its response looks like on the wire.</summary>
[TestFixture]
[Platform("Linux")]
[NonParallelizable]
public sealed class HandlerRequestTests
{
    [Test]
    public void AHandler_ReadsMethodTargetPathVersionFieldsAndBody_AndItsStatusAndContentTypeReachTheClient()
    {
        using var server = new TestServer();
        using RawClient client = server.Connect();
        client.Send("POST http://a/inspect?q=1 HTTP/1.1\r\nHost: a\r\nX-A: one\r\nx-B:  two \r\nContent-Length: 3\r\n\r\nxyz");
        RawResponse? response = client.Read();
        Assert.That(response?.Status, Is.EqualTo(201));
        Assert.That(response!.Headers["Content-Type"], Is.EqualTo("text/x-inspect"));
        Assert.That(response.Headers["Content-Length"], Is.EqualTo(response.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(response.Body, Is.EqualTo("POST http://a/inspect?q=1 /inspect 1.1;Host=a;X-A=one;x-B=two;Content-Length=3;x-b:two body 3"));
    }
}
