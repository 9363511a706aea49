using System;
using System.Linq;
using NUnit.Framework;
using Tina.Io.Interop;
using Tina.Io.Reactor;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Reactor;

/// <summary>
/// Receives leave <see cref="IoOptions.SendReserve"/> pool buffers to sends: under a burst of receives the echo that
/// answers one of them still finds a buffer to copy into, and the other receives wait. Scripted backend (buffers
/// taken at submission), a two-buffer pool with one reserved.
/// </summary>
public sealed unsafe class ReactorSendReserveTests
{
    private static readonly SocketHandle[] s_connections = new SocketHandle[2];
    private ScriptedReactor _rig = null!;
    private FakeBackend _backend = null!;

    /// <summary>Listens and accepts two connections, then idles.</summary>
    public sealed class Acceptor : IIsolate
    {
        private SocketHandle _listener;
        private int _accepted;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start)
            {
                return ctx.Listen(IoAddress.Loopback, 4243);
            }

            if (!message.Is(out IoCompletion done))
            {
                return Effect.Receive;
            }

            if (done.Operation == IoOperation.Listen)
            {
                _listener = done.Socket;
                return ctx.Accept(_listener);
            }

            s_connections[_accepted++] = done.Socket;
            return _accepted < 2 ? ctx.Accept(_listener) : Effect.Receive;
        }
    }

    /// <summary>Receives on connection <c>start</c>, then sends what it got back (a copying send).</summary>
    public sealed class Echo : IIsolate
    {
        private SocketHandle _socket;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start && message.Is(out int connection))
            {
                _socket = s_connections[connection];
                return ctx.Receive(_socket, 100);
            }

            if (!message.Is(out IoCompletion done))
            {
                return Effect.Receive;
            }

            Probe.Outcome(in done);
            return done.Operation == IoOperation.Receive && done.IsSuccess
                ? ctx.Send(_socket, ctx.ReceivedData(in done))
                : Effect.Receive;
        }
    }

    /// <summary>Sends 10 bytes on connection <c>start</c> (the fake backend keeps the send, and its buffer, in flight).</summary>
    public sealed class Pusher : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) =>
            message.Kind == MessageKind.Start && message.Is(out int connection)
                ? ctx.Send(s_connections[connection], "0123456789"u8)
                : Effect.Receive;
    }

    private void Boot(int buffers, int reserve)
    {
        Probe.Reset();
        _rig = new ScriptedReactor(new FakeBackend(), spec =>
        {
            spec.AddIsolate<Acceptor>(slots: 1);
            spec.AddIsolate<Echo>(slots: 2);
            spec.AddIsolate<Pusher>(slots: 2);
        }, new IoOptions { ConnectionCapacity = 8, BufferCount = buffers, BufferSize = 512, SendReserve = reserve });
        _backend = _rig.Backend;
        _rig.Runtime.Spawn<Acceptor, int>(0, 0);
        _rig.Run(3);
        _backend.Complete(_backend.Last(IoOpCode.Accept).Token, 500);
        _rig.Run(3);
        _backend.Complete(_backend.Last(IoOpCode.Accept).Token, 501);
        _rig.Run(3);
        Assert.That(s_connections.All(c => !c.IsNone), Is.True, "two connections accepted");
    }

    [TearDown]
    public void Stop() => _rig?.Dispose();

    [Test]
    public void BurstOfReceives_LeavesTheReserve_SoTheEchoSendFindsABuffer()
    {
        Boot(buffers: 2, reserve: 1);
        _rig.Runtime.Spawn<Echo, int>(0, 0);
        _rig.Run(3);
        _rig.Runtime.Spawn<Echo, int>(0, 1);
        _rig.Run(3);
        Assert.That(_backend.Count(IoOpCode.Receive), Is.EqualTo(1), "the second receive does not take the reserved buffer");
        Assert.That(_rig.Reactor.Read(IoCounter.BufferWaits), Is.EqualTo(1), "it waits instead");

        IoSubmission receive = _backend.Last(IoOpCode.Receive);
        new Span<byte>((void*)receive.Buffer, 4).Fill(7);
        _backend.Complete(receive.Token, 4);
        _rig.Run(3);

        Assert.That(_rig.Reactor.Read(IoCounter.BuffersExhausted), Is.Zero, "the echo's copy found the reserved buffer");
        Assert.That(_backend.Count(IoOpCode.Send), Is.EqualTo(1), "and was submitted");
        Assert.That(Probe.Outcomes.Any(o => o.Operation == IoOperation.Send && !o.IsSuccess), Is.False);
    }

    [Test]
    public void SendsInFlight_DoNotShrinkTheReceiveShare()
    {
        // Three buffers, two reserved: receives may hold one. Two stuck sends hold two; the one left is the receive's.
        Boot(buffers: 3, reserve: 2);
        _rig.Runtime.Spawn<Pusher, int>(0, 0);
        _rig.Runtime.Spawn<Pusher, int>(0, 1);
        _rig.Run(3);
        Assert.That(_backend.Count(IoOpCode.Send), Is.EqualTo(2), "both sends in flight");

        _rig.Runtime.Spawn<Echo, int>(0, 0);
        _rig.Run(3);
        Assert.That(_backend.Count(IoOpCode.Receive), Is.EqualTo(1), "the receive takes the last free buffer: sends do not count against receives");
        Assert.That(_rig.Reactor.Read(IoCounter.BufferWaits), Is.Zero);
        Assert.That(_rig.Reactor.Buffers.ReceiveHeld, Is.EqualTo(1));
    }
}
