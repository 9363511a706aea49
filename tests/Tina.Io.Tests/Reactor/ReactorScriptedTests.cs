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
/// The reactor against a scripted backend: the rare completions (EMFILE, late, collateral cancels) on demand, and
/// the buffer and table bookkeeping around them, with exact control over what the "kernel" returns and when.
/// </summary>
public sealed unsafe class ReactorScriptedTests
{
    private ScriptedReactor _rig = null!;
    private FakeBackend _backend = null!;
    private TinaRuntime _runtime = null!;

    /// <summary>Listens, accepts one connection, then receives (the first receive with a 5 ms timeout) until closed.</summary>
    public sealed class Scripted : IIsolate
    {
        public static SocketHandle Connection;
        private SocketHandle _listener;
        private bool _timedOutOnce;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start)
            {
                return ctx.Listen(IoAddress.Loopback, 4242);
            }

            if (!message.Is(out IoCompletion done))
            {
                return Effect.Receive;
            }

            Probe.Outcome(in done);
            switch (done.Operation)
            {
                case IoOperation.Listen:
                    _listener = done.Socket;
                    return ctx.Accept(_listener);
                case IoOperation.Accept when done.IsSuccess:
                    Connection = done.Socket;
                    return ctx.Receive(Connection, 100_000, TimeSpan.FromMilliseconds(5)); // more than a buffer holds
                case IoOperation.Receive when done.Result.Kind == IoErrorKind.TimedOut && !_timedOutOnce:
                    _timedOutOnce = true;
                    return ctx.Receive(Connection, 100);
                case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                    Probe.ClientBytes += ctx.ReceivedData(in done).Length;
                    return ctx.Receive(Connection, 100);
                default:
                    return Effect.Receive;
            }
        }
    }

    [SetUp]
    public void Boot()
    {
        Probe.Reset();
        _rig = new ScriptedReactor(new FakeBackend(), spec => spec.AddIsolate<Scripted>(slots: 1));
        (_backend, _runtime) = (_rig.Backend, _rig.Runtime);
        _runtime.Spawn<Scripted, int>(0, 0);
        Run(3);
    }

    [TearDown]
    public void Stop() => _rig.Dispose();

    private IoReactor Reactor => _rig.Reactor;

    private void Run(int rounds, long stepNanoseconds = 100_000) => _rig.Run(rounds, stepNanoseconds);

    private void AcceptOne(int descriptor = 500)
    {
        _backend.Complete(_backend.Last(IoOpCode.Accept).Token, descriptor);
        Run(3);
        Assert.That(Scripted.Connection.IsNone, Is.False, "accepted");
    }

    [Test]
    public void Accept_Emfile_PausesOnATimerThenRetries()
    {
        Assert.That(_backend.Count(IoOpCode.Accept), Is.EqualTo(1));
        _backend.Complete(_backend.Last(IoOpCode.Accept).Token, -Errno.EMFILE);
        Run(10); // 1 ms: inside the 50 ms pause

        Assert.That(Reactor.Read(IoCounter.AcceptBackoffs), Is.EqualTo(1));
        Assert.That(_backend.Count(IoOpCode.Accept), Is.EqualTo(1), "no retry while paused: no spinning");
        Assert.That(Reactor.Table.CountInState(ConnectionState.Reserved), Is.Zero, "the reservation was given back");

        Run(10, stepNanoseconds: 10_000_000);
        Assert.That(_backend.Count(IoOpCode.Accept), Is.EqualTo(2), "tried again after the pause");
        AcceptOne();
        Assert.That(Probe.Outcomes.Count(o => o.Operation == IoOperation.Accept && o.IsSuccess), Is.EqualTo(1));
    }

    [Test]
    public void Receive_AskingForMoreThanABuffer_IsClampedToTheBufferSlot()
    {
        AcceptOne();
        Assert.That(_backend.Last(IoOpCode.Receive).Length, Is.EqualTo(512), "the kernel can never write past the slot");
    }

    [Test]
    public void UnknownCompletion_IsCountedStale_AndAnAcceptedDescriptorInItIsClosed()
    {
        ulong bogus = IoToken.Pack(false, IoOpCode.Accept, 3, 77, 9);
        _backend.Complete(bogus, 777);
        Run(2);

        Assert.That(Reactor.Read(IoCounter.StaleCompletions), Is.EqualTo(1));
        Assert.That(_backend.ClosedDirectly, Does.Contain(777), "the stray descriptor does not leak");
        Assert.That(Probe.Outcomes.Count(o => o.Operation == IoOperation.Accept), Is.Zero, "nobody is told");
    }

    [Test]
    public void CollateralCancel_OfALiveReceive_IsResubmittedUnderANewToken()
    {
        AcceptOne();
        Run(1);
        IoSubmission first = _backend.Last(IoOpCode.Receive);
        _backend.Complete(first.Token, -Errno.ECANCELED); // a cancel-all this reactor did not ask for
        Run(2);

        IoSubmission second = _backend.Last(IoOpCode.Receive);
        Assert.That(second.Token, Is.Not.EqualTo(first.Token), "a new sequence");
        Assert.That(Reactor.Read(IoCounter.Resubmissions), Is.EqualTo(1));
        Assert.That(Probe.Outcomes.Count(o => o.Operation == IoOperation.Receive), Is.Zero, "the isolate still waits");

        new Span<byte>((void*)second.Buffer, 10).Fill(7);
        _backend.Complete(first.Token, 10); // the old token: stale, ignored
        _backend.Complete(second.Token, 10);
        Run(2);
        Assert.That(Probe.ClientBytes, Is.EqualTo(10), "only the live token's bytes count");
        Assert.That(Reactor.Read(IoCounter.StaleCompletions), Is.EqualTo(1));
    }

    [Test]
    public void LateReceive_AfterTheTimeout_KeepsItsBytesForTheNextReceive()
    {
        AcceptOne();
        IoSubmission timedOut = _backend.Last(IoOpCode.Receive);
        Run(100); // 10 ms: the 5 ms timeout fires
        Assert.That(Probe.Outcomes.Single(o => o.Operation == IoOperation.Receive).Result.Kind, Is.EqualTo(IoErrorKind.TimedOut));
        Assert.That(_backend.Last(IoOpCode.Cancel).TargetToken, Is.EqualTo(timedOut.Token), "the abandoned receive is cancelled by token");
        int receivesBefore = _backend.Count(IoOpCode.Receive);

        // The kernel had already filled the buffer: the cancel comes too late and the receive completes with data.
        new Span<byte>((void*)timedOut.Buffer, 5).Fill(42);
        _backend.Complete(timedOut.Token, 5);
        Run(4);

        Assert.That(Probe.ClientBytes, Is.EqualTo(5), "the next receive got the late bytes");
        Assert.That(Reactor.Read(IoCounter.LateReceivesKept), Is.EqualTo(1));
        Assert.That(_backend.Count(IoOpCode.Receive), Is.EqualTo(receivesBefore + 1), "served from the kept bytes, then armed again");
    }

    [Test]
    public void Close_WithAReceiveInTheKernel_FreesTheEntryOnlyWhenItsCompletionComesBack()
    {
        AcceptOne();
        Run(1);
        IoSubmission inFlight = _backend.Last(IoOpCode.Receive);
        int index = Scripted.Connection.Index;

        CloseFromOutside();
        Assert.That(Reactor.Table[index].State, Is.EqualTo(ConnectionState.Closing), "the kernel still holds the receive's buffer");
        Assert.That(Reactor.Buffers.CountOwnedBy(IoBufferOwner.Kernel), Is.EqualTo(1));

        _backend.Complete(inFlight.Token, -Errno.ECANCELED);
        Run(2);
        Assert.That(Reactor.Table[index].State, Is.EqualTo(ConnectionState.Free));
        Assert.That(Reactor.Buffers.FreeCount, Is.EqualTo(Reactor.Buffers.Count));
        Assert.That(Probe.Outcomes.Last().Result.Kind, Is.EqualTo(IoErrorKind.Cancelled), "the waiting isolate was told at the close");
    }

    /// <summary>Closes the accepted connection as its owner's exit would (the reactor's exit hook), then runs the flush.</summary>
    private void CloseFromOutside()
    {
        Handle owner = Reactor.Table[Scripted.Connection.Index].Owner;
        Reactor.OnIsolateExit(owner);
        Run(1);
    }
}
