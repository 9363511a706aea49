using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NUnit.Framework;
using Tina.Advanced;
using Tina.Http.Server;
using Tina.Io;

namespace Tina.Http.Tests.Server;

/// <summary>
/// The inline route path allocates nothing per request: the runtime is driven round by round on the test thread
/// (<see cref="DeterministicRuntime"/>, real epoll sockets, the system clock), a client on another thread keeps
/// pipelining GETs, and <see cref="GC.GetAllocatedBytesForCurrentThread"/> is read around windows of rounds; only the
/// shard's work runs on this thread.
/// </summary>
[TestFixture]
[Platform("Linux")]
[NonParallelizable]
public sealed class ZeroAllocationTests
{
    [Test]
    public void InlineRoute_SteadyState_AllocatesNothingPerRequest()
    {
        var options = new HttpServerOptions { Address = IoAddress.Loopback, Port = 0, MaxRequestsPerConnection = int.MaxValue };
        using var server = new HttpServer(options).MapStatic("GET", "/", 200, "text/plain", "hello"u8);
        var spec = new TinaSpec { ShardCount = 1, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.Warning };
        spec.UseIo(new IoOptions { Backend = IoBackendKind.Epoll });
        server.Configure(spec);
        using var driven = new DeterministicRuntime(spec, TimeProvider.System);
        server.Start(driven.Runtime);
        for (int i = 0; i < 10_000 && server.ListeningPort(0) == 0; i++)
        {
            driven.RunRound();
        }

        AssertNoAllocationPerRequest(driven, server, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", "\r\n\r\nhello"u8.ToArray(), "no allocation per request on the inline path");
        Assert.That(server.Counter(0, HttpServerCounter.InlineResponses), Is.GreaterThanOrEqualTo(3_000));
    }

    [Test]
    public void ShedPath_SteadyState_AllocatesNothingPerRequest()
    {
        // One request held by the handler puts its queue at 1 of 2: every Low request to it is shed (50 %), on the
        // connection, with the 503 and Retry-After written from preencoded bytes.
        HoldHandler.Release = false;
        var options = new HttpServerOptions
        {
            Address = IoAddress.Loopback,
            Port = 0,
            MaxRequestsPerConnection = int.MaxValue,
            MaxHandlerQueue = 2,
            LowPriorityShedPercent = 50,
            HandlerTimeout = TimeSpan.FromMinutes(5),
        };
        using var server = new HttpServer(options)
            .MapHandler<HoldHandler>("GET", "/hold")
            .MapHandler<HoldHandler>("GET", "/shed", HttpPriority.Low);
        var spec = new TinaSpec { ShardCount = 1, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.Warning };
        spec.UseIo(new IoOptions { Backend = IoBackendKind.Epoll });
        server.Configure(spec);
        using var driven = new DeterministicRuntime(spec, TimeProvider.System);
        server.Start(driven.Runtime);
        for (int i = 0; i < 10_000 && server.ListeningPort(0) == 0; i++)
        {
            driven.RunRound();
        }

        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        holder.Connect(new IPEndPoint(IPAddress.Loopback, server.ListeningPort(0)));
        holder.Send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n"u8);
        try
        {
            RunUntil(driven, () => server.Counter(0, HttpServerCounter.HandlerCalls) == 1);
            AssertNoAllocationPerRequest(driven, server, "GET /shed HTTP/1.1\r\nHost: a\r\n\r\n", "Content-Length: 0\r\n"u8.ToArray(), "no allocation per request on the shed path");
            Assert.That(server.Counter(0, HttpServerCounter.ShedHandlerQueue), Is.GreaterThanOrEqualTo(3_000));
            Assert.That(server.Counter(0, HttpServerCounter.HandlerCalls), Is.EqualTo(1), "the shed requests never reached the handler");
        }
        finally
        {
            HoldHandler.Release = true;
        }
    }

    /// <summary>Pipelines <paramref name="request"/> from another thread and reads allocation around windows of 1,000 answers.</summary>
    private static void AssertNoAllocationPerRequest(DeterministicRuntime driven, HttpServer server, string request, byte[] end, string what)
    {
        int port = server.ListeningPort(0);
        Describe = () => $"accepted {server.Counter(0, HttpServerCounter.ConnectionsAccepted)}, requests {server.Counter(0, HttpServerCounter.Requests)}, inline {server.Counter(0, HttpServerCounter.InlineResponses)}";
        Assert.That(port, Is.GreaterThan(0));
        long responses = 0;
        using var stop = new CancellationTokenSource();
        var client = new Thread(() => Client(port, request, end, ref responses, stop.Token)) { IsBackground = true };
        client.Start();
        try
        {
            RunUntil(driven, () => Interlocked.Read(ref responses) >= 2_000); // warm-up: JIT, pools, the Date cache
            var windows = new List<long>();
            for (int window = 0; window < 3; window++)
            {
                long start = Interlocked.Read(ref responses);
                long deadline = Environment.TickCount64 + 60_000;
                long before = GC.GetAllocatedBytesForCurrentThread();
                while (Interlocked.Read(ref responses) - start < 1_000 && Environment.TickCount64 < deadline)
                {
                    driven.RunRound(); // nothing but the shard's work between the two reads (no closure, no assertion)
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                TestContext.Out.WriteLine($"{Interlocked.Read(ref responses) - start} responses, {allocated} bytes allocated on the shard");
                windows.Add(allocated);
                if (allocated == 0)
                {
                    break;
                }
            }

            // A per-request allocation shows in every window; a one-off (a tier-up finishing) in one at most.
            Assert.That(windows, Has.Member(0L), what);
        }
        finally
        {
            stop.Cancel();
            client.Join(TimeSpan.FromSeconds(10));
        }
    }

    private static Func<string> Describe = () => string.Empty;

    private static void RunUntil(DeterministicRuntime driven, Func<bool> done)
    {
        long deadline = Environment.TickCount64 + 60_000;
        while (!done())
        {
            if (Environment.TickCount64 > deadline) // checked without NUnit here: a constraint per round would allocate on this thread
            {
                Assert.Fail("bounded: the client kept being answered; " + Describe());
            }

            driven.RunRound();
        }
    }

    /// <summary>Pipelines 16 copies of <paramref name="text"/> per write and counts responses (each holds <paramref name="end"/> once).</summary>
    private static void Client(int port, string text, byte[] end, ref long responses, CancellationToken stop)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10_000 };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        var batch = new StringBuilder();
        for (int i = 0; i < 16; i++)
        {
            batch.Append(text);
        }

        byte[] request = Encoding.ASCII.GetBytes(batch.ToString());
        var buffer = new byte[64 * 1024];
        int matched = 0;
        while (!stop.IsCancellationRequested)
        {
            socket.Send(request);
            int got = 0;
            while (got < 16 && !stop.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = socket.Receive(buffer);
                }
                catch (SocketException)
                {
                    return;
                }

                if (n == 0)
                {
                    return;
                }

                for (int i = 0; i < n; i++)
                {
                    matched = buffer[i] == end[matched] ? matched + 1 : (buffer[i] == end[0] ? 1 : 0);
                    if (matched == end.Length)
                    {
                        matched = 0;
                        got++;
                        Interlocked.Increment(ref responses);
                    }
                }
            }
        }
    }
}
