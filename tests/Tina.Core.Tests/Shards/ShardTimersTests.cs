using System;
using NUnit.Framework;
using Tina.Scheduling;
using Tina.Tests.Support;
using Tina.Timers;

namespace Tina.Tests.Shards;

/// <summary>The shard's timers through their own API: rounding, saturation, the deadline queries, the orphan head.</summary>
public sealed class ShardTimersTests
{
    private static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(1);
    private const long Nanos = 1_000_000;

    [Test]
    public void TicksFor_rounds_up_is_at_least_one_saturates_and_refuses_negative()
    {
        var timers = new ShardTimers(16, 16, Resolution, 0);
        Assert.That(timers.TicksFor(TimeSpan.Zero), Is.EqualTo(1));
        Assert.That(timers.TicksFor(TimeSpan.FromMilliseconds(1)), Is.EqualTo(1));
        Assert.That(timers.TicksFor(TimeSpan.FromTicks(10_001)), Is.EqualTo(2), "1.0001 ms rounds up");
        Assert.That(timers.TicksFor(TimeSpan.MaxValue), Is.EqualTo(TimerWheel.MaxDelayNanoseconds / Nanos));
        Assert.That(() => timers.TicksFor(TimeSpan.FromTicks(-1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void BaseTick_rounds_the_clock_up_so_a_timer_never_fires_early()
    {
        var timers = new ShardTimers(16, 16, Resolution, 0);
        Assert.That(timers.BaseTick(0), Is.Zero);
        Assert.That(timers.BaseTick(1), Is.EqualTo(1));
        Assert.That(timers.BaseTick(Nanos), Is.EqualTo(1));
        Assert.That(timers.BaseTick(Nanos + 1), Is.EqualTo(2));
    }

    [Test]
    public void A_timer_of_a_gone_owner_is_due_at_its_deadline_and_fires_into_the_orphan_head()
    {
        TinaSpec spec = Deterministic.Spec();
        spec.AddIsolate<Counter>(slots: 1);
        using var sim = new Deterministic(spec);
        var timers = new ShardTimers(16, 16, Resolution, 0);
        int nobody = -1;
        Assert.That(timers.NextDeadlineNanoseconds(), Is.EqualTo(long.MaxValue));
        TimerId id = timers.Wheel.Register(3, TimerKind.User, Handle.None, 0, ref nobody, timers.BaseTick(0));
        Assert.That(id.IsNone, Is.False);
        Assert.That(timers.NextDeadlineNanoseconds(), Is.EqualTo(3 * Nanos));
        Assert.That(timers.AnyDue((3 * Nanos) - 1), Is.False);
        Assert.That(timers.AnyDue(3 * Nanos), Is.True);

        Assert.That(timers.Advance((3 * Nanos) - 1, sim.Shard(0)), Is.False);
        Assert.That(timers.Advance(3 * Nanos, sim.Shard(0)), Is.True);
        Assert.That(timers.Wheel.ActiveCount, Is.Zero);
        Assert.That(timers.OrphanHead(), Is.EqualTo(-1), "the stand-in head is empty whenever it is handed out");
    }
}
