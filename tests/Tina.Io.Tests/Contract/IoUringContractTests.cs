using System.Linq;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;
using Tina.Io.Backends.IoUring;
using Tina.Io.Reactor;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Contract;

/// <summary>
/// The contract on io_uring. Ignored where the kernel or a sandbox forbids io_uring (UseIo refuses an unavailable
/// backend with a TinaConfigurationException, which this fixture turns into Ignore).
/// </summary>
[TestFixture]
[Platform("Linux")]
public sealed class IoUringContractTests : IoContractTests
{
    protected override IoBackendKind Backend => IoBackendKind.IoUring;

    [SetUp]
    public void RequireIoUring() => BackendAvailability.Require(IoBackendKind.IoUring);

    [Test]
    public void Boot_TheShardRunsOnIoUringNotAFallback()
    {
        using IoHarness harness = Create(spec => spec.AddIsolate<EchoServer>(slots: 1));
        harness.Run(1);
        Assert.That(harness.Reactor().BackendName, Is.EqualTo("io_uring"));
    }

    [Test]
    public void Boot_ListenersUseMultishotAcceptWhereTheRingHasIt()
    {
        using IoHarness harness = Create(spec => spec.AddIsolate<EchoServer>(slots: 1));
        harness.Run(1);
        IoReactor reactor = harness.Reactor();
        bool capable = (reactor.Backend.Capabilities & IoBackendCapabilities.MultishotAccept) != 0;
        TestContext.Out.WriteLine($"features: {reactor.Backend.Features}");
        Assert.That(reactor.UsesMultishotAccept, Is.EqualTo(capable));
    }

