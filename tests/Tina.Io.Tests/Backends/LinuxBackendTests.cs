using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NUnit.Framework;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Backends;

/// <summary>
/// What only real sockets can show: OS errors, resets and half-closes from a peer outside the runtime, descriptor
/// leaks, SO_REUSEPORT, and a threaded runtime parked in the backend (epoll_wait, io_uring_enter) and woken by
/// readiness or completion. Run once per Linux backend. The outside peer is a plain blocking System.Net.Sockets
/// client on the test thread (never on Tina's data path).
/// </summary>
[TestFixture(IoBackendKind.Epoll)]
[TestFixture(IoBackendKind.IoUring)]
[Platform("Linux")]
public sealed class LinuxBackendTests
{
    private readonly IoBackendKind _backend;

    public LinuxBackendTests(IoBackendKind backend) => _backend = backend;

    [OneTimeSetUp]
    public void RequireBackend() => BackendAvailability.Require(_backend);

    [SetUp]
    public void ResetProbe() => Probe.Reset();

    [Test]
    public void Listen_AddressNotOnThisHost_FailsWithEaddrnotavail()
    {
        using var harness = new IoHarness(_backend, spec => spec.AddIsolate<EchoServer>(slots: 1));
        harness.Runtime.Spawn<EchoServer, ServerStart>(0, new ServerStart { Address = IoAddress.Parse("203.0.113.7"), Port = 0 });

        Assert.That(harness.RunUntil(() => Probe.Outcomes.Count > 0, maxRounds: 10_000), Is.True);
        IoCompletion outcome = Probe.Outcomes.Single();
        Assert.That(outcome.Operation, Is.EqualTo(IoOperation.Listen));
        Assert.That(outcome.Result.Kind, Is.EqualTo(IoErrorKind.Os));
        Assert.That(outcome.Result.OsError, Is.EqualTo(99), "EADDRNOTAVAIL");
        Assert.That(outcome.Socket.IsNone, Is.True);
    }

    [Test]
    public void Listen_SamePortOnTwoShards_BothListenThroughReusePort()
    {
        using var harness = new IoHarness(_backend, spec => spec.AddIsolate<EchoServer>(slots: 1), shards: 2);
        harness.Runtime.Spawn<EchoServer, ServerStart>(0, new ServerStart { Address = IoAddress.Loopback, Port = 0 });
        Assert.That(harness.RunUntil(() => Probe.ListenPort > 0, maxRounds: 10_000), Is.True);
        int port = Probe.ListenPort;
        Probe.ListenPort = 0;
        harness.Runtime.Spawn<EchoServer, ServerStart>(1, new ServerStart { Address = IoAddress.Loopback, Port = port });

        Assert.That(harness.RunUntil(() => Probe.ListenPort > 0 || Probe.Outcomes.Count > 0, maxRounds: 10_000), Is.True);
        Assert.That(Probe.Outcomes, Is.Empty, "the second listen succeeds");
        Assert.That(Probe.ListenPort, Is.EqualTo(port));
    }

    [Test]
    public void Boot_EachShardLogsItsBackend()
    {
        using var harness = new IoHarness(_backend, spec => spec.AddIsolate<EchoServer>(slots: 1), shards: 2);
        harness.Run(2);

        var lines = harness.Log.Snapshot().Where(r => r.Level == TinaLogLevel.Information && r.Message.Contains("I/O reactor", StringComparison.Ordinal)).ToList();
        Assert.That(lines.Select(r => r.Shard).OrderBy(s => s).ToList(), Is.EqualTo(new System.Collections.Generic.List<int> { 0, 1 }));
        string name = _backend == IoBackendKind.IoUring ? "io_uring" : "epoll";
        string feature = _backend == IoBackendKind.IoUring ? "rung=" : "edge-triggered";
        Assert.That(lines.All(r => r.Message.Contains(name, StringComparison.Ordinal) && r.Message.Contains(feature, StringComparison.Ordinal)), Is.True,
            () => string.Join("\n", lines.Select(r => r.Message)));
        Assert.That(harness.Runtime.GetIoStats(1).Backend, Is.EqualTo(name));
    }

