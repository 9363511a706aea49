using System;
using NUnit.Framework;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Contract;

/// <summary>Lifecycle limits: the default send timeout, the idle timeout, fire-and-forget and abortive close.</summary>
public abstract partial class IoContractTests
{
    private static void AddLifecycleTypes(TinaSpec spec)
    {
        spec.AddIsolate<LifecycleServer>(slots: 1);
        spec.AddIsolate<LifecycleClient>(slots: 1);
    }

    private IoHarness StartLifecycle(LifecycleMode mode, IoOptions options, out Handle client)
    {
        LifecycleProbe.Reset();
        IoHarness harness = Create(AddLifecycleTypes, options);
        harness.Runtime.Spawn<LifecycleServer, LifecycleStart>(0, new LifecycleStart { Mode = mode, Address = IoAddress.Loopback });
        Assert.That(harness.RunUntil(() => Probe.ListenPort > 0, maxRounds: 10_000), Is.True, "the server listens");
        client = harness.Runtime.Spawn<LifecycleClient, LifecycleStart>(0, new LifecycleStart { Mode = mode, Address = IoAddress.Loopback, Port = Probe.ListenPort }).Handle;
        Assert.That(harness.RunUntil(() => LifecycleProbe.ClientConnected == 1 && LifecycleProbe.ServerAccepted >= 1, maxRounds: 100_000), Is.True, "connected");
        return harness;
    }

    private static void FinishClient(IoHarness harness, Handle client)
    {
        Assert.That(harness.Runtime.Send(client, new Finish()), Is.EqualTo(SendResult.Ok));
        Assert.That(harness.RunUntil(() => LifecycleProbe.ClientClosed == 1, maxRounds: 100_000), Is.True, "the client closes");
        harness.Run(8);
    }

    [Test]
    public void SendTimeout_ByDefault_ClosesAPeerThatDoesNotReadAndEveryBufferReturns()
    {
        // Small socket buffers so the kernel holds little; the default timeout (no timeout passed to Send) ends it.
        var options = new IoOptions { SendTimeout = TimeSpan.FromMilliseconds(100), SocketSendBufferBytes = 4096, SocketReceiveBufferBytes = 4096 };
        using IoHarness harness = StartLifecycle(LifecycleMode.Flood, options, out Handle client);

        Assert.That(harness.RunUntil(() => LifecycleProbe.ServerEnded == 1, maxRounds: 200_000), Is.True, "the stuck send ends");
        Assert.That(LifecycleProbe.ServerEnd.Operation, Is.EqualTo(IoOperation.Send));
        Assert.That(LifecycleProbe.ServerEnd.Result.Kind, Is.EqualTo(IoErrorKind.TimedOut));
        harness.Run(8);
        IoStats stats = harness.Runtime.GetIoStats(0);
        Assert.That(stats[IoCounter.SendTimeoutCloses], Is.EqualTo(1), "the reactor closed the connection");
        Assert.That(harness.Reactor().Buffers.FreeCount, Is.EqualTo(harness.Reactor().Buffers.Count), "the send's buffer is back");

        FinishClient(harness, client);
        AssertNothingLeaked(harness);
    }

    [Test]
    public void IdleTimeout_ClosesAConnectionOnWhichNothingMoves()
    {
        var options = new IoOptions { IdleTimeout = TimeSpan.FromMilliseconds(50) };
        using IoHarness harness = StartLifecycle(LifecycleMode.IdleReceive, options, out Handle client);

        Assert.That(harness.RunUntil(() => LifecycleProbe.ServerEnded == 1 && LifecycleProbe.ClientReceived == 1, maxRounds: 200_000), Is.True,
            "the idle connection is closed and the peer sees it");
        // Both ends are idle on this shard: whichever is closed first, its waiting receive is told TimedOut and the
        // other end reads the end of the stream (or is idle-closed as well, within the same sweep).
        Assert.That(LifecycleProbe.ServerEnd.Operation, Is.EqualTo(IoOperation.Receive));
        IoResult serverSaw = LifecycleProbe.ServerEnd.Result;
        IoResult clientSaw = LifecycleProbe.ClientReceive.Result;
        Assert.That(serverSaw.Kind == IoErrorKind.TimedOut || clientSaw.Kind == IoErrorKind.TimedOut, Is.True, $"a waiting receive is told why (server {serverSaw}, client {clientSaw})");
        Assert.That(serverSaw == IoResult.FromBytes(0) || serverSaw.Kind == IoErrorKind.TimedOut, Is.True, $"server: {serverSaw}");
        Assert.That(clientSaw == IoResult.FromBytes(0) || clientSaw.Kind == IoErrorKind.TimedOut, Is.True, $"client: {clientSaw}");
        IoStats stats = harness.Runtime.GetIoStats(0);
        Assert.That(stats[IoCounter.IdleTimeoutCloses], Is.GreaterThanOrEqualTo(1));
        Assert.That(harness.Clock.NowNanoseconds, Is.GreaterThanOrEqualTo(50_000_000), "not before the idle timeout");

        FinishClient(harness, client);
        Assert.That(harness.RunUntil(() => harness.Reactor().Table.CountInState(Tina.Io.Buffers.ConnectionState.Open) == 0, maxRounds: 200_000), Is.True,
            "an end that read the end of the stream and did nothing since is idle-closed as well");
        harness.Run(8);
        AssertNothingLeaked(harness);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void CloseNow_FireAndForget_PeerSeesEndOfStreamOrAResetWhenAbortive(bool abortive)
    {
        using IoHarness harness = StartLifecycle(abortive ? LifecycleMode.DropAbortive : LifecycleMode.DropGraceful, new IoOptions(), out Handle client);

        Assert.That(harness.RunUntil(() => LifecycleProbe.ClientReceived == 1 || Probe.Errors.Count > 0, maxRounds: 200_000), Is.True, "the client sees the close");
        Assert.That(Probe.Errors, Is.Empty);
        IoResult seen = LifecycleProbe.ClientReceive.Result;
        if (abortive)
        {
            Assert.That(seen, Is.EqualTo(IoResult.FromOsError(Interop.Errno.ECONNRESET)), "SO_LINGER 0: the peer sees a reset");
            Assert.That(harness.Runtime.GetIoStats(0)[IoCounter.AbortiveCloses], Is.EqualTo(1));
        }
        else
        {
            Assert.That(seen, Is.EqualTo(IoResult.FromBytes(0)), "a graceful close: end of stream");
        }

        FinishClient(harness, client);
        AssertNothingLeaked(harness);
    }
}
