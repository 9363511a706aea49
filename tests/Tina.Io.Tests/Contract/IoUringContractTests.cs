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
    public void RequireIoUring()
    {
        try
        {
            new TinaSpec().UseIo(new IoOptions { Backend = IoBackendKind.IoUring });
        }
        catch (TinaConfigurationException unavailable)
        {
            Assert.Ignore($"io_uring is not available: {unavailable.Allowed}");
        }
    }

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
}
