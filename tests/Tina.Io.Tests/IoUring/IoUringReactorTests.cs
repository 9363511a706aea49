using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using Tina.Io.Backends.IoUring;
using Tina.Io.Backends.IoUring.Interop;
using Tina.Io.Reactor;
using Tina.Io.Tests.Support;
using static Tina.Io.Tests.IoUring.IoUringTestKit;
using Tina.Io.Interop;

namespace Tina.Io.Tests.IoUring;

/// <summary>
/// io_uring as the reactor sees it: backend selection (Auto, explicit, fallbacks and their log lines) and the
/// operations the reactor added to the contract (Cancel by target token, Detach). Bounded rounds only.
/// </summary>
[TestFixture]
[Platform("Linux")]
public sealed class IoUringReactorTests
{
    private const ulong FirstReceiveToken = 0x0210;
    private const ulong SecondReceiveToken = 0x0220;
    private const ulong CancelToken = 0x0510;
    private const ulong DetachToken = 0x0710;

    [SetUp]
    public void ResetProbe() => Probe.Reset();

    [TearDown]
    public void RestoreSelector() => BackendSelector.SimulateShardIoUringFailure(null);

    [Test]
    public void Auto_WhereIoUringWorks_PicksItOnEveryShardAndSaysWhy()
    {
        RequireIoUring();
        using var harness = new IoHarness(IoBackendKind.Auto, spec => spec.AddIsolate<EchoServer>(slots: 1), shards: 2);
        harness.Run(2);

        List<LogRecord> lines = BootLines(harness);
        Assert.That(lines.Select(r => r.Shard).OrderBy(s => s).ToList(), Is.EqualTo(new List<int> { 0, 1 }));
        Assert.That(lines, Has.All.Matches<LogRecord>(r => r.Message.Contains("io_uring (io_uring kernel=", StringComparison.Ordinal)
            && r.Message.Contains("auto: io_uring preferred", StringComparison.Ordinal)),
            () => string.Join("\n", lines.Select(r => r.Message)));
        Assert.That(harness.Reactor(1).BackendName, Is.EqualTo("io_uring"));
    }

    [Test]
    public void Auto_WhenTheShardsRingFails_FallsBackToEpollAndLogsTheReason()
    {
        BackendSelector.SimulateShardIoUringFailure("io_uring_setup: ENOMEM (test)");
        using var harness = new IoHarness(IoBackendKind.Auto, spec => spec.AddIsolate<EchoServer>(slots: 1));
        harness.Run(2);

        LogRecord line = BootLines(harness).Single();
        Assert.That(line.Message, Does.Contain("epoll (edge-triggered").And.Contain("auto: io_uring not used (io_uring_setup: ENOMEM (test))"));
        Assert.That(harness.Reactor().BackendName, Is.EqualTo("epoll"));
    }

    [Test]
    public void Explicit_WhenAShardsRingFails_FallsBackToEpollWithAWarningAndStillServes()
    {
        RequireIoUring();
        BackendSelector.SimulateShardIoUringFailure("io_uring_setup: ENOMEM (test)");
        using var harness = new IoHarness(IoBackendKind.IoUring, spec =>
        {
            spec.AddIsolate<EchoServer>(slots: 1);
            spec.AddIsolate<EchoConnection>(slots: 4);
            spec.AddIsolate<EchoClient>(slots: 1);
        });
        harness.Runtime.Spawn<EchoServer, ServerStart>(0, new ServerStart { Address = IoAddress.Loopback, Port = 0 });
        Assert.That(harness.RunUntil(() => Probe.ListenPort > 0, maxRounds: 10_000), Is.True);
        harness.Runtime.Spawn<EchoClient, ClientStart>(0, new ClientStart { Address = IoAddress.Loopback, Port = Probe.ListenPort, Messages = 3, Size = 100, Seed = 1 });
        Assert.That(harness.RunUntil(() => Probe.ClientsDone == 1 || Probe.Errors.Count > 0), Is.True);
        Assert.That(Probe.Errors, Is.Empty);

        Assert.That(harness.Reactor().BackendName, Is.EqualTo("epoll"));
        Assert.That(harness.Log.Snapshot().Any(r => r.Level == TinaLogLevel.Warning
            && r.Message.Contains("io_uring was asked for but could not start", StringComparison.Ordinal)
            && r.Message.Contains("ENOMEM (test)", StringComparison.Ordinal)), Is.True);
        Assert.That(BootLines(harness).Single().Message, Does.Contain("io_uring asked for, fell back: io_uring_setup: ENOMEM (test)"));
    }

