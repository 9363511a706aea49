using System;
using System.Linq;
using NUnit.Framework;
using Tina.Io.Buffers;
using Tina.Io.Interop;
using Tina.Io.Reactor;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Reactor;

/// <summary>
/// A listener's multishot accept under a burst, against a scripted backend: the queue is bounded by the connection
/// table, not the backlog; the backlog is a high-water mark that pauses the arm (cancel handed over at once) and the
/// arm is re-armed only at the low-water mark; real overload follows <see cref="IoOptions.AcceptOverflowPolicy"/>.
/// </summary>
public sealed class ReactorAcceptOverflowTests
{
    private const int Backlog = 64;      // the high-water mark; the low-water mark is half of it

    private ScriptedReactor _rig = null!;
    private FakeBackend _backend = null!;
    private Handle _acceptor;
    private RecordingLogSink _log = null!;

    /// <summary>Asks an <see cref="OnDemandAcceptor"/> for this many more connections, accepted one after another.</summary>
    public struct AcceptMore
    {
        public int Count;
    }

    /// <summary>Listens (backlog 64) and accepts only as many connections as it is told to; keeps them open.</summary>
    public sealed class OnDemandAcceptor : IIsolate
    {
        public static int Accepted;
        private SocketHandle _listener;
        private int _left;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start)
            {
                return ctx.Listen(IoAddress.Loopback, 4242, Backlog);
            }

            if (message.Is(out AcceptMore more))
            {
                _left += more.Count;
                return ctx.Accept(_listener);
            }

            if (!message.Is(out IoCompletion done))
            {
                return Effect.Receive;
            }

            Probe.Outcome(in done);
            if (done.Operation == IoOperation.Listen)
            {
                _listener = done.Socket;
                return Effect.Receive;
            }

            if (done.Operation == IoOperation.Accept && done.IsSuccess)
            {
                Accepted++;
                return --_left > 0 ? ctx.Accept(_listener) : Effect.Receive;
            }

