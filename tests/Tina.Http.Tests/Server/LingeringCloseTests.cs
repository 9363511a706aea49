using System;
using System.Net.Sockets;
using System.Threading;
using NUnit.Framework;
using Tina.Http.Server;
using Tina.Io;

namespace Tina.Http.Tests.Server;

/// <summary>
/// The lingering close on the Linux backends: a 413 answered at the head of a request whose 32 MiB body the client is
/// still writing reaches the client every time (the server shuts its send side and reads and drops the body instead of
/// closing on unread bytes, whose reset could discard the 413 before the client reads it); the bound on what it drops
/// then closes the connection.
/// </summary>
[TestFixture(IoBackendKind.Epoll)]
[TestFixture(IoBackendKind.IoUring)]
[NonParallelizable]
public sealed class LingeringCloseTests(IoBackendKind backend)
{
    private const int Rounds = 10;
    private const long Body = 32L << 20;

    [Test]
    public void A_413_for_a_body_still_being_written_is_read_by_the_client_every_time()
    {
        using var server = new TestServer(backend, configure: o => o.Parser = o.Parser with { MaxBodyBytes = 1L << 30 });
        for (int round = 0; round < Rounds; round++)
        {
            using var client = new StreamClient(server.Port);
            var writer = new Thread(() =>
            {
                try
                {
                    client.WriteBody(Body, chunked: false);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // the server closes once it has dropped LingerMaxBytes: the rest of the body is refused
                }
            });
            client.Send($"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: {Body}\r\n\r\n");
            writer.Start();
            (int status, var fields) = client.ReadHead();
            Assert.That(status, Is.EqualTo(413), $"round {round}: the answer arrives, not a reset");
            Assert.That(fields["Connection"], Is.EqualTo("close"));
            Assert.That(client.SeesEndOfStream(), Is.True, "then the end of the stream (the server's send side is shut)");
            Assert.That(writer.Join(TimeSpan.FromSeconds(30)), Is.True, "the server closes after LingerMaxBytes, ending the writer");
        }

        Assert.That(server[HttpServerCounter.LingeringCloses], Is.EqualTo(Rounds));
        long deadline = Environment.TickCount64 + 10_000;
        while (server.Server.OpenConnections(0) != 0 && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(10);
        }

        Assert.That(server.Server.OpenConnections(0), Is.Zero, "every lingering connection closed");
    }

    [Test]
    public void A_client_that_writes_its_whole_body_before_reading_gets_the_413_not_a_reset()
    {
        // The bound covers the body: the server reads and drops all of it, so the writer never sees a reset (without
        // the lingering close it does, at the first write after the server's close), and the answer waits for it.
        using var server = new TestServer(backend, configure: o =>
        {
            o.Parser = o.Parser with { MaxBodyBytes = 1L << 30 };
            o.LingerMaxBytes = 64L << 20;
            o.LingerTimeout = TimeSpan.FromSeconds(30);
        });
        using var client = new StreamClient(server.Port);
        client.Send($"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: {Body}\r\n\r\n");
        Assert.DoesNotThrow(() => client.WriteBody(Body, chunked: false), "every byte of the refused body was taken");
        (int status, var fields) = client.ReadHead();
        Assert.That(status, Is.EqualTo(413));
        Assert.That(fields["Connection"], Is.EqualTo("close"));
        Assert.That(client.SeesEndOfStream(), Is.True);
        client.Dispose();
        long deadline = Environment.TickCount64 + 10_000;
        while (server.Server.OpenConnections(0) != 0 && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(10);
        }

        Assert.That(server.Server.OpenConnections(0), Is.Zero, "the client's close ends the lingering");
        Assert.That(server[HttpServerCounter.LingeringCloses], Is.EqualTo(1));
    }
}
