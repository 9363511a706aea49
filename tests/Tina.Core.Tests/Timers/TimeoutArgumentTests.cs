using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests.Timers;

/// <summary>
/// Every delay or timeout a handler passes is checked the same way: negative (Timeout.InfiniteTimeSpan included) is
/// an <see cref="ArgumentOutOfRangeException"/>; a delay beyond the wheel's reach saturates to it instead of wrapping.
/// </summary>
public sealed class TimeoutArgumentTests
{
    public readonly record struct ArmTimer(long Ticks);

    public readonly record struct CallWith(Handle Target, long Ticks);

    /// <summary>Registers timers and makes calls with the given durations; records firings and refusals.</summary>
    public sealed class Arming : IIsolate
    {
        public readonly List<TimeSpan> Firings = new();
        public readonly List<Exception> Refusals = new();
        public readonly List<TimerId> Ids = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Timer)
            {
                Firings.Add(ctx.Now);
            }
            else if (message.Is(out ArmTimer arm))
            {
                try
                {
                    Ids.Add(ctx.RegisterTimer(TimeSpan.FromTicks(arm.Ticks), 1));
                }
                catch (ArgumentOutOfRangeException e)
                {
                    Refusals.Add(e);
                }
            }
            else if (message.Is(out CallWith call))
            {
                try
                {
                    return ctx.Call(call.Target, new Ping(1), TimeSpan.FromTicks(call.Ticks));
                }
                catch (ArgumentException e)
                {
                    Refusals.Add(e);
                }
            }

            return Effect.Receive;
        }
    }

    private static Deterministic Create()
    {
        TinaSpec spec = Deterministic.Spec(shards: 1);
        spec.AddIsolate<Arming>(slots: 2);
        spec.AddIsolate<Hoarder>(slots: 2);
        return new Deterministic(spec);
    }

    [Test]
    public void RegisterTimer_TimeSpanMaxValue_SaturatesAndDoesNotFire()
    {
        using var sim = Create();
        Handle arming = sim.Spawn<Arming>(0);
        sim.Runtime.Send(arming, new ArmTimer(TimeSpan.MaxValue.Ticks));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Arming>(arming).Ids, Has.Count.EqualTo(1));
        Assert.That(sim.Instance<Arming>(arming).Ids[0].IsNone, Is.False);

        foreach (TimeSpan step in new[] { TimeSpan.FromMilliseconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), TimeSpan.FromDays(3650) })
        {
            sim.Advance(step);
            sim.RunUntilIdle();
        }

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Arming>(arming).Firings, Is.Empty, "a delay of TimeSpan.MaxValue never comes due in practice");
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.EqualTo(1));
            Assert.That(sim.Shard(0).NanosecondsUntilNextDeadline(), Is.GreaterThan(TimeSpan.FromDays(100 * 365).Ticks * 100L));
        });
    }

    [TestCase(-1)]                              // one tick below zero
    [TestCase(-10_000)]                         // Timeout.InfiniteTimeSpan (-1 ms)
    [TestCase(long.MinValue)]
    public void RegisterTimer_NegativeDelay_IsRefusedWithArgumentOutOfRange(long ticks)
    {
        using var sim = Create();
        Handle arming = sim.Spawn<Arming>(0);
        sim.Runtime.Send(arming, new ArmTimer(ticks));
        sim.RunUntilIdle();
        sim.Advance(TimeSpan.FromMilliseconds(5));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Arming>(arming).Refusals, Has.Count.EqualTo(1));
            Assert.That(sim.Instance<Arming>(arming).Refusals[0], Is.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(sim.Instance<Arming>(arming).Firings, Is.Empty);
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero);
        });
    }

    [TestCase(0L)]
    [TestCase(-1L)]
    [TestCase(-10_000L)]                        // Timeout.InfiniteTimeSpan: a call always has a finite timeout
    [TestCase(long.MaxValue)]
    public void Call_TimeoutOutsideItsRange_IsRefusedWithArgumentOutOfRange(long ticks)
    {
        using var sim = Create();
        Handle arming = sim.Spawn<Arming>(0);
        Handle server = sim.Spawn<Hoarder>(0);
        sim.Runtime.Send(arming, new CallWith(server, ticks));
        sim.RunUntilIdle();

        Assert.That(sim.Instance<Arming>(arming).Refusals, Has.Count.EqualTo(1));
        Assert.That(sim.Instance<Arming>(arming).Refusals[0], Is.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(sim.Counter(0, ShardCounter.CallsStarted), Is.Zero);
    }
}
