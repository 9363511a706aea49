using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using Tina.Tests.Support;
using Tina.Timers;

namespace Tina.Tests;

public sealed class TimerTests
{
    public readonly record struct Arm(int DelayMs, long Tag, int Count);

    public readonly record struct CancelAt(int Index);

    public readonly record struct CancelId(TimerId Timer);

    public readonly record struct WaitOn(Handle Target);

    public readonly record struct Poke(int Value);

    public readonly record struct Quit;

    public readonly record struct Ack;

    public readonly record struct Fired(MessageKind Kind, long Tag, Handle Source, TimeSpan Now);

    /// <summary>Registers and cancels timers on request; records every timer firing and poke.</summary>
    public sealed class Timed : IIsolate
    {
        public readonly List<TimerId> Ids = new();
        public readonly List<bool> Cancels = new();
        public readonly List<Fired> Firings = new();
        public readonly List<int> Pokes = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Timer)
            {
                Firings.Add(new Fired(message.Kind, message.TimerTag, message.Source, ctx.Now));
            }
            else if (message.Is(out Arm arm))
            {
                for (int i = 0; i < arm.Count; i++)
                {
                    Ids.Add(ctx.RegisterTimer(TimeSpan.FromMilliseconds(arm.DelayMs), arm.Tag + i));
                }
            }
            else if (message.Is(out CancelAt cancel))
            {
                Cancels.Add(ctx.CancelTimer(Ids[cancel.Index]));
            }
            else if (message.Is(out CancelId other))
            {
                Cancels.Add(ctx.CancelTimer(other.Timer));
            }
            else if (message.Is(out WaitOn wait))
            {
                return ctx.Call(wait.Target, new Poke(0), TimeSpan.FromSeconds(10));
            }
            else if (message.Is(out Poke poke))
            {
                Pokes.Add(poke.Value);
            }
            else if (message.Is<Quit>())
            {
                return Effect.Done;
            }

