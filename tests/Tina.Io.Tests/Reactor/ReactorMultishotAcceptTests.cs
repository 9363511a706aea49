using System;
using System.Linq;
using NUnit.Framework;
using Tina.Io.Buffers;
using Tina.Io.Interop;
using Tina.Io.Reactor;
using Tina.Io.Tests.Support;
using Tina.Time;

namespace Tina.Io.Tests.Reactor;

/// <summary>
/// Multishot accept against a scripted backend that claims <see cref="IoBackendCapabilities.MultishotAccept"/>: the
/// arm's rare completions (EMFILE without More, a full queue, the listener closing) on demand.
/// </summary>
public sealed class ReactorMultishotAcceptTests
{
    private ScriptedReactor _rig = null!;
    private FakeBackend _backend = null!;
    private TinaRuntime _runtime = null!;
    private Handle _isolate;

    [SetUp]
    public void Boot()
    {
        Probe.Reset();
        ReactorScriptedTests.Scripted.Connection = default;
        _rig = new ScriptedReactor(
            new FakeBackend { Capabilities = IoBackendCapabilities.MultishotAccept }, spec => spec.AddIsolate<ReactorScriptedTests.Scripted>(slots: 1));
        (_backend, _runtime) = (_rig.Backend, _rig.Runtime);
        _isolate = _runtime.Spawn<ReactorScriptedTests.Scripted, int>(0, 0).Handle;
        Run(3);
    }

    [TearDown]
    public void Stop() => _rig.Dispose();

    private IoReactor Reactor => _rig.Reactor;

    private ulong Arm => _backend.Last(IoOpCode.AcceptMultishot).Token;

    private void Run(int rounds, long stepNanoseconds = 100_000) => _rig.Run(rounds, stepNanoseconds);

    [Test]
    public void Accept_ArmsOneMultishotAccept_UnderAnInternalTokenThatSaysAccept()
    {
        Assert.That(Reactor.UsesMultishotAccept, Is.True);
        Assert.That(_backend.Count(IoOpCode.AcceptMultishot), Is.EqualTo(1));
        Assert.That(_backend.Count(IoOpCode.Accept), Is.Zero, "no one-shot accept");
        Assert.That(IoToken.IsInternal(Arm), Is.True);
        Assert.That(IoToken.Op(Arm), Is.EqualTo(IoOpCode.Accept), "the 3-bit op field carries Accept");
        Assert.That(Reactor.Table.CountInState(ConnectionState.Reserved), Is.Zero, "no entry is reserved ahead");

        _backend.Complete(Arm, 500, IoCompletionFlags.More);
        Run(3);
        Assert.That(ReactorScriptedTests.Scripted.Connection.IsNone, Is.False, "accepted");
        Assert.That(_backend.Count(IoOpCode.AcceptMultishot), Is.EqualTo(1), "still armed: no re-arm while More");
    }

    [Test]
    public void Arm_EndingWithoutMore_IsReArmed()
    {
        _backend.Complete(Arm, -Errno.ECANCELED);
        Run(3);
        Assert.That(_backend.Count(IoOpCode.AcceptMultishot), Is.EqualTo(2), "re-armed");
        _backend.Complete(Arm, 500, IoCompletionFlags.More);
        Run(3);
        Assert.That(ReactorScriptedTests.Scripted.Connection.IsNone, Is.False, "the waiting Accept completes from the new arm");
    }

    [Test]
    public void Arm_Emfile_PausesOnATimerThenReArms()
    {
        _backend.Complete(Arm, -Errno.EMFILE);
        Run(10); // 1 ms: inside the 50 ms pause
        Assert.That(Reactor.Read(IoCounter.AcceptBackoffs), Is.EqualTo(1));
        Assert.That(_backend.Count(IoOpCode.AcceptMultishot), Is.EqualTo(1), "no re-arm while paused: no spinning");

        Run(10, stepNanoseconds: 10_000_000);
        Assert.That(_backend.Count(IoOpCode.AcceptMultishot), Is.EqualTo(2), "re-armed after the pause");
        _backend.Complete(Arm, 500, IoCompletionFlags.More);
        Run(3);
        Assert.That(Probe.Outcomes.Count(o => o.Operation == IoOperation.Accept && o.IsSuccess), Is.EqualTo(1));
    }

    [Test]
    public void ListenerClose_ClosesQueuedDescriptors_AndWaitsForTheArmsLastCompletion()
    {
        _backend.Complete(Arm, 500, IoCompletionFlags.More);
        _backend.Complete(Arm, 501, IoCompletionFlags.More); // queued: nobody waits
        Run(3);
        int listeners = Reactor.Table.CountInState(ConnectionState.Listener);
        Assert.That(listeners, Is.EqualTo(1));
        ulong arm = Arm;
        Reactor.OnIsolateExit(_isolate); // what the isolate's exit does: close everything it owns
        Run(3);
        Assert.That(_backend.ClosedDirectly, Does.Contain(501), "the queued descriptor is closed");
        Assert.That(_backend.Submitted.Any(s => s.Op == IoOpCode.Cancel && s.TargetToken == arm), Is.True, "the arm is cancelled");
        Assert.That(Reactor.Table.CountInState(ConnectionState.Closing), Is.GreaterThanOrEqualTo(1), "the listener waits for its arm");

        _backend.Complete(arm, 502, IoCompletionFlags.More); // raced the cancel
        _backend.Complete(arm, -Errno.ECANCELED);
        Run(3);
        Assert.That(_backend.ClosedDirectly, Does.Contain(502), "a late descriptor does not leak");
        Assert.That(Reactor.Table.CountInState(ConnectionState.Listener), Is.Zero);
        Assert.That(Reactor.Table.CheckInvariants(), Is.True);
    }
}
