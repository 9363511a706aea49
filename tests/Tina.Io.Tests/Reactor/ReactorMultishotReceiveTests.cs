using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NUnit.Framework;
using Tina.Io.Buffers;
using Tina.Io.Interop;
using Tina.Io.Reactor;
using Tina.Io.Tests.Support;
using Tina.Time;

namespace Tina.Io.Tests.Reactor;

/// <summary>
/// Multishot receive against a scripted backend with provided buffers: the arm's completions (bytes in a provided
/// buffer, ENOBUFS, the peer's close, a reset, a cancel) exactly when the test says, and the held queue, the lending
/// of provided buffers and their return around them.
/// </summary>
public sealed unsafe class ReactorMultishotReceiveTests
{
    private const int ProvidedCount = 32;   // a connection holds at most 32 / 16 = 2 buffers before its arm pauses
    private const int ProvidedSize = 64;

    private static readonly int[] s_partSizes = [4, 4, 2];
    private static readonly int[] s_nothingReadable = [0];

    private ScriptedReactor _rig = null!;
    private FakeBackend _backend = null!;
    private TinaRuntime _runtime = null!;
    private Handle _reader;

    /// <summary>Receives only when the test sends <see cref="Pull"/>; closes or detaches on command.</summary>
    public sealed class PullReader : IIsolate
    {
        public static SocketHandle Connection;
        public static readonly List<byte> Received = new();
        public static readonly List<int> OldCompletionReadable = new();
        public static bool? DetachResult;
        private IoCompletion _previous;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start)
            {
                return ctx.Listen(IoAddress.Loopback, 4242);
            }

            if (message.Is(out Pull pull))
            {
                return ctx.Receive(Connection, pull.MaxBytes, TimeSpan.FromMilliseconds(pull.TimeoutMilliseconds));
            }

            if (message.Is(out CloseIt _))
            {
                return ctx.Close(Connection);
            }

            if (message.Is(out DetachIt _))
            {
                DetachResult = ctx.TryDetachSocket(Connection, out _);
                return Effect.Receive;
            }

            if (!message.Is(out IoCompletion done))
            {
                return Effect.Receive;
            }