            return Effect.Receive;
        }
    }

    private static Deterministic Create(int timerCapacity = 64, int mailbox = 64, int pool = 4096)
    {
        TinaSpec spec = Deterministic.Spec(shards: 1);
        spec.TimerCapacity = timerCapacity;
        spec.MessagePoolCapacity = pool;
        spec.AddIsolate<Timed>(slots: 4, mailboxCapacity: mailbox);
        spec.AddIsolate<Holder<Ack>>(slots: 4);
        return new Deterministic(spec);
    }

    [Test]
    public void RegisterTimer_FiresAsTimerMessageWithTag_OnFirstTickAtItsDeadline()
    {
        using var sim = Create();
        Handle timed = sim.Spawn<Timed, Arm>(0, new Arm(5, 77, 1));
        sim.RunUntilIdle();

        sim.Clock.NowNanoseconds = 4_999_999;
        sim.RunRound();
        Assert.That(sim.Counter(0, ShardCounter.TimersFired), Is.Zero, "not before the deadline tick");

        sim.Clock.NowNanoseconds = 5_000_000;
        sim.RunRound();
        Assert.That(sim.Counter(0, ShardCounter.TimersFired), Is.EqualTo(1), "fired on the first tick at the deadline");

        sim.RunUntilIdle();
        Assert.Multiple(() =>
        {
            Assert.That(
                sim.Instance<Timed>(timed).Firings,
                Is.EqualTo(new[] { new Fired(MessageKind.Timer, 77, Handle.None, TimeSpan.FromMilliseconds(5)) }));
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero);
        });
    }

    [Test]
    public void RegisterTimer_AdvancedPastDeadlineInOneJump_FiresOnce()
    {
        using var sim = Create();
        Handle timed = sim.Spawn<Timed, Arm>(0, new Arm(3, 1, 1));
        sim.RunUntilIdle();

        sim.Advance(TimeSpan.FromSeconds(10));
        sim.RunUntilIdle();
        sim.Advance(TimeSpan.FromSeconds(10));
        sim.RunUntilIdle();

        Assert.That(sim.Instance<Timed>(timed).Firings.Select(f => f.Tag), Is.EqualTo(new[] { 1L }));
    }

    [Test]
    public void RegisterTimer_AfterIdleGap_CountsTheDelayFromNow()
    {
        using var sim = Create();
        Handle timed = sim.Spawn<Timed>(0);
        sim.RunUntilIdle();

        sim.Advance(TimeSpan.FromMilliseconds(100));
        sim.Runtime.Send(timed, new Arm(10, 5, 1));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Timed>(timed).Firings, Is.Empty, "registered at 100 ms for 10 ms");

        sim.Advance(TimeSpan.FromMilliseconds(9));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Timed>(timed).Firings, Is.Empty, "at 109 ms");

        sim.Advance(TimeSpan.FromMilliseconds(1));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Timed>(timed).Firings.Select(f => f.Now), Is.EqualTo(new[] { TimeSpan.FromMilliseconds(110) }));
    }

    [Test]
    public void RegisterTimer_InTheMiddleOfAResolutionTick_NeverFiresBeforeNowPlusDelay()
    {
        using var sim = Create();
        sim.Clock.NowNanoseconds = 500_000; // 0.5 ms, half a timer tick
        Handle timed = sim.Spawn<Timed, Arm>(0, new Arm(1, 9, 1));
        sim.RunUntilIdle();

        sim.Clock.NowNanoseconds = 1_000_000;
        sim.RunUntilIdle();
        sim.Clock.NowNanoseconds = 1_499_999;
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Timed>(timed).Firings, Is.Empty, "a 1 ms timer registered at 0.5 ms");

        sim.Clock.NowNanoseconds = 2_000_000;
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Timed>(timed).Firings, Has.Count.EqualTo(1), "rounded up to the next resolution tick");
    }

    [Test]
    public void CancelTimer_Pending_PreventsFiringAndSecondCancelReturnsFalse()
    {
        using var sim = Create();
        Handle timed = sim.Spawn<Timed, Arm>(0, new Arm(5, 1, 2));
        sim.RunUntilIdle();

        sim.Runtime.Send(timed, new CancelAt(0));
        sim.Runtime.Send(timed, new CancelAt(0));
        sim.RunUntilIdle();
        Assert.That(sim.Shard(0).Timers.ActiveCount, Is.EqualTo(1));

        sim.Advance(TimeSpan.FromMilliseconds(50));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Timed>(timed).Cancels, Is.EqualTo(new[] { true, false }));
            Assert.That(sim.Instance<Timed>(timed).Firings.Select(f => f.Tag), Is.EqualTo(new[] { 2L }), "only the other timer fired");
            Assert.That(sim.Counter(0, ShardCounter.TimersFired), Is.EqualTo(1));
        });
    }

    [Test]
    public void CancelTimer_AfterItFiredAndItsEntryWasReused_ReturnsFalseAndSparesTheNewTimer()
    {
        using var sim = Create();
        Handle timed = sim.Spawn<Timed, Arm>(0, new Arm(1, 1, 1));
        sim.RunUntilIdle();
        sim.Advance(TimeSpan.FromMilliseconds(1));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Timed>(timed).Firings, Has.Count.EqualTo(1));

        sim.Runtime.Send(timed, new Arm(5, 2, 1));
        sim.RunUntilIdle();
        List<TimerId> ids = sim.Instance<Timed>(timed).Ids;
        Assert.That(ids[1].Index, Is.EqualTo(ids[0].Index), "setup: the free list hands the same entry out again");

        sim.Runtime.Send(timed, new CancelAt(0));
        sim.RunUntilIdle();
        sim.Advance(TimeSpan.FromMilliseconds(5));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Timed>(timed).Cancels, Is.EqualTo(new[] { false }));
            Assert.That(sim.Instance<Timed>(timed).Firings.Select(f => f.Tag), Is.EqualTo(new[] { 1L, 2L }));
        });
    }

    [Test]
    public void CancelTimer_OwnedByAnotherIsolate_ReturnsFalseAndTheTimerStillFires()
    {
        using var sim = Create();
        Handle owner = sim.Spawn<Timed, Arm>(0, new Arm(5, 3, 1));
        Handle thief = sim.Spawn<Timed>(0);
        sim.RunUntilIdle();

        sim.Runtime.Send(thief, new CancelId(sim.Instance<Timed>(owner).Ids[0]));
        sim.Runtime.Send(thief, new CancelId(TimerId.None));
        sim.RunUntilIdle();
        sim.Advance(TimeSpan.FromMilliseconds(5));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Timed>(thief).Cancels, Is.EqualTo(new[] { false, false }));
            Assert.That(sim.Instance<Timed>(owner).Firings.Select(f => f.Tag), Is.EqualTo(new[] { 3L }));
        });
    }

    [Test]
    public void Exit_CancelsEveryTimerTheIsolateOwns()
    {
        using var sim = Create();
        Handle timed = sim.Spawn<Timed, Arm>(0, new Arm(5, 1, 3));
        sim.RunUntilIdle();
        Assert.That(sim.Shard(0).Timers.ActiveCount, Is.EqualTo(3));

        sim.Runtime.Send(timed, new Quit());
        sim.RunUntilIdle();
        Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero);

        // A new occupant of the slot must not receive the old timers.
        Handle next = sim.Spawn<Timed>(0);
        Assert.That(next.Slot, Is.EqualTo(timed.Slot));
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Counter(0, ShardCounter.TimersFired), Is.Zero);
            Assert.That(sim.Instance<Timed>(next).Firings, Is.Empty);
        });
    }

    [Test]
    public void RegisterTimer_TableFull_ReturnsNoneAndCountsTimersExhausted()
    {
        using var sim = Create(timerCapacity: 2);
        Handle timed = sim.Spawn<Timed, Arm>(0, new Arm(5, 1, 3));
        sim.RunUntilIdle();

        List<TimerId> ids = sim.Instance<Timed>(timed).Ids;
        Assert.Multiple(() =>
        {
            Assert.That(ids[0].IsNone, Is.False);
            Assert.That(ids[1].IsNone, Is.False);
            Assert.That(ids[2], Is.EqualTo(TimerId.None));
            Assert.That(sim.Counter(0, ShardCounter.TimersExhausted), Is.EqualTo(1));
        });

        // Once they fire, the entries are free again.
        sim.Advance(TimeSpan.FromMilliseconds(5));
        sim.RunUntilIdle();
        sim.Runtime.Send(timed, new Arm(1, 10, 2));
        sim.RunUntilIdle();
        Assert.That(ids.Skip(3), Has.None.EqualTo(TimerId.None));
    }

    [Test]
    public void TimerFiring_IntoFullMailbox_UsesSystemHeadroomThenDropsAndCounts()
    {
        // Mailbox 4 → ring of 8 entries: 4 user + 4 headroom for system messages.
        using var sim = Create(mailbox: 4);
        Handle holder = sim.Spawn<Holder<Ack>>(0);
        Handle timed = sim.Spawn<Timed, Arm>(0, new Arm(5, 100, 5));
        sim.RunUntilIdle();
        sim.Runtime.Send(timed, new WaitOn(holder)); // suspends: its mailbox is no longer drained
        sim.RunUntilIdle();
        for (int i = 0; i < 4; i++)
        {
            Assert.That(sim.Runtime.Send(timed, new Poke(i)), Is.EqualTo(SendResult.Ok));
        }

        sim.RunUntilIdle();

        sim.Advance(TimeSpan.FromMilliseconds(5));
        sim.RunUntilIdle();
        Assert.Multiple(() =>
        {
            Assert.That(sim.Counter(0, ShardCounter.TimersFired), Is.EqualTo(4));
            Assert.That(sim.Counter(0, ShardCounter.TimersDropped), Is.EqualTo(1));
        });

        sim.Runtime.Send(holder, new Poke(0)); // the holder answers; the caller resumes and drains its mailbox
        sim.RunUntilIdle();
        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Timed>(timed).Pokes, Is.EqualTo(new[] { 0, 1, 2, 3 }));
            // Four of the five firings fit the headroom (timers due on the same tick fire in no promised order).
            Assert.That(sim.Instance<Timed>(timed).Firings.Select(f => f.Tag).ToList(), Has.Count.EqualTo(4).And.Unique.And.All.InRange(100L, 104L));
            Assert.That(sim.Shard(0).Pool.FreeCount, Is.EqualTo(sim.Shard(0).Pool.Capacity));
        });
    }

    [Test]
    public void TimerFiring_WhenUserTrafficLeftOnlyThePoolReserve_IsStillDelivered()
    {
        using var sim = Create(mailbox: 1000, pool: 64);
        Handle holder = sim.Spawn<Holder<Ack>>(0);
        Handle timed = sim.Spawn<Timed, Arm>(0, new Arm(5, 42, 1));
        sim.RunUntilIdle();
        sim.Runtime.Send(timed, new WaitOn(holder));
        sim.RunUntilIdle();
        for (int i = 0; i < 64; i++)
        {
            sim.Runtime.Send(timed, new Poke(i));
            sim.RunRound();
        }

        int accepted = sim.Instance<Timed>(timed).Pokes.Count;
        Assert.Multiple(() =>
        {
            Assert.That(accepted, Is.Zero, "setup: the isolate is suspended");
            Assert.That(sim.Shard(0).Pool.FreeCount, Is.EqualTo(sim.Shard(0).Pool.Reserve), "setup: only the reserve is left");
            Assert.That(sim.Counter(0, ShardCounter.InboundHeld), Is.GreaterThan(0), "setup: the 64th post waits in the inbox");
        });

        sim.Advance(TimeSpan.FromMilliseconds(5));
        sim.RunUntilIdle();
        Assert.That(sim.Counter(0, ShardCounter.TimersFired), Is.EqualTo(1));

        // The pool is empty now, so wake the caller through its call timeout (no envelope needed).
        sim.Advance(TimeSpan.FromSeconds(10));
        sim.RunUntilIdle();
        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Timed>(timed).Firings.Select(f => f.Tag), Is.EqualTo(new[] { 42L }));
            Assert.That(sim.Counter(0, ShardCounter.CallsTimedOut), Is.EqualTo(1));
            Assert.That(sim.Shard(0).Pool.FreeCount, Is.EqualTo(64));
            Assert.That(sim.Instance<Timed>(timed).Pokes, Has.Count.EqualTo(64), "the held post is delivered once there is room");
        });
    }

    // ---- TimerWheel on its own ----

    private struct RecordingSink : ITimerSink
    {
        public List<TimerEntry> Fired;
        public int[] Heads;

        public readonly ref int OwnerHead(Handle owner) => ref Heads[owner.Slot];

        public readonly void Fire(in TimerEntry entry) => Fired.Add(entry);
    }

    private static RecordingSink NewSink(int owners = 4)
    {
        var sink = new RecordingSink { Fired = new List<TimerEntry>(), Heads = new int[owners] };
        Array.Fill(sink.Heads, -1);
        return sink;
    }

    private static Handle Owner(int slot) => Handle.Pack(0, 0, slot, 1);

    [Test]
    public void Wheel_DeadlineMoreThanOneRotationAway_FiresOnlyAtItsDeadline()
    {
        var wheel = new TimerWheel(capacity: 8, spokeCount: 16, startTick: 0);
        RecordingSink sink = NewSink();
        wheel.Register(40, TimerKind.User, Owner(0), 7, ref sink.Heads[0], fromTick: 0);
        Assert.That(wheel.NextDeadlineTick(), Is.EqualTo(40));

        for (long tick = 1; tick < 40; tick++)
        {
            Assert.That(wheel.Advance(tick, ref sink), Is.Zero, $"tick {tick}: spoke {tick & 15} is visited {(tick >> 4) + 1} time(s)");
        }

        Assert.Multiple(() =>
        {
            Assert.That(wheel.Advance(40, ref sink), Is.EqualTo(1));
            Assert.That(sink.Fired.Select(e => e.Tag), Is.EqualTo(new[] { 7L }));
            Assert.That(wheel.ActiveCount, Is.Zero);
            Assert.That(sink.Heads[0], Is.EqualTo(-1), "unlinked from its owner");
            Assert.That(wheel.NextDeadlineTick(), Is.EqualTo(long.MaxValue));
        });
    }

    [Test]
    public void Wheel_AdvanceJumpingSeveralRotations_FiresExactlyTheDueTimers()
    {
        var wheel = new TimerWheel(capacity: 8, spokeCount: 16, startTick: 0);
        RecordingSink sink = NewSink();
        wheel.Register(5, TimerKind.User, Owner(0), 5, ref sink.Heads[0], fromTick: 0);
        wheel.Register(40, TimerKind.User, Owner(0), 40, ref sink.Heads[0], fromTick: 0);
        wheel.Register(100, TimerKind.User, Owner(0), 100, ref sink.Heads[0], fromTick: 0);

        Assert.That(wheel.Advance(50, ref sink), Is.EqualTo(2));
        Assert.That(sink.Fired.Select(e => e.Tag), Is.EquivalentTo(new[] { 5L, 40L }));
        Assert.That(wheel.NextDeadlineTick(), Is.EqualTo(100));
        Assert.That(wheel.Advance(99, ref sink), Is.Zero);
        Assert.That(wheel.Advance(100, ref sink), Is.EqualTo(1));
        Assert.That(sink.Fired.Select(e => e.Tag), Is.EquivalentTo(new[] { 5L, 40L, 100L }));
    }

    [Test]
    public void Wheel_ManyTimersInOneSpoke_FireRotationByRotation()
    {
        var wheel = new TimerWheel(capacity: 16, spokeCount: 16, startTick: 0);
        RecordingSink sink = NewSink();
        // All in spoke 3: three due at tick 3, then one per later rotation.
        long[] deadlines = { 3, 19, 3, 35, 51, 3 };
        for (int i = 0; i < deadlines.Length; i++)
        {
            wheel.Register(deadlines[i], TimerKind.User, Owner(i % 2), i, ref sink.Heads[i % 2], fromTick: 0);
        }

        Assert.That(wheel.Advance(3, ref sink), Is.EqualTo(3));
        Assert.That(sink.Fired.Select(e => e.Tag), Is.EquivalentTo(new[] { 0L, 2L, 5L }));
        Assert.That(wheel.NextDeadlineTick(), Is.EqualTo(19));
        Assert.That(wheel.Advance(18, ref sink), Is.Zero);
        Assert.That(wheel.Advance(19, ref sink), Is.EqualTo(1));
        Assert.That(wheel.Advance(34, ref sink), Is.Zero);
        Assert.That(wheel.Advance(35, ref sink), Is.EqualTo(1));
        Assert.That(wheel.Advance(51, ref sink), Is.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(sink.Fired.Skip(3).Select(e => e.Tag), Is.EqualTo(new[] { 1L, 3L, 4L }));
            Assert.That(sink.Fired.Select(e => e.DeadlineTick), Is.Ordered);
            Assert.That(wheel.ActiveCount, Is.Zero);
            Assert.That(sink.Heads, Is.All.EqualTo(-1));
        });
    }

    [Test]
    public void Wheel_CancelInTheMiddleOfASpokeAndOwnerList_KeepsTheOthers()
    {
        var wheel = new TimerWheel(capacity: 8, spokeCount: 16, startTick: 0);
        RecordingSink sink = NewSink();
        TimerId a = wheel.Register(4, TimerKind.User, Owner(0), 1, ref sink.Heads[0], fromTick: 0);
        TimerId b = wheel.Register(4, TimerKind.User, Owner(0), 2, ref sink.Heads[0], fromTick: 0);
        TimerId c = wheel.Register(20, TimerKind.User, Owner(0), 3, ref sink.Heads[0], fromTick: 0);

        Assert.Multiple(() =>
        {
            Assert.That(wheel.Cancel(b, ref sink.Heads[0]), Is.True);
            Assert.That(wheel.Cancel(b, ref sink.Heads[0]), Is.False);
            Assert.That(wheel.IsPending(a) && wheel.IsPending(c), Is.True);
        });

        Assert.That(wheel.Advance(30, ref sink), Is.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(sink.Fired.Select(e => e.Tag), Is.EquivalentTo(new[] { 1L, 3L }));
            Assert.That(wheel.IsPending(a), Is.False);
            Assert.That(wheel.Cancel(a, ref sink.Heads[0]), Is.False, "already fired");
        });
    }

    [Test]
    public void Wheel_CancelAll_RemovesOnlyThatOwnersTimers()
    {
        var wheel = new TimerWheel(capacity: 8, spokeCount: 16, startTick: 0);
        RecordingSink sink = NewSink();
        for (int i = 0; i < 3; i++)
        {
            wheel.Register(2 + i, TimerKind.User, Owner(0), i, ref sink.Heads[0], fromTick: 0);
            wheel.Register(2 + i, TimerKind.User, Owner(1), 10 + i, ref sink.Heads[1], fromTick: 0);
        }

        Assert.That(wheel.CancelAll(ref sink.Heads[0]), Is.EqualTo(3));
        Assert.That(sink.Heads[0], Is.EqualTo(-1));
        Assert.That(wheel.Advance(10, ref sink), Is.EqualTo(3));
        Assert.That(sink.Fired.Select(e => e.Tag), Is.EquivalentTo(new[] { 10L, 11L, 12L }));
    }

    [Test]
    public void Wheel_Full_ReturnsNoneUntilAnEntryIsFreed()
    {
        var wheel = new TimerWheel(capacity: 2, spokeCount: 16, startTick: 0);
        RecordingSink sink = NewSink();
        TimerId a = wheel.Register(1, TimerKind.User, Owner(0), 0, ref sink.Heads[0], fromTick: 0);
        wheel.Register(1, TimerKind.User, Owner(0), 0, ref sink.Heads[0], fromTick: 0);

        Assert.That(wheel.Register(1, TimerKind.User, Owner(0), 0, ref sink.Heads[0], fromTick: 0), Is.EqualTo(TimerId.None));
        wheel.Cancel(a, ref sink.Heads[0]);
        TimerId again = wheel.Register(1, TimerKind.User, Owner(0), 0, ref sink.Heads[0], fromTick: 0);
        Assert.Multiple(() =>
        {
            Assert.That(again.IsNone, Is.False);
            Assert.That(again, Is.Not.EqualTo(a), "a reused entry gets a new generation");
            Assert.That(wheel.IsPending(a), Is.False);
        });
    }

    [Test]
    public void Wheel_RegisterFromALaterTick_CountsTheDelayFromThatTick()
    {
        var wheel = new TimerWheel(capacity: 8, spokeCount: 16, startTick: 0);
        RecordingSink sink = NewSink();
        wheel.Register(5, TimerKind.User, Owner(0), 1, ref sink.Heads[0], fromTick: 100);

        Assert.Multiple(() =>
        {
            Assert.That(wheel.NextDeadlineTick(), Is.EqualTo(105));
            Assert.That(wheel.Advance(104, ref sink), Is.Zero);
            Assert.That(wheel.Advance(105, ref sink), Is.EqualTo(1));
        });
    }

    [Test]
    public void Wheel_AdvanceBackwardsOrToTheSameTick_FiresNothing()
    {
        var wheel = new TimerWheel(capacity: 8, spokeCount: 16, startTick: 10);
        RecordingSink sink = NewSink();
        wheel.Register(1, TimerKind.User, Owner(0), 1, ref sink.Heads[0], fromTick: 0);

        Assert.Multiple(() =>
        {
            Assert.That(wheel.NextDeadlineTick(), Is.EqualTo(11), "counted from the wheel's tick when the caller's is earlier");
            Assert.That(wheel.Advance(10, ref sink), Is.Zero);
            Assert.That(wheel.Advance(5, ref sink), Is.Zero);
            Assert.That(wheel.CurrentTick, Is.EqualTo(10));
            Assert.That(wheel.Advance(11, ref sink), Is.EqualTo(1));
        });
    }
}
