using System;
using System.Net.Sockets;
using System.Threading;
using NUnit.Framework;
using Tina.Http.Parsing;
using Tina.Http.Server;
using Tina.Io;

namespace Tina.Http.Tests.Server;

/// <summary>
/// Streaming handler routes (<see cref="HttpServer.MapStreamingHandler{THandler}"/>) over real loopback sockets: 64 MiB
/// each way through one call slot with every byte checked and the process's allocations far below the body; a client
/// that does not read stalls the handler; a crash mid-stream closes that connection only; a client abort tells the
/// handler; and every slot, connection and reactor buffer is back afterwards.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class StreamingTests
{
    private const long Large = 64L << 20;
    private const long AllocationBound = 4L << 20;

    [TestCase(false)]
    [TestCase(true)]
    public void An_echo_handler_streams_64_MiB_in_and_out_with_bounded_memory(bool chunked)
    {
        using TestServer server = Start();
        using var client = new StreamClient(server.Port);
        WarmUp(client);

        Exception? failed = null;
        var writer = new Thread(() => failed = Capture(() => client.WriteBody(Large, chunked)));
        string head = chunked
            ? "POST /stream HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            : $"POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: {Large}\r\n\r\n";
        long before = GC.GetTotalAllocatedBytes(true);
        client.Send(head);
        writer.Start();
        (int status, var fields) = client.ReadHead();
        long echoed = client.ReadPatternBody(fields);
        Assert.That(writer.Join(TimeSpan.FromSeconds(30)), Is.True, "the writer finished");
        long allocated = GC.GetTotalAllocatedBytes(true) - before;

        TestContext.Out.WriteLine($"allocated {allocated} B, {server[HttpServerCounter.StreamCalls]} stream calls");
        Assert.That(failed, Is.Null);
        Assert.That(status, Is.EqualTo(200));
        Assert.That(fields.ContainsKey(chunked ? "Transfer-Encoding" : "Content-Length"), Is.True, "the handler's framing: the declared length, or chunked");
        Assert.That(echoed, Is.EqualTo(Large), "every byte came back, in order (a negative value is the first wrong byte)");
        Assert.That(allocated, Is.LessThan(AllocationBound), $"allocated {allocated} bytes while moving {2 * Large}");
        Assert.That(server[HttpServerCounter.StreamCalls], Is.GreaterThan(Large / (64 << 10)), "the body went in pieces no larger than the request area");

        WarmUp(client); // the connection is kept alive after a streamed request
        client.Dispose();
        AssertIdle(server);
    }

    [Test]
    public void A_source_handler_streams_64_MiB_out_from_pulls()
    {
        using TestServer server = Start();
        using var client = new StreamClient(server.Port);
        WarmUp(client);
        long before = GC.GetTotalAllocatedBytes(true);
        client.Send($"GET /source?n={Large} HTTP/1.1\r\nHost: t\r\n\r\n");
        (int status, var fields) = client.ReadHead();
        long got = client.ReadPatternBody(fields);
        long allocated = GC.GetTotalAllocatedBytes(true) - before;
        TestContext.Out.WriteLine($"allocated {allocated} B");

        Assert.That(status, Is.EqualTo(200));
        Assert.That(fields["Transfer-Encoding"], Is.EqualTo("chunked"));
        Assert.That(got, Is.EqualTo(Large));
        Assert.That(allocated, Is.LessThan(AllocationBound), $"allocated {allocated} bytes while moving {Large}");
        client.Dispose();
        AssertIdle(server);
    }

    [Test]
    public void A_client_that_does_not_read_stalls_the_handler_and_its_own_writes()
    {
        using TestServer server = Start();
        using var client = new StreamClient(server.Port);
        Exception? failed = null;
        var writer = new Thread(() => failed = Capture(() => client.WriteBody(Large, chunked: false)));
        client.Send($"POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: {Large}\r\n\r\n");
        writer.Start();

        // Not reading: the echo fills the socket buffers and the connection's output, then the server stops calling
        // the handler and stops reading, so the writer stops. Wait until it has made no progress for a second.
        long stalledAt = WaitForStall(() => Volatile.Read(ref client.Written));
        long callsAtStall = server[HttpServerCounter.StreamCalls];
        TestContext.Out.WriteLine($"stalled at {stalledAt} B written, {callsAtStall} stream calls");
        Assert.That(stalledAt, Is.LessThan(Large / 2), "the writer stalled far short of the body: the server stopped reading");
        Assert.That(callsAtStall, Is.LessThan(Large / 2 / (16 << 10)), "the handler stopped being called");

        (int status, var fields) = client.ReadHead();
        long echoed = client.ReadPatternBody(fields);
        Assert.That(writer.Join(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(failed, Is.Null);
        Assert.That(status, Is.EqualTo(200));
        Assert.That(echoed, Is.EqualTo(Large), "once read, everything arrives");
        client.Dispose();
        AssertIdle(server);
    }

    [Test]
    public void A_handler_crash_mid_stream_closes_that_connection_only()
    {
        using TestServer server = Start();
        using var bystander = new StreamClient(server.Port);
        WarmUp(bystander);
        using (var client = new StreamClient(server.Port))
        {
            var writer = new Thread(() => Capture(() => client.WriteBody(4L << 20, chunked: true)));
            client.Send("POST /crash HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            writer.Start();
            (int status, var fields) = client.ReadHead();
            long got = client.ReadPatternBody(fields);
            TestContext.Out.WriteLine($"{got} B before the cut");
            Assert.That(status, Is.EqualTo(200), "the head went out before the crash");
            Assert.That(got, Is.InRange(0, (4L << 20) - 1), "a correct prefix, then the body is cut (never a wrong byte, never the whole)");
            Assert.That(client.SeesEndOfStream(), Is.True, "the crashed request's connection is closed");
            client.Socket.Shutdown(SocketShutdown.Both);
            Assert.That(writer.Join(TimeSpan.FromSeconds(30)), Is.True);
        }

        Assert.That(server[HttpServerCounter.HandlerFailures], Is.GreaterThanOrEqualTo(1));
        WarmUp(bystander); // the other connection goes on
        bystander.Dispose();
        AssertIdle(server);
    }

    [Test]
    public void A_client_abort_mid_body_tells_the_handler_and_leaks_nothing()
    {
        StreamEchoHandler.Aborts = 0;
        using TestServer server = Start();
        using (var client = new StreamClient(server.Port))
        {
            client.Send($"POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: {Large}\r\n\r\n");
            client.WriteBody(1 << 20, chunked: false);
            (int status, _) = client.ReadHead();
            Assert.That(status, Is.EqualTo(200), "the handler has the request");
            client.Socket.LingerState = new LingerOption(true, 0); // a reset, mid-body
        }

        WaitFor(() => server[HttpServerCounter.StreamAborts] == 1 && Volatile.Read(ref StreamEchoHandler.Aborts) == 1, "the handler is told of the abort");
        AssertIdle(server);
    }

    private static TestServer Start() => new(
        configure: o => o.Parser = new HttpParserOptions { MaxBodyBytes = 1L << 30 },
        map: s => s.MapStreamingHandler<StreamEchoHandler>("POST", "/stream")
            .MapStreamingHandler<StreamSourceHandler>("GET", "/source")
            .MapStreamingHandler<StreamCrashHandler>("POST", "/crash"));

    /// <summary>A small streamed echo (first use of the slot, buffers and handler, outside any measurement).</summary>
    private static void WarmUp(StreamClient client)
    {
        client.Send("POST /stream HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n");
        client.WriteBody(1000, chunked: false);
        (int status, var fields) = client.ReadHead();
        Assert.That(status, Is.EqualTo(200));
        Assert.That(client.ReadPatternBody(fields), Is.EqualTo(1000));
    }

    /// <summary>Connections, call slots and reactor buffers back at their idle values.</summary>
    private static void AssertIdle(TestServer server)
    {
        WaitFor(() => server.Server.OpenConnections(0) == 0, "every connection ended");
        Assert.That(server.Server.CallSlotsInUse(0), Is.Zero, "every call slot is back");
        Assert.That(server[HttpServerCounter.ConnectionsClosed], Is.EqualTo(server[HttpServerCounter.ConnectionsAccepted]));
        WaitFor(() => server.Runtime.GetIoStats(0) is IoStats io && io.FreeBuffers == io.BufferCount, "every reactor buffer is back");
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        long deadline = Environment.TickCount64 + 10_000;
        while (!condition())
        {
            Assert.That(Environment.TickCount64, Is.LessThan(deadline), what);
            Thread.Sleep(10);
        }
    }

    /// <summary>The value once it has not moved for a second (bounded by 20 s).</summary>
    private static long WaitForStall(Func<long> progress)
    {
        long deadline = Environment.TickCount64 + 20_000;
        long last = progress();
        long since = Environment.TickCount64;
        while (Environment.TickCount64 < deadline)
        {
            Thread.Sleep(50);
            long now = progress();
            if (now != last)
            {
                last = now;
                since = Environment.TickCount64;
            }
            else if (Environment.TickCount64 - since >= 1000)
            {
                return now;
            }
        }

        return last;
    }

    private static Exception? Capture(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