            Probe.Outcome(in done);
            switch (done.Operation)
            {
                case IoOperation.Listen:
                    return ctx.Accept(done.Socket);
                case IoOperation.Accept when done.IsSuccess:
                    Connection = done.Socket;
                    return Effect.Receive;
                case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                    if (_previous.Operation == IoOperation.Receive)
                    {
                        OldCompletionReadable.Add(ctx.ReceivedData(in _previous).Length);
                    }

                    foreach (byte b in ctx.ReceivedData(in done))
                    {
                        Received.Add(b);
                    }

                    _previous = done;
                    return Effect.Receive;
                default:
                    return Effect.Receive;
            }
        }
    }

    public struct Pull
    {
        public int MaxBytes;
        public int TimeoutMilliseconds;
    }

    public struct CloseIt
    {
        public int Unused;
    }

    public struct DetachIt
    {
        public int Unused;
    }

    [SetUp]
    public void Boot()
    {
        Probe.Reset();
        PullReader.Connection = default;
        PullReader.Received.Clear();
        PullReader.OldCompletionReadable.Clear();
        PullReader.DetachResult = null;
        var backend = new FakeBackend();
        backend.ProvideBuffers(ProvidedCount, ProvidedSize);
        _rig = new ScriptedReactor(backend, spec => spec.AddIsolate<PullReader>(slots: 1));
        (_backend, _runtime) = (_rig.Backend, _rig.Runtime);
        _reader = _runtime.Spawn<PullReader, int>(0, 0).Handle;
        Run(3);
        _backend.Complete(_backend.Last(IoOpCode.Accept).Token, 500);
        Run(3);
        Assert.That(PullReader.Connection.IsNone, Is.False, "accepted");
    }

    [TearDown]
    public void Stop() => _rig.Dispose();

    private IoReactor Reactor => _rig.Reactor;

    private ulong Arm => _backend.Last(IoOpCode.ReceiveMultishot).Token;

    private string Text => Encoding.ASCII.GetString(PullReader.Received.ToArray());

    private void Run(int rounds) => _rig.Run(rounds);

    private void PullBytes(int maxBytes = 100, int timeoutMilliseconds = 0)
    {
        Assert.That(_runtime.Send(_reader, new Pull { MaxBytes = maxBytes, TimeoutMilliseconds = timeoutMilliseconds }), Is.EqualTo(SendResult.Ok));
        Run(3);
    }

    private void Fill(ushort id, string text, bool more = true)
    {
        _backend.CompleteWithBuffer(Arm, id, Encoding.ASCII.GetBytes(text), more);
        Run(3);
    }

    private List<IoCompletion> Receives => Probe.Outcomes.Where(o => o.Operation == IoOperation.Receive).ToList();

    [Test]
    public void FirstReceive_ArmsOneMultishotReceive_AndLaterReceivesTakeItsBytesWithoutASubmission()
    {
        Assert.That(Reactor.UsesMultishotReceive, Is.True);
        PullBytes();
        Assert.That(_backend.Count(IoOpCode.ReceiveMultishot), Is.EqualTo(1));
        Assert.That(IoToken.IsInternal(Arm), Is.True);
        Assert.That(IoToken.Op(Arm), Is.EqualTo(IoOpCode.Receive), "the 3-bit op field carries Receive");
        Assert.That(Reactor.Buffers.FreeCount, Is.EqualTo(Reactor.Buffers.Count), "a waiting receive holds no pool buffer");

        Fill(3, "hello");
        Assert.That(Text, Is.EqualTo("hello"));
        PullBytes();
        Fill(4, " world");
        Assert.That(Text, Is.EqualTo("hello world"));
        Assert.That(_backend.Count(IoOpCode.ReceiveMultishot), Is.EqualTo(1), "one arm for the whole stream");
        Assert.That(_backend.Count(IoOpCode.Receive), Is.Zero, "no one-shot receive");

        Run(3);
        Assert.That(_backend.ReturnedProvided, Is.EqualTo(new ushort[] { 3, 4 }), "each buffer goes back once handled");
        Assert.That(Reactor.ProvidedBuffersInHand, Is.Zero);
    }

    [Test]
    public void ReceiveSmallerThanTheBuffer_TakesItInParts_InOrder_AndGivesTheBufferBackOnce()
    {
        PullBytes(maxBytes: 4);
        Fill(0, "abcdefghij");
        Assert.That(Text, Is.EqualTo("abcd"));
        Assert.That(_backend.ReturnedProvided, Is.Empty, "the rest is still held");
        PullBytes(maxBytes: 4);
        PullBytes(maxBytes: 4);
        Assert.That(Text, Is.EqualTo("abcdefghij"));
        Assert.That(Receives.Select(r => r.Result.Bytes), Is.EqualTo(s_partSizes));

        Run(3);
        Assert.That(_backend.ReturnedProvided, Is.EqualTo(new ushort[] { 0 }), "given back once, after the last part");
    }

    [Test]
    public void BytesArrivingWhileNobodyReceives_AreHeldInOrder_ThenThePeersCloseComesAfterThem()
    {
        PullBytes();
        Fill(1, "one,");
        Fill(2, "two,");
        Fill(5, "three");
        _backend.Complete(Arm, 0); // the peer closed: the arm ends
        Run(3);

        PullBytes();
        PullBytes();
        PullBytes();
        Assert.That(Text, Is.EqualTo("one,two,three"));
        Assert.That(Receives.Last().Result.Bytes, Is.EqualTo(0), "end of stream only after every held byte");
        Assert.That(Receives.Last().IsSuccess, Is.True);
    }

    [Test]
    public void ResetAfterBytes_IsReportedOnlyAfterTheHeldBytes()
    {
        PullBytes();
        Fill(0, "first");
        Fill(1, "second");
        _backend.Complete(Arm, -Errno.ECONNRESET);
        Run(3);

        PullBytes();
        Assert.That(Text, Is.EqualTo("firstsecond"));
        PullBytes();
        Assert.That(Receives.Last().IsSuccess, Is.False);
        Assert.That(Receives.Last().Result, Is.EqualTo(IoResult.FromOsError(Errno.ECONNRESET)));
    }

    [Test]
    public void ReceiveBuffersPerConnection_SetsTheMarkThatPausesTheArm()
    {
        _rig.Dispose();
        var backend = new FakeBackend();
        backend.ProvideBuffers(ProvidedCount, ProvidedSize);
        _rig = new ScriptedReactor(backend, spec => spec.AddIsolate<PullReader>(slots: 1), new IoOptions
        {
            ConnectionCapacity = 8, BufferCount = 4, BufferSize = 512, ReceiveBuffersPerConnection = 4,
        });
        (_backend, _runtime) = (_rig.Backend, _rig.Runtime);
        _reader = _runtime.Spawn<PullReader, int>(0, 0).Handle;
        Run(3);
        _backend.Complete(_backend.Last(IoOpCode.Accept).Token, 500);
        Run(3);

        PullBytes();
        Fill(0, "a");           // handed out at once
        Fill(1, "b");
        Fill(2, "c");
        Fill(3, "d");
        Assert.That(Reactor.Read(IoCounter.ReceivePauses), Is.Zero, "three held: below the mark of 4 (the default would be 2)");
        Fill(4, "e");           // four held: the mark
        Assert.That(Reactor.Read(IoCounter.ReceivePauses), Is.EqualTo(1));
        _backend.Complete(Arm, -Errno.ECANCELED);
        Run(3);
        Assert.That(_backend.Count(IoOpCode.ReceiveMultishot), Is.EqualTo(1), "not re-armed while the queue is at its mark");

        PullBytes();            // the isolate consumes one: below the mark, re-armed
        Assert.That(_backend.Count(IoOpCode.ReceiveMultishot), Is.EqualTo(2));
        Assert.That(Text, Is.EqualTo("ab"));
    }

    [Test]
    public void HeldQueueAtItsMark_PausesTheArm_AndTheNextReceiveReArmsIt()
    {
        PullBytes();
        Fill(0, "a");           // handed out at once
        Fill(1, "b");
        Fill(2, "c");           // two held: the mark
        Assert.That(Reactor.Read(IoCounter.ReceivePauses), Is.EqualTo(1));
        Assert.That(_backend.Last(IoOpCode.Cancel).TargetToken, Is.EqualTo(Arm), "the arm is cancelled");
        ulong paused = Arm;
        _backend.CompleteWithBuffer(paused, 3, "d"u8, more: true); // raced the cancel: still kept, in order
        _backend.Complete(paused, -Errno.ECANCELED);
        Run(3);
        Assert.That(_backend.Count(IoOpCode.ReceiveMultishot), Is.EqualTo(1), "not re-armed while the queue is at its mark");

        PullBytes();
        PullBytes();
        Assert.That(_backend.Count(IoOpCode.ReceiveMultishot), Is.EqualTo(2), "re-armed once the queue is below its mark");
        PullBytes();
        Assert.That(Text, Is.EqualTo("abcd"));
        Assert.That(Reactor.Read(IoCounter.ReceiveArms), Is.EqualTo(2));
    }

    [Test]
    public void EmptyRing_EndsTheArmWithEnobufs_AndTheWaitingReceiveFallsBackToTheOwnPool()
    {
        PullBytes();
        _backend.Complete(Arm, -Errno.ENOBUFS);
        Run(3);
        Assert.That(Reactor.Read(IoCounter.ReceiveBuffersExhausted), Is.EqualTo(1));
        Assert.That(Reactor.Read(IoCounter.ReceiveFallbacks), Is.EqualTo(1));
        IoSubmission oneShot = _backend.Last(IoOpCode.Receive);
        Assert.That(oneShot.Length, Is.EqualTo(100));

        byte[] bytes = "pool"u8.ToArray();
        bytes.CopyTo(new Span<byte>((void*)oneShot.Buffer, bytes.Length));
        _backend.Complete(oneShot.Token, bytes.Length);
        Run(3);
        Assert.That(Text, Is.EqualTo("pool"));

        PullBytes();
        Assert.That(_backend.Count(IoOpCode.ReceiveMultishot), Is.EqualTo(2), "the next receive arms again");
        Fill(7, "ring");
        Assert.That(Text, Is.EqualTo("poolring"));
        Run(3);
        Assert.That(Reactor.Buffers.FreeCount, Is.EqualTo(Reactor.Buffers.Count));
    }

    [Test]
    public void Timeout_WhileWaitingOnTheArm_ForgetsOnlyTheWaiter_AndLaterBytesWaitForTheNextReceive()
    {
        PullBytes(timeoutMilliseconds: 1);
        Run(30);
        Assert.That(Receives.Single().Result.Kind, Is.EqualTo(IoErrorKind.TimedOut));

        Fill(6, "late");
        Assert.That(Text, Is.Empty, "nobody waits: held");
        PullBytes();
        Assert.That(Text, Is.EqualTo("late"));
        Assert.That(_backend.Count(IoOpCode.ReceiveMultishot), Is.EqualTo(1), "the arm outlived the timeout");
    }

    [Test]
    public void Close_WithHeldBytes_GivesEveryBufferBack_AndFreesTheEntryOnlyAfterTheArmsLastCompletion()
    {
        PullBytes();
        Fill(0, "x");
        Fill(1, "held");
        Fill(2, "held too");
        Assert.That(_runtime.Send(_reader, new CloseIt()), Is.EqualTo(SendResult.Ok));
        Run(3);

        Assert.That(_backend.Submitted.Any(s => s.Op == IoOpCode.Cancel && s.TargetToken == Arm), Is.True, "the arm is cancelled");
        Assert.That(_backend.ReturnedProvided, Is.SupersetOf(new ushort[] { 1, 2 }), "held buffers go back at once");
        Assert.That(Reactor.Table.CountInState(ConnectionState.Closing), Is.EqualTo(1), "still waiting for the arm");

        _backend.Complete(Arm, -Errno.ECANCELED);
        Run(3);
        Assert.That(Reactor.Table.CountInState(ConnectionState.Closing), Is.Zero);
        Assert.That(Reactor.Table.CountInState(ConnectionState.Open), Is.Zero);
        Assert.That(Reactor.ProvidedBuffersInHand, Is.Zero);
        Assert.That(_backend.LentProvided, Is.Empty);
    }

    [Test]
    public void OldCompletion_ReadsNothing_OnceItsBufferWasRefilled()
    {
        PullBytes();
        Fill(0, "aaaa");
        Run(3); // handled: buffer 0 goes back to the ring
        PullBytes();
        Fill(0, "bbbb"); // the kernel reuses it
        Assert.That(Text, Is.EqualTo("aaaabbbb"));
        Assert.That(PullReader.OldCompletionReadable, Is.EqualTo(s_nothingReadable), "the old completion cannot see the new bytes");
    }

    [Test]
    public void StaleArmCompletion_GivesItsBufferBack()
    {
        PullBytes();
        ulong bogus = IoToken.Pack(true, IoOpCode.Receive, PullReader.Connection.Index, 999, 77);
        _backend.CompleteWithBuffer(bogus, 9, "zz"u8);
        Run(3);
        Assert.That(Reactor.Read(IoCounter.StaleCompletions), Is.EqualTo(1));
        Assert.That(_backend.ReturnedProvided, Is.EqualTo(new ushort[] { 9 }));
        Assert.That(Text, Is.Empty);
    }

    [Test]
    public void Detach_IsRefusedWhileTheArmHoldsTheStream()
    {
        PullBytes(timeoutMilliseconds: 1);
        Run(30);
        Assert.That(_runtime.Send(_reader, new DetachIt()), Is.EqualTo(SendResult.Ok));
        Run(3);
        Assert.That(PullReader.DetachResult, Is.False, "bytes the kernel takes would land on this shard");
        Assert.That(Reactor.Table.CountInState(ConnectionState.Open), Is.EqualTo(1));
    }
}
