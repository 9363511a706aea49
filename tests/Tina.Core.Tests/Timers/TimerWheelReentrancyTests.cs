using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Tests.Support;
using Tina.Timers;

namespace Tina.Tests.Timers;

/// <summary>
/// A firing callback may cancel or register any timer (a forced exit cancels its isolate's other timers and fails
/// a local caller's call, whose timeout is cancelled; a cancel registers a drain deadline). The wheel's walk must
/// survive both.
/// </summary>
public sealed class TimerWheelReentrancyTests
{
    /// <summary>Owner lists in an array indexed by the owner's raw value; the callback is a test hook.</summary>
    private struct Sink : ITimerSink
    {
        public int[] Heads;
        public Action<TimerEntry> OnFire;

        public readonly ref int OwnerHead(Handle owner) => ref Heads[(int)owner.Value];

        public readonly void Fire(in TimerEntry entry) => OnFire(entry);
    }

    private static int[] NewHeads()
    {
        var heads = new int[8];
        heads.AsSpan().Fill(-1);
        return heads;
    }

    [Test]
    public void Advance_FiringCancelsTheNextDueTimerInItsSpoke_WheelStaysConsistent()
    {
        var wheel = new TimerWheel(capacity: 8, spokeCount: 16, startTick: 0);
        var fired = new List<long>();
        TimerId victim = TimerId.None;
        int[] heads = NewHeads();
        var sink = new Sink { Heads = heads, OnFire = entry =>
        {
            fired.Add(entry.Tag);
            if (entry.Tag == 2)
            {
                Assert.That(wheel.Cancel(victim, ref heads[1]), Is.True, "the victim is still pending when the first firing runs");
            }
        } };

        // Same deadline, so same spoke; the later registration is the spoke head, the victim its next.
        victim = wheel.Register(10, TimerKind.User, new Handle(1), tag: 1, ref heads[1], fromTick: 0);
        wheel.Register(10, TimerKind.User, new Handle(2), tag: 2, ref heads[2], fromTick: 0);

        int count = wheel.Advance(10, ref sink);

        Assert.Multiple(() =>
        {
            Assert.That(count, Is.EqualTo(1));
            Assert.That(fired, Is.EqualTo(new[] { 2L }), "the cancelled timer never fires");
            Assert.That(wheel.ActiveCount, Is.Zero);
            Assert.That(wheel.NextDeadlineTick(), Is.EqualTo(long.MaxValue));
        });

        // Every entry is usable again and fires when due.
        for (int i = 0; i < wheel.Capacity; i++)
        {
            Assert.That(wheel.Register(5 + i, TimerKind.User, new Handle(3), tag: 100 + i, ref heads[3], fromTick: 10).IsNone, Is.False);
        }

        Assert.That(wheel.NextDeadlineTick(), Is.EqualTo(15));
        fired.Clear();
        Assert.That(wheel.Advance(15 + wheel.Capacity, ref sink), Is.EqualTo(wheel.Capacity));
        Assert.That(fired.Count, Is.EqualTo(wheel.Capacity));
        Assert.That(wheel.ActiveCount, Is.Zero);
    }

    [Test]
    public void Advance_FiringCancelsNextAndReusesItsEntry_NewTimerFiresAtItsOwnDeadline()
    {
        var wheel = new TimerWheel(capacity: 8, spokeCount: 16, startTick: 0);
        var fired = new List<(long Tag, long Tick)>();
        TimerId victim = TimerId.None;
        long now = 0;
        int[] heads = NewHeads();
        var sink = new Sink { Heads = heads, OnFire = entry =>
        {
            fired.Add((entry.Tag, now));
            if (entry.Tag == 2)
            {
                wheel.Cancel(victim, ref heads[1]);
                // The freed entry is the free head: this takes the very index the walk saved as its next.
                wheel.Register(3, TimerKind.User, new Handle(1), tag: 3, ref heads[1], fromTick: 0);
            }
        } };

        victim = wheel.Register(10, TimerKind.User, new Handle(1), tag: 1, ref heads[1], fromTick: 0);
        wheel.Register(10, TimerKind.User, new Handle(2), tag: 2, ref heads[2], fromTick: 0);

        now = 10;
        wheel.Advance(10, ref sink);
        Assert.That(wheel.ActiveCount, Is.EqualTo(1));
        Assert.That(wheel.NextDeadlineTick(), Is.EqualTo(13), "registered from a firing at tick 10: counts from 10");
        for (now = 11; now <= 40; now++)
        {
            wheel.Advance(now, ref sink);
        }

        Assert.That(fired, Is.EqualTo(new[] { (2L, 10L), (3L, 13L) }));
        Assert.That(wheel.ActiveCount, Is.Zero);
    }

