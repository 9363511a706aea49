using System;
using System.Linq;
using NUnit.Framework;
using Tina.Io.Interop;
using Tina.Io.Reactor;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Reactor;

/// <summary>
/// Results the kernel gives rarely, scripted: a reset that lands on a receive already timed out, a send that writes
/// 0 bytes, and what the stats count while a one-shot accept holds a reservation.
/// </summary>
public sealed unsafe class ReactorEdgeResultTests
{
    private ScriptedReactor _rig = null!;
    private FakeBackend _backend = null!;

    /// <summary>Listens, accepts one connection, then follows <see cref="Plan"/>; every completion goes to the probe.</summary>
    public sealed class Peer : IIsolate
    {
        public static SocketHandle Connection;
        public static bool SendFirst;
        private SocketHandle _listener;

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
                    return SendFirst ? ctx.Send(Connection, "0123456789"u8) : ctx.Receive(Connection, 100, TimeSpan.FromMilliseconds(5));
                case IoOperation.Receive when done.Result.Kind == IoErrorKind.TimedOut:
                    return ctx.Receive(Connection, 100);
                default:
                    return Effect.Receive;
            }
        }
    }

    private void Boot(bool sendFirst)
    {
        Probe.Reset();
        Peer.Connection = SocketHandle.None;
        Peer.SendFirst = sendFirst;
        _rig = new ScriptedReactor(new FakeBackend(), spec => spec.AddIsolate<Peer>(slots: 1));
        _backend = _rig.Backend;
        _rig.Runtime.Spawn<Peer, int>(0, 0);
        _rig.Run(3);
    }

    [TearDown]
    public void Stop() => _rig?.Dispose();

    [Test]
    public void ResetAfterAReceiveTimedOut_IsReportedByTheNextReceive_NotAsEndOfStream()
    {
        Boot(sendFirst: false);
        _backend.Complete(_backend.Last(IoOpCode.Accept).Token, 500);
        _rig.Run(3);
        IoSubmission timedOut = _backend.Last(IoOpCode.Receive);
        _rig.Run(100); // 10 ms: the 5 ms timeout fires, and the isolate receives again
        Assert.That(Probe.Outcomes.Single(o => o.Operation == IoOperation.Receive).Result.Kind, Is.EqualTo(IoErrorKind.TimedOut));

        // The cancel lost the race: the kernel completes the abandoned receive with the reset. Linux reports a reset
        // once; the socket reads as end of stream after it, so a receive that asks the kernel again sees 0.
        _backend.Complete(timedOut.Token, -Errno.ECONNRESET);
        _rig.Run(3);
        IoSubmission next = _backend.Last(IoOpCode.Receive);
        if (next.Token != timedOut.Token)
        {
            _backend.Complete(next.Token, 0);
        }

        _rig.Run(3);
        IoCompletion last = Probe.Outcomes.Last(o => o.Operation == IoOperation.Receive);
        Assert.That(last.Result.Kind, Is.EqualTo(IoErrorKind.Os), () => $"got {last.Result}");
        Assert.That(last.Result.OsError, Is.EqualTo(Errno.ECONNRESET));
    }

    [Test]
    public void SendWritingZeroBytes_IsRetriedOnce_ThenFailsWithNoProgress()
    {
        Boot(sendFirst: true);
        _backend.Complete(_backend.Last(IoOpCode.Accept).Token, 500);
        _rig.Run(3);
        Assert.That(_backend.Count(IoOpCode.Send), Is.EqualTo(1));

        _backend.Complete(_backend.Last(IoOpCode.Send).Token, 3); // progress: resubmitted for the rest
        _rig.Run(2);
        _backend.Complete(_backend.Last(IoOpCode.Send).Token, 0); // nothing written: one more try
        _rig.Run(2);
        Assert.That(_backend.Count(IoOpCode.Send), Is.EqualTo(3));
        Assert.That(Probe.Outcomes.Any(o => o.Operation == IoOperation.Send), Is.False, "still sending");
        _backend.Complete(_backend.Last(IoOpCode.Send).Token, 0); // nothing again: give up
        _rig.Run(2);

        Assert.That(_backend.Count(IoOpCode.Send), Is.EqualTo(3), "not resubmitted forever");
        IoCompletion send = Probe.Outcomes.Single(o => o.Operation == IoOperation.Send);
        Assert.That(send.Result.Kind, Is.EqualTo(IoErrorKind.NoProgress));
        Assert.That(send.Transferred, Is.EqualTo(3));
        Assert.That(_rig.Reactor.Read(IoCounter.SendsWithoutProgress), Is.EqualTo(1));
        Assert.That(_rig.Reactor.Buffers.FreeCount, Is.EqualTo(_rig.Reactor.Buffers.Count), "the payload's buffer is back");
    }

    [Test]
    public void PendingOneShotAccept_ItsReservedEntryIsNotALiveConnection()
    {
        Boot(sendFirst: false);
        Assert.That(_backend.Count(IoOpCode.Accept), Is.EqualTo(1), "an accept is in flight with an entry reserved");
        Assert.That(_rig.Runtime.GetIoStats(0).LiveConnections, Is.EqualTo(1), "only the listener");

        _backend.Complete(_backend.Last(IoOpCode.Accept).Token, 500);
        _rig.Run(3);
        Assert.That(_rig.Runtime.GetIoStats(0).LiveConnections, Is.EqualTo(2), "listener and connection (the next accept's reservation is not counted)");
    }
}
