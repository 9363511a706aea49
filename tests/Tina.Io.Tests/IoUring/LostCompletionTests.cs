using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NUnit.Framework;
using Tina.Io.Backends.IoUring;
using Tina.Io.Backends.IoUring.Interop;
using Tina.Io.Interop;
using Tina.Io.Tests.Overload;
using Tina.Io.Tests.Support;
using Tina.Io.Reactor;

namespace Tina.Io.Tests.IoUring;

/// <summary>
/// io_uring_enter reporting dropped completions (EBADR) is recovered from, not thrown on the shard thread: the
/// reactor resyncs, fails the operation whose completion was lost with CompletionLost, and the shard goes on serving.
/// The kernel condition is provoked by a test double for the enter call that consumes the CQEs behind the backend's
/// back (as a kernel that dropped them would) and returns −EBADR.
/// </summary>
[TestFixture]
[Platform("Linux")]
public sealed class LostCompletionTests
{
    [SetUp]
    public void ResetProbe() => OverloadProbe.Reset();

    [TestCase(0, TestName = "LostCompletion_OneShotReceive_FailsWithCompletionLost_AndTheShardGoesOn")]
    [TestCase(256, TestName = "LostCompletion_MultishotReceive_FailsWithCompletionLost_AndTheShardGoesOn")]
    public void LostCompletion_FailsTheOperation_AndTheShardGoesOn(int receiveBufferCount)
    {
        RequireIoUring();
        using var harness = new IoHarness(IoBackendKind.IoUring, spec =>
        {
            spec.AddIsolate<OverloadListener>(slots: 1);
            spec.AddIsolate<IdleEcho>(slots: 4);
        }, new IoOptions { ReceiveBufferCount = receiveBufferCount });
        harness.Runtime.Spawn<OverloadListener, OverloadListen>(0, new OverloadListen());
        Assert.That(harness.RunUntil(() => OverloadProbe.ListenPort > 0, maxRounds: 10_000), Is.True);
        var backend = (IoUringBackend)harness.Reactor().Backend;
        var endpoint = new IPEndPoint(IPAddress.Loopback, OverloadProbe.ListenPort);

        using Socket victim = Connect(endpoint);
        Assert.That(harness.RunUntil(() => OverloadProbe.ReceivesIssued == 1, maxRounds: 100_000, wallSeconds: 10), Is.True, "accepted");
        harness.Run(20); // the receive (or the multishot arm) is in the kernel

        var hook = new DropReadyCompletionsOnce();
        backend.EnterHook = hook;
        victim.Send("lost"u8.ToArray());
        Thread.Sleep(50); // the bytes are in the server's socket: the next enter posts the receive's completion
        Assert.That(harness.RunUntil(() => OverloadProbe.Failures > 0, maxRounds: 100_000, wallSeconds: 10), Is.True,
            () => $"the receive whose completion was dropped fails (dropped {hook.Dropped})");
        Assert.That(hook.Dropped, Is.GreaterThan(0));
        Assert.That(OverloadProbe.LastFailure, Is.EqualTo(IoErrorKind.CompletionLost));
        IoStats stats = harness.Runtime.GetIoStats(0);
        Assert.That(stats[IoCounter.CompletionResyncs], Is.EqualTo(1));
        Assert.That(stats[IoCounter.CompletionsLost], Is.GreaterThanOrEqualTo(1));
        Assert.That(backend.CompletionLossEvents, Is.EqualTo(1));

        // The listener, the wake read and the rest survived the resync: a new client is served.
        using Socket fresh = Connect(endpoint);
        fresh.Send("again"u8.ToArray());
        var echoed = new MemoryStream();
        var chunk = new byte[16];
        fresh.Blocking = false;
        bool done = harness.RunUntil(() =>
        {
            while (fresh.Available > 0)
            {
                echoed.Write(chunk, 0, fresh.Receive(chunk));
            }

            return echoed.Length >= 5;
        }, maxRounds: 200_000, wallSeconds: 10);
        Assert.That(done, Is.True, "a new connection is echoed after the resync");
        Assert.That(echoed.ToArray(), Is.EqualTo("again"u8.ToArray()));
        Assert.That(OverloadProbe.Failures, Is.EqualTo(1));
    }

    private static void RequireIoUring()
    {
        if (!BackendSelector.IoUringAvailable(out string reason))
        {
            Assert.Ignore("io_uring is not available: " + reason);
        }
    }

    private static Socket Connect(IPEndPoint endpoint)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(endpoint);
        return client;
    }

    /// <summary>Runs the real enter; the first time completions are then ready, consumes them all and says EBADR.</summary>
    private sealed class DropReadyCompletionsOnce : IIoUringEnterHook
    {
        public int Dropped;
        private bool _fired;

        public int Enter(IoUringRing ring, uint toSubmit, uint minComplete, IoUringEnterFlags flags, long timeoutNanoseconds)
        {
            int result = ring.Enter(toSubmit, minComplete, flags, timeoutNanoseconds);
            if (_fired || (result < 0 && result != -Errno.ETIME))
            {
                return result;
            }

            uint ready = ring.CompletionsReady;
            if (ready == 0)
            {
                return result;
            }

            ring.Consume(ready);
            ring.ReleaseCompletions();
            Dropped = (int)ready;
            _fired = true;
            return -Errno.EBADR;
        }
    }
}