            return Effect.Receive;
        }
    }

    private void Boot(int capacity, AcceptOverflowPolicy policy)
    {
        Probe.Reset();
        OnDemandAcceptor.Accepted = 0;
        _log = new RecordingLogSink();
        var options = new IoOptions
        {
            ConnectionCapacity = capacity, BufferCount = 4, BufferSize = 512, AcceptBackoff = TimeSpan.FromMilliseconds(50), AcceptOverflowPolicy = policy,
        };
        _rig = new ScriptedReactor(
            new FakeBackend { Capabilities = IoBackendCapabilities.MultishotAccept },
            spec =>
            {
                spec.AddIsolate<OnDemandAcceptor>(slots: 1);
                spec.MinimumLogLevel = TinaLogLevel.Information;
                spec.LogSink = _log;
            },
            options);
        _backend = _rig.Backend;
        _acceptor = _rig.Runtime.Spawn<OnDemandAcceptor, int>(0, 0).Handle;
        _rig.Run(3);
        AcceptMoreNow(1); // the first Accept arms the listener
    }

    [TearDown]
    public void Stop() => _rig?.Dispose();

    private IoReactor Reactor => _rig.Reactor;

    private ulong Arm => _backend.Last(IoOpCode.AcceptMultishot).Token;

    private void AcceptMoreNow(int count)
    {
        Assert.That(_rig.Runtime.Send(_acceptor, new AcceptMore { Count = count }), Is.EqualTo(SendResult.Ok));
        _rig.Run(3 + (2 * count));
    }

    private int ArmCancels(ulong arm) => _backend.Submitted.Count(s => s.Op == IoOpCode.Cancel && s.TargetToken == arm);

    [Test]
    public void Burst_PastTheHighWaterMark_PausesTheArmOnce_KeepsEveryDescriptor_ReArmsAtTheLowWaterMark()
    {
        Boot(capacity: 1024, AcceptOverflowPolicy.Pause);
        ulong arm = Arm;
        _backend.Complete(arm, 999, IoCompletionFlags.More); // the waiting Accept
        int burst = Backlog + 40; // the kernel posts a whole backlog's worth and more before the cancel lands
        for (int i = 0; i < burst; i++)
        {
            _backend.Complete(arm, 1000 + i, IoCompletionFlags.More);
        }

        _rig.Run(3);
        Assert.That(OnDemandAcceptor.Accepted, Is.EqualTo(1));
        Assert.That(_backend.ClosedDirectly, Is.Empty, "nothing the kernel accepted is closed");
        Assert.That(ArmCancels(arm), Is.EqualTo(1), "the high-water mark cancels the arm once");
        Assert.That(Reactor.Read(IoCounter.AcceptPauses), Is.EqualTo(1));
        Assert.That(Reactor.Read(IoCounter.AcceptsRefusedTableFull) + Reactor.Read(IoCounter.ConnectionTableFull), Is.Zero, "no overload");

        _backend.Complete(arm, -Errno.ECANCELED); // the cancel lands: the arm ends
        _rig.Run(3);
        Assert.That(_backend.Count(IoOpCode.AcceptMultishot), Is.EqualTo(1), "not re-armed above the low-water mark");
        Assert.That(Reactor.Read(IoCounter.Resubmissions), Is.Zero, "the reactor's own cancel is not a resubmission");

        AcceptMoreNow(burst - (Backlog / 2) - 1); // down to one above the low-water mark
        Assert.That(_backend.Count(IoOpCode.AcceptMultishot), Is.EqualTo(1), "still paused: no flapping on each Accept");
        AcceptMoreNow(1);
        Assert.That(_backend.Count(IoOpCode.AcceptMultishot), Is.EqualTo(2), "re-armed at the low-water mark");

        AcceptMoreNow(Backlog / 2);
        Assert.That(OnDemandAcceptor.Accepted, Is.EqualTo(1 + burst), "every connection in the burst was delivered");
        Assert.That(Probe.Outcomes.Count(o => o.Operation == IoOperation.Accept && !o.IsSuccess), Is.Zero);
        Assert.That(_backend.ClosedDirectly, Is.Empty);
        Assert.That(Reactor.Table.CheckInvariants(), Is.True);
    }

    [Test]
    public void TableTrulyFull_UnderPause_KeepsTheDescriptors_PausesTheArm_AndWarnsOnce()
    {
        Boot(capacity: 8, AcceptOverflowPolicy.Pause); // the listener takes one entry: room for 7 connections
        ulong arm = Arm;
        for (int i = 0; i < 20; i++)
        {
            _backend.Complete(arm, 1000 + i, IoCompletionFlags.More);
        }

        _rig.Run(3);
        Assert.That(_backend.ClosedDirectly, Is.Empty, "Pause closes nothing the kernel accepted");
        Assert.That(ArmCancels(arm), Is.EqualTo(1), "overload pauses the arm");
        Assert.That(Reactor.Read(IoCounter.AcceptPauses), Is.EqualTo(1));
        Assert.That(Reactor.Read(IoCounter.AcceptsRefusedTableFull), Is.Zero);
        Assert.That(_log.Snapshot().Count(r => r.Message.Contains("connection table full", StringComparison.Ordinal)), Is.EqualTo(1), "one warning, not one per connection");

        _backend.Complete(arm, -Errno.ECANCELED);
        AcceptMoreNow(10); // 7 fit; the rest wait on the back-off timer for entries
        Assert.That(OnDemandAcceptor.Accepted, Is.EqualTo(7));
        Assert.That(_backend.Count(IoOpCode.AcceptMultishot), Is.EqualTo(1), "no re-arm while the table is full");
        Assert.That(_backend.ClosedDirectly, Is.Empty);
        Assert.That(Reactor.Table.CheckInvariants(), Is.True);
    }

    [Test]
    public void TableTrulyFull_UnderClose_ClosesOnlyWhatHasNoEntry_CountsIt_AndKeepsAccepting()
    {
        Boot(capacity: 8, AcceptOverflowPolicy.Close);
        ulong arm = Arm;
        for (int i = 0; i < 20; i++)
        {
            _backend.Complete(arm, 1000 + i, IoCompletionFlags.More);
        }

        _rig.Run(3);
        Assert.That(OnDemandAcceptor.Accepted, Is.EqualTo(1), "the waiting Accept got the first");
        Assert.That(_backend.ClosedDirectly, Is.EqualTo(Enumerable.Range(1007, 13).ToArray()), "7 kept (the table's room), the rest closed on purpose");
        Assert.That(Reactor.Read(IoCounter.AcceptsRefusedTableFull), Is.EqualTo(13));
        Assert.That(ArmCancels(arm), Is.Zero, "Close keeps the arm running");
        Assert.That(_log.Snapshot().Count(r => r.Message.Contains("connection table full", StringComparison.Ordinal)), Is.EqualTo(1), "one warning per interval");
        Assert.That(Reactor.Table.CheckInvariants(), Is.True);
    }

    [Test]
    public void Validate_RefusesAnUnknownPolicy()
    {
        var options = new IoOptions { AcceptOverflowPolicy = (AcceptOverflowPolicy)7 };
        TinaConfigurationException refused = Assert.Throws<TinaConfigurationException>(options.Validate)!;
        Assert.That(refused.Message, Does.Contain(nameof(IoOptions.AcceptOverflowPolicy)));
        _rig = null!;
    }
}