    [Test]
    public void RingOptions_FollowTheBatchSizeWithinIoUringsBounds()
    {
        Assert.That(BackendSelector.RingOptions(new IoOptions { SubmissionBatchSize = 1 }).SubmissionEntries, Is.EqualTo(64));
        Assert.That(BackendSelector.RingOptions(new IoOptions { SubmissionBatchSize = 256 }).SubmissionEntries, Is.EqualTo(256));
        Assert.That(BackendSelector.RingOptions(new IoOptions { SubmissionBatchSize = 65536 }).SubmissionEntries, Is.EqualTo(IoUringOptions.SubmissionEntriesMax));
        Assert.That(BackendSelector.RingOptions(new IoOptions()).ProvidedBufferCount, Is.EqualTo(256), "the ring multishot receive takes buffers from");
        Assert.That(BackendSelector.RingOptions(new IoOptions()).ProvidedBufferSizeBytes, Is.EqualTo(16 * 1024), "one pool buffer's size");
        Assert.That(BackendSelector.RingOptions(new IoOptions { BufferSize = 1 << 24 }).ProvidedBufferSizeBytes, Is.EqualTo(64 * 1024), "at most 64 KiB");
        Assert.That(BackendSelector.RingOptions(new IoOptions { ReceiveBufferCount = 0 }).ProvidedBufferCount, Is.Zero, "0 turns multishot receive off");
    }

    [Test]
    public void Cancel_WithATargetToken_CancelsOnlyThatOperation()
    {
        using IoUringBackend backend = Create();
        (int first, int second) = SocketPair();
        byte[] buffers = Pinned(32, out nint address);
        try
        {
            // Two receives, one per end of the pair; the cancel names the first by token (and a descriptor that
            // does not matter for a by-token cancel).
            SubmitOne(backend, new IoSubmission { Token = FirstReceiveToken, Op = IoOpCode.Receive, Descriptor = first, Buffer = address, Length = 16 });
            SubmitOne(backend, new IoSubmission { Token = SecondReceiveToken, Op = IoOpCode.Receive, Descriptor = second, Buffer = address + 16, Length = 16 });
            backend.Flush();
            SubmitOne(backend, new IoSubmission { Token = CancelToken, Op = IoOpCode.Cancel, Descriptor = first, TargetToken = FirstReceiveToken });
            backend.Flush();

            List<IoCompletionEntry> pending = new();
            IoCompletionEntry cancelled = Await(backend, FirstReceiveToken, pending);
            IoCompletionEntry cancel = Await(backend, CancelToken, pending);
            Assert.That(cancelled.Result, Is.EqualTo(-Errno.ECANCELED));
            Assert.That(cancel.Result, Is.Zero, "by user_data: 0 when found");
            Assert.That(pending.Any(e => e.Token == SecondReceiveToken), Is.False, "the other receive is still pending");

            // The other receive still works; a second cancel of the finished one finds nothing.
            Assert.That(LinuxLibc.Write(first, [7]), Is.EqualTo(1));
            Assert.That(Await(backend, SecondReceiveToken, pending).Result, Is.EqualTo(1));
            SubmitOne(backend, new IoSubmission { Token = CancelToken, Op = IoOpCode.Cancel, Descriptor = first, TargetToken = FirstReceiveToken });
            backend.Flush();
            Assert.That(Await(backend, CancelToken, pending).Result, Is.EqualTo(-Errno.ENOENT), "nothing matched, as epoll reports it");
        }
        finally
        {
            Close(first, second);
        }

        GC.KeepAlive(buffers);
    }

    [Test]
    public void Detach_CompletesWithZeroAndLeavesTheDescriptorOpen()
    {
        using IoUringBackend backend = Create();
        (int first, int second) = SocketPair();
        try
        {
            long inFlight = backend.InFlightCount;
            SubmitOne(backend, new IoSubmission { Token = DetachToken, Op = IoOpCode.Detach, Descriptor = first });
            Assert.That(backend.InFlightCount, Is.EqualTo(inFlight), "no SQE: nothing is registered per descriptor");
            IoCompletionEntry detached = Await(backend, DetachToken, new List<IoCompletionEntry>());
            Assert.That(detached.Result, Is.Zero);
            Assert.That(LinuxLibc.Write(first, [1]), Is.EqualTo(1), "the descriptor is still open");
        }
        finally
        {
            Close(first, second);
        }
    }

    private static List<LogRecord> BootLines(IoHarness harness) =>
        harness.Log.Snapshot().Where(r => r.Level == TinaLogLevel.Information && r.Message.Contains("I/O reactor", StringComparison.Ordinal)).ToList();

    private static void RequireIoUring()
    {
        if (!BackendSelector.IoUringAvailable(out string reason))
        {
            Assert.Ignore("io_uring is not available: " + reason);
        }
    }
}
