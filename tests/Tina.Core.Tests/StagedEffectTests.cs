using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Scheduling;
using Tina.Tests.Support;

namespace Tina.Tests;

/// <summary>
/// What a handler stages (a call, an I/O operation) belongs to its invocation only: a handler that stages both and
/// returns either effect is ended, and the next isolate dispatched on the shard is not touched by the leftovers.
/// </summary>
public sealed class StagedEffectTests
{
    public enum Order
    {
        IoThenCallReturningCall,
        IoThenCallReturningIo,
        CallThenIoReturningIo,
    }

    public readonly record struct Misbehave(Order Order, Handle Target);

    public readonly record struct Ping;

    public readonly record struct Hi;

    /// <summary>Stages what it is told; otherwise counts the messages it receives.</summary>
    public sealed class Mixer : IIsolate
    {
        public int HisHandled;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Misbehave order))
            {
                switch (order.Order)
                {
                    case Order.IoThenCallReturningCall:
                        ctx.Shard.TryBeginIo(TimeSpan.Zero, out _, out _);
                        return ctx.Call(order.Target, new Ping(), TimeSpan.FromSeconds(1));
                    case Order.IoThenCallReturningIo:
                        ctx.Shard.TryBeginIo(TimeSpan.Zero, out _, out _);
                        ctx.Call(order.Target, new Ping(), TimeSpan.FromSeconds(1));
                        return new Effect(EffectKind.Io);
                    default:
                        ctx.Call(order.Target, new Ping(), TimeSpan.FromSeconds(1));
                        ctx.Shard.TryBeginIo(TimeSpan.Zero, out _, out _); // refused: a call is staged
                        return new Effect(EffectKind.Io);
                }
            }

            if (message.Is<Hi>())
            {
                HisHandled++;
            }

            return Effect.Receive;
        }
    }

    /// <summary>A reactor that completes nothing and records what the shard told it.</summary>
    private sealed class RecordingReactor : IShardReactor
    {
        public readonly List<(Handle Isolate, uint Sequence)> Dropped = new();

        public int Collect() => 0;

        public void Flush()
        {
        }

        public bool HasCompletions() => false;

        public void Wait(long timeoutNanoseconds)
        {
        }

        public void Wake()
        {
        }

        public void Abandon(Handle isolate, uint sequence, uint newSequence, IoAbandonReason reason)
        {
        }

        public void DropStaged(Handle isolate, uint sequence) => Dropped.Add((isolate, sequence));

        public void Dispose()
        {
        }
    }

    [TestCase(Order.IoThenCallReturningCall)]
    [TestCase(Order.IoThenCallReturningIo)]
    [TestCase(Order.CallThenIoReturningIo)]
    public void HandlerStagesCallAndIo_IsEnded_NextIsolateOnTheShardUnharmed(Order order)
    {
        var reactor = new RecordingReactor();
        TinaSpec spec = Deterministic.Spec(shards: 1);
        spec.ReactorFactory = _ => reactor;
        spec.AddIsolate<Mixer>(slots: 4);
        using var sim = new Deterministic(spec);
        Handle culprit = sim.Spawn<Mixer>(0);
        Handle innocent = sim.Spawn<Mixer>(0);
        Handle target = sim.Spawn<Mixer>(0);

        // One delivery, one dispatch pass: the culprit runs, then the innocent in the same tick.
        sim.Runtime.Send(culprit, new Misbehave(order, target));
        sim.Runtime.Send(innocent, new Hi());
        sim.RunUntilIdle();
        sim.Runtime.Send(innocent, new Hi());
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.IsAlive(culprit), Is.False, "the handler that staged both is ended");
            Assert.That(sim.Counter(0, ShardCounter.IsolatesPanicked), Is.EqualTo(1), "and nobody else");
            Assert.That(sim.IsAlive(innocent), Is.True, "the next isolate dispatched is not killed by the leftovers");
            Assert.That(sim.Instance<Mixer>(innocent).HisHandled, Is.EqualTo(2));
            Assert.That(reactor.Dropped.Count, Is.EqualTo(order == Order.CallThenIoReturningIo ? 0 : 1), "a staged operation is dropped unsubmitted, once");
        });
    }
}