    [Test]
    public void Advance_FiringRegistersATimer_ItFiresOnALaterAdvanceNotThisOne()
    {
        var wheel = new TimerWheel(capacity: 8, spokeCount: 16, startTick: 0);
        var fired = new List<(long Tag, long Tick)>();
        long now = 0;
        int[] heads = NewHeads();
        var sink = new Sink { Heads = heads, OnFire = entry =>
        {
            fired.Add((entry.Tag, now));
            if (entry.Tag < 5)
            {
                // Re-arms itself one tick later, counted from a stale "present" of tick 0.
                wheel.Register(1, TimerKind.User, new Handle(1), tag: entry.Tag + 1, ref heads[1], fromTick: 0);
            }
        } };

        wheel.Register(4, TimerKind.User, new Handle(1), tag: 1, ref heads[1], fromTick: 0);
        now = 10;
        Assert.That(wheel.Advance(10, ref sink), Is.EqualTo(1), "a timer registered during an advance does not fire in it");
        for (now = 11; now <= 14; now++)
        {
            wheel.Advance(now, ref sink);
        }

        Assert.That(fired, Is.EqualTo(new[] { (1L, 10L), (2L, 11L), (3L, 12L), (4L, 13L), (5L, 14L) }));
        Assert.That(wheel.ActiveCount, Is.Zero);
    }

    public readonly record struct CancelIt;

    public readonly record struct CallIt(Handle Target);

    public readonly record struct Arm(int DelayMs);

    /// <summary>Spawns a <see cref="Hoarder"/> (which owes calls and ignores its Cancel) and cancels it on request.</summary>
    public sealed class Parent : IIsolate
    {
        public Handle Child;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start)
            {
                Child = ctx.Spawn<Hoarder>().Handle;
            }
            else if (message.Is<CancelIt>())
            {
                ctx.Cancel(Child);
            }

            return Effect.Receive;
        }
    }

    /// <summary>Calls with a 1 s timeout on request, records call outcomes and timer firings, arms timers on request.</summary>
    public sealed class Client : IIsolate
    {
        public readonly List<CallStatus> Outcomes = new();
        public readonly List<TimeSpan> TimerFirings = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Reply)
            {
                Outcomes.Add(message.Status);
            }
            else if (message.Kind == MessageKind.Timer)
            {
                TimerFirings.Add(ctx.Now);
            }
            else if (message.Is(out CallIt call))
            {
                return ctx.Call(call.Target, new Ping(1), TimeSpan.FromSeconds(1));
            }
            else if (message.Is(out Arm arm))
            {
                ctx.RegisterTimer(TimeSpan.FromMilliseconds(arm.DelayMs), 7);
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void ForcedExitAtDrainDeadline_CancelsLocalCallersTimeoutInTheSameSpoke_TimersKeepWorking()
    {
        TinaSpec spec = Deterministic.Spec(shards: 1);
        spec.AddIsolate<Parent>(slots: 2);
        spec.AddIsolate<Hoarder>(slots: 2);
        spec.AddIsolate<Client>(slots: 2);
        using var sim = new Deterministic(spec);
        Handle parent = sim.Spawn<Parent, Ping>(0, new Ping(0));
        Handle client = sim.Spawn<Client>(0);
        sim.RunUntilIdle();
        Handle server = sim.Instance<Parent>(parent).Child;
        Assert.That(sim.IsAlive(server), Is.True);

        // A 1 s call, then, in the same millisecond, a cancel with the default 1 s drain budget while the server owes
        // the reply: the call timeout and the drain deadline share a tick, the deadline at the spoke's head.
        sim.Runtime.Send(client, new CallIt(server));
        sim.RunUntilIdle();
        sim.Runtime.Send(parent, new CancelIt());
        sim.RunUntilIdle();
        Assert.That(sim.Shard(0).Timers.ActiveCount, Is.EqualTo(2));

        sim.Advance(TimeSpan.FromSeconds(1));
        sim.RunUntilIdle();
        Assert.Multiple(() =>
        {
            Assert.That(sim.IsAlive(server), Is.False, "forced out at its drain deadline");
            Assert.That(sim.Instance<Client>(client).Outcomes, Is.EqualTo(new[] { CallStatus.NoReply }), "the owed call failed at the forced exit");
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero);
            Assert.That(sim.Shard(0).Timers.NextDeadlineTick(), Is.EqualTo(long.MaxValue));
        });

        // Timers registered afterwards still fire, and the shard reports their deadline (so a runner would wake).
        sim.Runtime.Send(client, new Arm(5));
        sim.RunUntilIdle();
        Assert.That(sim.Shard(0).NanosecondsUntilNextDeadline(), Is.EqualTo(5_000_000));
        sim.Advance(TimeSpan.FromMilliseconds(5));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Client>(client).TimerFirings, Is.EqualTo(new[] { TimeSpan.FromMilliseconds(1005) }));

        // And a later call still times out.
        Handle second = sim.Spawn<Hoarder>(0);
        sim.Runtime.Send(client, new CallIt(second));
        sim.RunUntilIdle();
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Client>(client).Outcomes, Is.EqualTo(new[] { CallStatus.NoReply, CallStatus.Timeout }));
    }
}
