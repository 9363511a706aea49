using System;
using System.Linq;
using NUnit.Framework;
using Tina.Io.Interop;
using Tina.Io.Reactor;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Reactor;

/// <summary>
/// A receive that finds the I/O pool empty waits for a buffer (bounded by its timeout) instead of failing with
/// BuffersExhausted, on a backend that takes the buffer at submission and on one that takes it on readiness (epoll's
/// way, scripted: ENOBUFS when bytes are there and the pool is empty). One pool buffer; a send in flight holds it.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed unsafe class ReactorBufferWaitTests
{
    private readonly bool _bufferOnReadiness;
    private ScriptedReactor _rig = null!;
    private FakeBackend _backend = null!;

    public ReactorBufferWaitTests(bool bufferOnReadiness) => _bufferOnReadiness = bufferOnReadiness;

    /// <summary>Listens, accepts one connection, sends 10 bytes on it (the send holds the pool's only buffer).</summary>
    public sealed class Sender : IIsolate
    {
        public static SocketHandle Connection;
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
                    return ctx.Send(Connection, "0123456789"u8);
                default:
                    return Effect.Receive;
            }
        }
    }

    /// <summary>Receives once on the sender's connection, with the timeout its start message gives (ms, 0 = none).</summary>
    public sealed class Reader : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start && message.Is(out int timeoutMs))
            {
                return ctx.Receive(Sender.Connection, 100, TimeSpan.FromMilliseconds(timeoutMs));
            }

            if (message.Is(out IoCompletion done))
            {
                Probe.Outcome(in done);
                Probe.ClientBytes += ctx.ReceivedData(in done).Length;
            }

            return Effect.Receive;
        }
    }

    [SetUp]
    public void Boot()
    {
        Probe.Reset();
        Sender.Connection = SocketHandle.None;
        var backend = new FakeBackend();
        if (_bufferOnReadiness)
        {
            backend.Capabilities = IoBackendCapabilities.ReceiveBufferOnReadiness;
        }

        _rig = new ScriptedReactor(backend, spec =>
        {
            spec.AddIsolate<Sender>(slots: 1);
            spec.AddIsolate<Reader>(slots: 1);
        }, new IoOptions { ConnectionCapacity = 8, BufferCount = 1, BufferSize = 512 });
        _backend = _rig.Backend;
        _rig.Runtime.Spawn<Sender, int>(0, 0);
        _rig.Run(3);
        _backend.Complete(_backend.Last(IoOpCode.Accept).Token, 500);
        _rig.Run(3);
        Assert.That(_backend.Count(IoOpCode.Send), Is.EqualTo(1), "the send holds the only buffer");
        Assert.That(_rig.Reactor.Buffers.FreeCount, Is.Zero);
    }

    [TearDown]
    public void Stop() => _rig.Dispose();

    [Test]
    public void Receive_PoolEmpty_WaitsForABuffer_ThenIsServed()
    {
        _rig.Runtime.Spawn<Reader, int>(0, 0);
        _rig.Run(3);
        BringBytesWithEmptyPool();

        Assert.That(Probe.Outcomes.Any(o => o.Operation == IoOperation.Receive), Is.False, "no BuffersExhausted: the receive waits");
        Assert.That(_rig.Reactor.Read(IoCounter.BufferWaits), Is.EqualTo(1));
        Assert.That(_rig.Reactor.Read(IoCounter.BuffersExhausted), Is.Zero);
        int receives = _backend.Count(IoOpCode.Receive);

        _backend.Complete(_backend.Last(IoOpCode.Send).Token, 10); // the send finishes: its buffer is free
        _rig.Run(3);
        Assert.That(_backend.Count(IoOpCode.Receive), Is.EqualTo(receives + 1), "the waiting receive is submitted again");
        IoSubmission receive = _backend.Last(IoOpCode.Receive);
        Assert.That(receive.Buffer != 0, Is.EqualTo(!_bufferOnReadiness), "a buffer at submission, or taken on readiness");
        if (!_bufferOnReadiness)
        {
            new Span<byte>((void*)receive.Buffer, 4).Fill(9);
        }

        _backend.Complete(receive.Token, _bufferOnReadiness ? 0 : 4); // on readiness the fake has no pool to read into: end of stream
        _rig.Run(3);
        IoCompletion done = Probe.Outcomes.Single(o => o.Operation == IoOperation.Receive);
        Assert.That(done.IsSuccess, Is.True, () => done.Result.ToString());
        Assert.That(done.Result.Bytes, Is.EqualTo(_bufferOnReadiness ? 0 : 4));
    }

    [Test]
    public void Receive_PoolStaysEmpty_TimesOutAndIsNotSubmittedLater()
    {
        _rig.Runtime.Spawn<Reader, int>(0, 5);
        _rig.Run(3);
        BringBytesWithEmptyPool();
        _rig.Run(100); // 10 ms: the 5 ms timeout fires while it waits for a buffer

        IoCompletion done = Probe.Outcomes.Single(o => o.Operation == IoOperation.Receive);
        Assert.That(done.Result.Kind, Is.EqualTo(IoErrorKind.TimedOut));
        int receives = _backend.Count(IoOpCode.Receive);
        _backend.Complete(_backend.Last(IoOpCode.Send).Token, 10);
        _rig.Run(3);
        Assert.That(_backend.Count(IoOpCode.Receive), Is.EqualTo(receives), "a timed-out waiter is forgotten");
        Assert.That(_rig.Reactor.Buffers.FreeCount, Is.EqualTo(1));
    }

    /// <summary>On readiness, the backend reports bytes it had no buffer for (ENOBUFS); at submission, the reactor finds none.</summary>
    private void BringBytesWithEmptyPool()
    {
        if (_bufferOnReadiness)
        {
            IoSubmission parked = _backend.Last(IoOpCode.Receive);
            Assert.That(parked.Buffer, Is.EqualTo((nint)0), "submitted without a buffer");
            _backend.Complete(parked.Token, -Errno.ENOBUFS);
        }

        _rig.Run(3);
    }
}