    [Test]
    public void OpenAndClose_TenThousandConnections_LeakNoDescriptor()
    {
        // Four listeners on one port (SO_REUSEPORT) accept up to four connections a tick, more than four clients
        // open: the accept queues never overflow (an overflow would cost a one-second SYN retransmit).
        const int listeners = 4;
        const int clients = 4;
        const int cycles = 2500;
        int descriptorsBefore = OpenDescriptors();
        using (var harness = new IoHarness(_backend, spec =>
        {
            spec.AddIsolate<EchoServer>(slots: listeners);
            spec.AddIsolate<EchoConnection>(slots: 256);
            spec.AddIsolate<ConnectCloseClient>(slots: clients);
        }))
        {
            harness.Runtime.Spawn<EchoServer, ServerStart>(0, new ServerStart { Address = IoAddress.Loopback, Port = 0 });
            Assert.That(harness.RunUntil(() => Probe.ListenPort > 0, maxRounds: 10_000), Is.True);
            for (int i = 1; i < listeners; i++)
            {
                harness.Runtime.Spawn<EchoServer, ServerStart>(0, new ServerStart { Address = IoAddress.Loopback, Port = Probe.ListenPort });
            }

            harness.Run(10);
            for (int i = 0; i < clients; i++)
            {
                harness.Runtime.Spawn<ConnectCloseClient, CycleStart>(0, new CycleStart { Address = IoAddress.Loopback, Port = Probe.ListenPort, Cycles = cycles });
            }

            Assert.That(harness.RunUntil(() => Probe.ClientsDone == clients || Probe.Errors.Count > 0, wallSeconds: 120), Is.True, "all cycles finish");
            Assert.That(Probe.Errors, Is.Empty);
            Assert.That(Probe.ClientCycles, Is.EqualTo(clients * cycles));
            Assert.That(harness.RunUntil(() => Probe.ServerConnectionsClosed == clients * cycles, maxRounds: 200_000), Is.True, "the server closed its ends");
            Assert.That(harness.Runtime.GetIoStats(0)[IoCounter.ConnectionsOpened], Is.EqualTo(listeners + (2 * clients * cycles)));
        }

        Assert.That(OpenDescriptors(), Is.EqualTo(descriptorsBefore), () => $"every socket, the epoll set or ring, and the eventfd are closed; open now: {DescribeDescriptors()}");
    }