    [Test]
    public void Accept_ConnectionsArrivingBeforeAnyAccept_AreAllDeliveredInOrder()
    {
        const int clients = 6;
        lock (LateAcceptor.Seen)
        {
            LateAcceptor.Seen.Clear();
        }

        using IoHarness harness = Create(spec => spec.AddIsolate<LateAcceptor>(slots: 1));
        Handle acceptor = harness.Runtime.Spawn<LateAcceptor, LateAcceptStart>(0, new LateAcceptStart { Count = clients }).Handle;
        Assert.That(harness.RunUntil(() => Probe.ListenPort > 0 || Probe.Errors.Count > 0), Is.True, "the acceptor listens");
        Assert.That(Probe.Errors, Is.Empty);

        var sockets = new Socket[clients];
        try
        {
            for (int i = 0; i < clients; i++)
            {
                sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets[i].Connect(new IPEndPoint(IPAddress.Loopback, Probe.ListenPort)); // completes in the backlog
                sockets[i].Send(new[] { (byte)(10 + i) });
            }

            harness.Run(50);
            Assert.That(harness.Runtime.Send(acceptor, new StartAccepting()), Is.EqualTo(SendResult.Ok));
            Assert.That(harness.RunUntil(() => { lock (LateAcceptor.Seen) { return LateAcceptor.Seen.Count == clients || Probe.Errors.Count > 0; } }), Is.True,
                "every connection is accepted");
            Assert.That(Probe.Errors, Is.Empty);
            lock (LateAcceptor.Seen)
            {
                Assert.That(LateAcceptor.Seen, Is.EqualTo(Enumerable.Range(10, clients).ToList()), "in the order they connected");
            }

            Assert.That(harness.Runtime.GetIoStats(0)[IoCounter.ConnectionTableFull], Is.Zero, "none was dropped");
        }
        finally
        {
            foreach (Socket? socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    [Test]
    public void Accept_ABurstBiggerThanTheMinimumQueue_IsDeliveredWholeInOrder()
    {
        const int clients = IoReactor.AcceptQueueMinimum * 3; // within the default backlog, which sizes the queue
        lock (LateAcceptor.Seen)
        {
            LateAcceptor.Seen.Clear();
        }

        using IoHarness harness = Create(spec => spec.AddIsolate<LateAcceptor>(slots: 1), new IoOptions { ConnectionCapacity = 256 });
        Handle acceptor = harness.Runtime.Spawn<LateAcceptor, LateAcceptStart>(0, new LateAcceptStart { Count = int.MaxValue }).Handle;
        Assert.That(harness.RunUntil(() => Probe.ListenPort > 0 || Probe.Errors.Count > 0), Is.True, "the acceptor listens");
        var sockets = new Socket[clients];
        try
        {
            for (int i = 0; i < clients; i++)
            {
                sockets[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets[i].Connect(new IPEndPoint(IPAddress.Loopback, Probe.ListenPort));
                sockets[i].Send(new[] { (byte)(10 + i) });
            }

            harness.Run(50);
            Assert.That(harness.Runtime.Send(acceptor, new StartAccepting()), Is.EqualTo(SendResult.Ok));
            Assert.That(harness.RunUntil(() =>
            {
                lock (LateAcceptor.Seen)
                {
                    return LateAcceptor.Seen.Count + harness.Runtime.GetIoStats(0)[IoCounter.ConnectionTableFull] >= clients || Probe.Errors.Count > 0;
                }
            }), Is.True, "every connection is accepted or dropped");
            Assert.That(Probe.Errors, Is.Empty);
            long dropped = harness.Runtime.GetIoStats(0)[IoCounter.ConnectionTableFull];
            TestContext.Out.WriteLine($"{clients} connections: {LateAcceptor.Seen.Count} delivered, {dropped} dropped");
            lock (LateAcceptor.Seen)
            {
                Assert.That(LateAcceptor.Seen, Is.EqualTo(Enumerable.Range(10, clients).ToList()), "all of them, in the order they connected");
            }

            Assert.That(dropped, Is.Zero, "the queue holds what the backlog held");
        }
        finally
        {
            foreach (Socket? socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    [Test]
    public void Receive_UsesOneMultishotArmPerConnectionWhereTheRingHasIt()
    {
        using IoHarness harness = Create(AddEchoTypes);
        StartServer(harness);
        harness.Runtime.Spawn<EchoClient, ClientStart>(0, new ClientStart { Address = IoAddress.Loopback, Port = Probe.ListenPort, Messages = 50, Size = 100, Seed = 2 });
        Assert.That(harness.RunUntil(() => Probe.ClientsDone == 1 || Probe.Errors.Count > 0), Is.True);
        Assert.That(Probe.Errors, Is.Empty);

        IoReactor reactor = harness.Reactor();
        bool capable = (reactor.Backend.Capabilities & IoBackendCapabilities.MultishotReceive) != 0;
        TestContext.Out.WriteLine($"features: {reactor.Backend.Features}");
        Assert.That(reactor.UsesMultishotReceive, Is.EqualTo(capable));
        if (capable)
        {
            IoStats stats = harness.Runtime.GetIoStats(0);
            Assert.That(stats[IoCounter.ReceiveArms], Is.InRange(2, 4), "one arm per end of the connection (not one per message)");
            Assert.That(stats[IoCounter.ReceiveFallbacks], Is.Zero);
        }
    }

    [TestCase(4)]
    [TestCase(1)]
    public void MultishotReceive_MessagesLargerThanOneProvidedBuffer_ArriveIntact_ThroughPausesAndAnEmptyRing(int ringSize)
    {
        // 4 provided buffers of 64 KiB for both ends of the connection: each end may hold 2 before its arm pauses,
        // and the ring runs dry, so the one-shot fallback carries part of the stream too.
        var options = new IoOptions { BufferSize = 256 * 1024, BufferCount = 16, ReceiveBufferCount = ringSize };
        using IoHarness harness = Create(AddEchoTypes, options);
        harness.Run(1); // the reactor is built on the shard's first tick
        if (!harness.Reactor().UsesMultishotReceive)
        {
            Assert.Ignore("this kernel has no multishot receive with provided buffers");
        }

        StartServer(harness);
        harness.Runtime.Spawn<EchoClient, ClientStart>(0, new ClientStart { Address = IoAddress.Loopback, Port = Probe.ListenPort, Messages = 3, Size = 256 * 1024, Seed = 9 });
        Assert.That(harness.RunUntil(() => Probe.ClientsDone == 1 || Probe.Errors.Count > 0), Is.True, "the client finishes");
        Assert.That(Probe.Errors, Is.Empty, "every byte came back, in order (the client checks each one)");
        Assert.That(harness.RunUntil(() => Probe.ServerConnectionsClosed == 1, maxRounds: 100_000), Is.True);
        harness.Run(4);

        IoStats stats = harness.Runtime.GetIoStats(0);
        TestContext.Out.WriteLine(
            $"arms {stats[IoCounter.ReceiveArms]}, pauses {stats[IoCounter.ReceivePauses]}, ENOBUFS {stats[IoCounter.ReceiveBuffersExhausted]}, fallbacks {stats[IoCounter.ReceiveFallbacks]}");
        Assert.That(Probe.BytesEchoed, Is.EqualTo(3 * 256 * 1024));
        Assert.That(stats[IoCounter.ReceiveArms], Is.GreaterThanOrEqualTo(2));
        AssertNothingLeaked(harness);
    }

    [Test]
    public void MultishotReceive_ManyConnectionsSharingASmallRing_EveryByteComesBackAndEveryBufferReturns()
    {
        // 16 clients with sizes from 1 byte to 64 KiB share an 8-buffer ring with their 16 server ends: arms pause,
        // the ring runs dry, receives fall back to the pool and re-arm, all interleaved by the kernel.
        const int clients = 16;
        var options = new IoOptions { BufferSize = 64 * 1024, BufferCount = 64, ReceiveBufferCount = 8 };
        using IoHarness harness = Create(AddEchoTypes, options);
        harness.Run(1);
        if (!harness.Reactor().UsesMultishotReceive)
        {
            Assert.Ignore("this kernel has no multishot receive with provided buffers");
        }

        StartServer(harness, new ServerStart { ReceiveBytes = 3000 });
        long expected = 0;
        for (int i = 0; i < clients; i++)
        {
            int size = 1 + (int)((i * 2_654_435_761L) % (64 * 1024));
            expected += 8L * size;
            harness.Runtime.Spawn<EchoClient, ClientStart>(0, new ClientStart { Address = IoAddress.Loopback, Port = Probe.ListenPort, Messages = 8, Size = size, Seed = i });
        }

        Assert.That(harness.RunUntil(() => Probe.ClientsDone == clients || Probe.Errors.Count > 0, maxRounds: 400_000), Is.True, "clients finish");
        Assert.That(Probe.Errors, Is.Empty, "every echoed byte matched (the clients check each one)");
        Assert.That(harness.RunUntil(() => Probe.ServerConnectionsClosed == clients, maxRounds: 100_000), Is.True);
        harness.Run(4);
        IoStats stats = harness.Runtime.GetIoStats(0);
        TestContext.Out.WriteLine(
            $"arms {stats[IoCounter.ReceiveArms]}, pauses {stats[IoCounter.ReceivePauses]}, ENOBUFS {stats[IoCounter.ReceiveBuffersExhausted]}, fallbacks {stats[IoCounter.ReceiveFallbacks]}");
        Assert.That(Probe.BytesEchoed, Is.EqualTo(expected));
        AssertNothingLeaked(harness);
    }

    [Test]
    public void MultishotReceive_IdleConnectionsHoldNoBuffer()
    {
        // 32 connections, each end waiting to receive, and 4 pool buffers per shard: one-shot receives would need a
        // buffer per waiting receive; multishot ones need one only when bytes arrive.
        const int clients = 32;
        var options = new IoOptions { BufferCount = 4, ReceiveBufferCount = 16 };
        using IoHarness harness = Create(
            spec =>
            {
                AddEchoTypes(spec);
                spec.AddIsolate<HoldClient>(slots: clients);
            },
            options,
            shards: 2);
        harness.Run(1); // the reactor is built on the shard's first tick
        if (!harness.Reactor().UsesMultishotReceive)
        {
            Assert.Ignore("this kernel has no multishot receive with provided buffers");
        }

        StartServer(harness);
        for (int i = 0; i < clients; i++)
        {
            harness.Runtime.Spawn<HoldClient, HoldStart>(1, new HoldStart { Address = IoAddress.Loopback, Port = Probe.ListenPort, Seed = i });
        }

        Assert.That(harness.RunUntil(() => (Probe.Accepted == clients && Probe.ClientCycles == clients) || Probe.Errors.Count > 0), Is.True);
        harness.Run(200); // the clients' receives time out and are posted again, over and over
        Assert.That(Probe.Errors, Is.Empty);
        for (int shard = 0; shard < 2; shard++)
        {
            IoReactor reactor = harness.Reactor(shard);
            Assert.That(reactor.Buffers.FreeCount, Is.EqualTo(reactor.Buffers.Count), $"shard {shard}: no waiting receive holds a pool buffer");
            Assert.That(reactor.ProvidedBuffersInHand, Is.Zero, $"shard {shard}: nor a provided one");
            Assert.That(harness.Runtime.GetIoStats(shard)[IoCounter.BuffersExhausted], Is.Zero);
        }
    }
}
