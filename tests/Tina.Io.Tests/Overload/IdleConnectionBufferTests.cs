using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NUnit.Framework;
using Tina.Io.Interop;
using Tina.Io.Reactor;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Overload;

/// <summary>
/// Idle connections cost no I/O buffer: a receive waiting for bytes holds none on epoll (the buffer is taken on
/// readiness) nor on io_uring (multishot receive into provided buffers), so many idle clients cannot shut out a new
/// one. Real sockets on loopback; the clients are plain blocking sockets on the test thread.
/// </summary>
[TestFixture(IoBackendKind.Epoll)]
[TestFixture(IoBackendKind.IoUring)]
[Platform("Linux")]
public sealed class IdleConnectionBufferTests
{
    private const int PoolBuffers = 64;
    private readonly IoBackendKind _backend;

    public IdleConnectionBufferTests(IoBackendKind backend) => _backend = backend;

    [OneTimeSetUp]
    public void RequireBackend() => BackendAvailability.Require(_backend);

    [SetUp]
    public void ResetProbe() => OverloadProbe.Reset();

    [Test]
    public void IdleConnections_HoldNoBuffer_AndAFreshClientIsServed()
    {
        // Each connection costs two descriptors here (client and server end): size N from the soft limit, raised.
        Libc.RaiseDescriptorLimit(out ulong soft, out _);
        int idle = (int)Math.Min(2000, ((long)Math.Min(soft, int.MaxValue) - 512) / 2);
        Assert.That(idle, Is.GreaterThan(PoolBuffers * 4), "the descriptor limit leaves room for more idle connections than buffers");

        var spec = new TinaSpec { ShardCount = 1, PinThreads = false, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.Warning };
        spec.AddIsolate<OverloadListener>(slots: 1);
        spec.AddIsolate<IdleEcho>(slots: idle + 16);
        spec.UseIo(new IoOptions { Backend = _backend, BufferCount = PoolBuffers, ConnectionCapacity = idle + 64 });
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        runtime.Spawn<OverloadListener, OverloadListen>(0, new OverloadListen());
        runtime.Start();
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref OverloadProbe.ListenPort) > 0, TimeSpan.FromSeconds(10)), Is.True);
        var endpoint = new IPEndPoint(IPAddress.Loopback, OverloadProbe.ListenPort);

        var clients = new List<Socket>(idle + 1);
        try
        {
            for (int i = 0; i < idle; i++)
            {
                clients.Add(Connect(endpoint));
                if (i % 256 == 255)
                {
                    int target = i + 1;
                    Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref OverloadProbe.Accepted) >= target, TimeSpan.FromSeconds(20)), Is.True, "accepted");
                }
            }

            Assert.That(
                SpinWait.SpinUntil(() => Volatile.Read(ref OverloadProbe.ReceivesIssued) == idle, TimeSpan.FromSeconds(30)), Is.True,
                () => $"every connection waits in a receive ({OverloadProbe.ReceivesIssued} of {idle})");
            Thread.Sleep(200); // a few ticks: every staged receive is flushed into the backend

            IoStats stats = runtime.GetIoStats(0);
            Assert.That(stats.Backend, Is.EqualTo(_backend == IoBackendKind.IoUring ? "io_uring" : "epoll"));
            Assert.That(OverloadProbe.Failures, Is.Zero, () => $"no connection failed (last: {OverloadProbe.LastFailure})");
            Assert.That(stats[IoCounter.BuffersExhausted], Is.Zero);
            Assert.That(stats.FreeBuffers, Is.EqualTo(PoolBuffers), "idle connections hold no pool buffer");
            var reactor = (IoReactor)runtime.ShardAt(0).Reactor!;
            Assert.That(reactor.ProvidedBuffersInHand, Is.Zero, "nor a provided buffer");

            using Socket fresh = Connect(endpoint);
            byte[] hello = "hello, still there?"u8.ToArray();
            fresh.Send(hello);
            var echo = new byte[hello.Length];
            int got = 0;
            while (got < echo.Length)
            {
                int read = fresh.Receive(echo, got, echo.Length - got, SocketFlags.None);
                Assert.That(read, Is.GreaterThan(0), "the fresh client is echoed");
                got += read;
            }

            Assert.That(echo, Is.EqualTo(hello));
            Assert.That(OverloadProbe.Failures, Is.Zero);
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static Socket Connect(IPEndPoint endpoint)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, SendTimeout = 10_000, NoDelay = true };
        client.Connect(endpoint);
        return client;
    }
}