    [Test]
    public void Threaded_EchoWithAnOutsideClient_ParksAndWakesOnReadiness()
    {
        using TinaRuntime runtime = StartThreaded();
        using Socket client = ConnectOutside();
        var received = new byte[256];
        for (int i = 0; i < 50; i++)
        {
            byte[] payload = Enumerable.Range(0, 100 + i).Select(b => (byte)(b + i)).ToArray();
            client.Send(payload);
            ReceiveExactly(client, received.AsSpan(0, payload.Length));
            Assert.That(received.AsSpan(0, payload.Length).SequenceEqual(payload), Is.True, $"echo {i}");
        }

        client.Shutdown(SocketShutdown.Send);
        Assert.That(client.Receive(received), Is.Zero, "the server closes after the client's end of stream");
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref Probe.ServerConnectionsClosed) == 1, TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(runtime.GetStats(0)[ShardCounter.Parks], Is.GreaterThan(0), "the shard parked in the backend between requests");
    }

    [Test]
    public void Threaded_HandoffToAParkedShard_WakesIt()
    {
        var spec = new TinaSpec { ShardCount = 2, PinThreads = false, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.Warning };
        spec.AddIsolate<EchoServer>(slots: 1);
        spec.AddIsolate<EchoConnection>(slots: 8);
        spec.AddIsolate<Adopter>(slots: 1);
        spec.UseIo(new IoOptions { Backend = _backend });
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Probe.Adopter = runtime.Spawn<Adopter>(1).Handle;
        runtime.Spawn<EchoServer, ServerStart>(0, new ServerStart { Address = IoAddress.Loopback, Port = 0, HandOffToShard1 = true });
        runtime.Start();
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref Probe.ListenPort) > 0, TimeSpan.FromSeconds(10)), Is.True);

        using (Socket client = ConnectOutside())
        {
            var echo = new byte[3];
            for (int i = 0; i < 20; i++)
            {
                client.Send(new byte[] { 1, 2, (byte)i });
                ReceiveExactly(client, echo);
                Assert.That(echo[2], Is.EqualTo((byte)i));
            }
        }

        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref Probe.ServerConnectionsClosed) == 1, TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(Probe.Errors, Is.Empty);
        Assert.That(runtime.GetIoStats(1)[IoCounter.Adopted], Is.EqualTo(1), "shard 1 served the connection");
        Assert.That(runtime.GetStats(1)[ShardCounter.Parks], Is.GreaterThan(0));
    }

    [Test]
    public void PeerReset_ReceiveFailsWithEconnreset()
    {
        using TinaRuntime runtime = StartThreaded();
        using (Socket client = ConnectOutside())
        {
            client.Send("x"u8.ToArray());
            var one = new byte[1];
            ReceiveExactly(client, one);
            client.LingerState = new LingerOption(true, 0); // close sends RST
            client.Close();
        }

        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref Probe.ServerConnectionsClosed) == 1, TimeSpan.FromSeconds(10)), Is.True);
        IoCompletion outcome = Probe.Outcomes.Single();
        Assert.That(outcome.Operation, Is.EqualTo(IoOperation.Receive));
        Assert.That(outcome.Result.Kind, Is.EqualTo(IoErrorKind.Os));
        Assert.That(outcome.Result.OsError, Is.EqualTo(104), "ECONNRESET");
    }

    [Test]
    public void HalfClose_ServerSeesEndOfStreamAfterTheDataAndStillAnswers()
    {
        using TinaRuntime runtime = StartThreaded();
        using Socket client = ConnectOutside();
        byte[] payload = Enumerable.Range(0, 5000).Select(b => (byte)(b * 3)).ToArray();
        client.Send(payload);
        client.Shutdown(SocketShutdown.Send); // half-close: the server reads 0 after the data, and may still write

        var echoed = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = client.Receive(chunk)) > 0)
        {
            echoed.Write(chunk, 0, read);
        }

        Assert.That(echoed.ToArray(), Is.EqualTo(payload));
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref Probe.ServerConnectionsClosed) == 1, TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(Probe.Outcomes, Is.Empty, "end of stream is a 0-byte receive, not an error");
    }

    private TinaRuntime StartThreaded()
    {
        var spec = new TinaSpec { ShardCount = 1, PinThreads = false, IdlePollTicks = 0, MinimumLogLevel = TinaLogLevel.Warning };
        spec.AddIsolate<EchoServer>(slots: 1);
        spec.AddIsolate<EchoConnection>(slots: 8);
        spec.UseIo(new IoOptions { Backend = _backend });
        TinaRuntime runtime = TinaRuntime.Create(spec);
        runtime.Spawn<EchoServer, ServerStart>(0, new ServerStart { Address = IoAddress.Loopback, Port = 0 });
        runtime.Start();
        Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref Probe.ListenPort) > 0, TimeSpan.FromSeconds(10)), Is.True, "the server listens");
        return runtime;
    }

    private static Socket ConnectOutside()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, SendTimeout = 10_000, NoDelay = true };
        client.Connect(new IPEndPoint(IPAddress.Loopback, Probe.ListenPort));
        return client;
    }

    private static void ReceiveExactly(Socket socket, Span<byte> destination)
    {
        int got = 0;
        while (got < destination.Length)
        {
            int read = socket.Receive(destination[got..]);
            Assert.That(read, Is.GreaterThan(0), "unexpected end of stream");
            got += read;
        }
    }

    /// <summary>
    /// Sockets and anonymous inodes (epoll sets, io_uring rings, eventfds) open in this process. Files are left out:
    /// the runtime maps assemblies lazily (a first use of cryptography, say), which is no leak of the backend's.
    /// </summary>
    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Count(path =>
    {
        try
        {
            string target = new FileInfo(path).LinkTarget ?? string.Empty;
            return target.StartsWith("socket:", StringComparison.Ordinal) || target.StartsWith("anon_inode:", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // closed while listing (the directory's own descriptor)
        }
    });

    private static string DescribeDescriptors() => string.Join(", ", Directory.GetFiles("/proc/self/fd").Select(path =>
    {
        try
        {
            return Path.GetFileName(path) + "->" + (new FileInfo(path).LinkTarget ?? "?");
        }
        catch (IOException)
        {
            return Path.GetFileName(path) + "->(gone)";
        }
    }));
}
