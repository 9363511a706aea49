using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Messaging;
using Tina.Tests.Support;

namespace Tina.Tests.Messaging;

/// <summary>
/// System traffic always gets through: replies, call failures, Downs and watch requests travel in the system lane,
/// which user traffic that fills the user rings (and holds them at full mailboxes) cannot refuse or delay. Driven
/// deterministically; the clock never moves, so no call can end by its timeout.
/// </summary>
public sealed class SystemLaneTests
{
    private const int CallsPerCaller = 8;

    public readonly record struct CallerStart(Handle Callee, Handle Target);

    public readonly record struct FloodStart(Handle Target);

    public readonly record struct BlockStart(Handle Holder);

    public readonly record struct Quit;

    public readonly record struct Filler(int Sequence);

    /// <summary>
    /// Watches its target, then calls the callee until <see cref="CallsPerCaller"/> calls have ended, one after the
    /// other; a call refused at the send site (RingFull: the user ring into the callee's shard is full) is retried on
    /// the next tick and not counted as one of them.
    /// </summary>
    public sealed class Caller : IIsolate
    {
        public readonly List<CallStatus> Outcomes = new();
        public readonly List<Down> Downs = new();
        public bool Watched;
        public int Refusals;
        private Handle _callee;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start && message.Is(out CallerStart start))
            {
                _callee = start.Callee;
                Watched = ctx.Watch(start.Target);
                return ctx.Call(_callee, new Ping(0), TimeSpan.FromHours(1));
            }

            if (message.Kind == MessageKind.Reply)
            {
                if (message.Status == CallStatus.RingFull)
                {
                    Refusals++; // refused at the send site (explicit, at once): try again next tick
                    return Effect.Yield;
                }

                Outcomes.Add(message.Status);
                if (Outcomes.Count < CallsPerCaller)
                {
                    return ctx.Call(_callee, new Ping(Outcomes.Count), TimeSpan.FromHours(1));
                }
            }
            else if (message.Kind == MessageKind.Resume)
            {
                return ctx.Call(_callee, new Ping(Outcomes.Count), TimeSpan.FromHours(1));
            }
            else if (message.Kind == MessageKind.Down && message.Is(out Down down))
            {
                Downs.Add(down);
            }

            return Effect.Receive;
        }
    }

    /// <summary>Answers every call at once and counts what it answered.</summary>
    public sealed class Echo : IIsolate
    {
        public static int Answered;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Call)
            {
                Answered++;
                ctx.Reply(new Pong(message.As<Ping>().Sequence));
            }

            return Effect.Receive;
        }
    }

    public sealed class Target : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => message.Is<Quit>() ? Effect.Done : Effect.Receive;
    }

    /// <summary>Handles (and forgets) whatever it is sent: the sink that keeps a flooded ring draining, slowly refilled.</summary>
    public sealed class Sink : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    /// <summary>Waits forever on a call, so its small mailbox stays full and the ring into its shard is held full.</summary>
    public sealed class BlockedSink : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) =>
            message.Kind == MessageKind.Start && message.Is(out BlockStart start)
                ? ctx.Call(start.Holder, new Ping(-1), TimeSpan.FromHours(1))
                : Effect.Receive;
    }

    /// <summary>Sends to its target until the ring refuses, then yields (waits for room) and floods again: forever.</summary>
    public sealed class Flooder : IIsolate
    {
        private Handle _target;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start && message.Is(out FloodStart start))
            {
                _target = start.Target;
            }

            for (int i = 0; i < 256; i++)
            {
                if (ctx.Send(_target, new Filler(i)) != SendResult.Ok)
                {
                    break;
                }
            }

            return Effect.Yield;
        }
    }

    private static TinaSpec Spec(int shards, int callerSlots)
    {
        TinaSpec spec = Deterministic.Spec(shards);
        spec.RingCapacity = 16;
        spec.AddIsolate<Caller>(slots: Math.Max(1, callerSlots));
        spec.AddIsolate<Echo>(slots: 2, mailboxCapacity: 256);
        spec.AddIsolate<Target>(slots: 64);
        spec.AddIsolate<Sink>(slots: 2, mailboxCapacity: 8);
        spec.AddIsolate<BlockedSink>(slots: 2, mailboxCapacity: 4);
        spec.AddIsolate<Hoarder>(slots: 2);
        spec.AddIsolate<Flooder>(slots: 4);
        return spec;
    }

    /// <summary>Blocks a sink on <paramref name="shard"/> and floods it from <paramref name="from"/>: the ring from → shard stays full.</summary>
    private static void HoldRingFull(Deterministic sim, int from, int shard)
    {
        Handle holder = sim.Spawn<Hoarder>(shard);
        Handle sink = sim.Spawn<BlockedSink, BlockStart>(shard, new BlockStart(holder));
        sim.Spawn<Flooder, FloodStart>(from, new FloodStart(sink));
    }

    [Test]
    public void Reply_ToACallerWhoseInboundRingIsFullOfUserTraffic_StillArrives()
    {
        Echo.Answered = 0;
        using var sim = new Deterministic(Spec(shards: 2, callerSlots: 1));
        HoldRingFull(sim, from: 0, shard: 1);
        sim.RunRounds(20);
        SpscRing userRing = sim.Shard(1).InboundRingFrom(0)!;
        Assert.That(userRing.InFlightCountUnsynchronized, Is.EqualTo(userRing.Capacity), "setup: the user ring 0 → 1 is full and held");

        Handle callee = sim.Spawn<Echo>(0);
        Handle target = sim.Spawn<Target>(0);
        Handle caller = sim.Spawn<Caller, CallerStart>(1, new CallerStart(callee, target));
        sim.RunRounds(40);

        Caller c = sim.Instance<Caller>(caller);
        Assert.Multiple(() =>
        {
            Assert.That(userRing.InFlightCountUnsynchronized, Is.EqualTo(userRing.Capacity), "the user ring stayed full throughout");
            Assert.That(c.Outcomes, Has.Count.EqualTo(CallsPerCaller), "every call ended without the clock moving");
            Assert.That(c.Outcomes, Has.All.EqualTo(CallStatus.Ok), "every reply arrived through the full ring's system lane");
            Assert.That(Echo.Answered, Is.EqualTo(CallsPerCaller));
            Assert.That(sim.Total(ShardCounter.RepliesRingFull), Is.Zero);
        });
    }

    [Test]
    public void Flood_SixtyFourCallersOnOtherShards_EveryCallEndsAndEveryWatchGetsItsDown()
    {
        Echo.Answered = 0;
        using var sim = new Deterministic(Spec(shards: 3, callerSlots: 32));

        // User traffic into shard 0 from both other shards (a sink that drains, refilled every tick), and from shard 0
        // into the callers' shards (blocked sinks: those rings stay full for the whole test).
        Handle sink = sim.Spawn<Sink>(0);
        sim.Spawn<Flooder, FloodStart>(1, new FloodStart(sink));
        sim.Spawn<Flooder, FloodStart>(2, new FloodStart(sink));
        HoldRingFull(sim, from: 0, shard: 1);
        HoldRingFull(sim, from: 0, shard: 2);
        sim.RunRounds(20);

        Handle callee = sim.Spawn<Echo>(0);
        var callers = new List<Handle>();
        var targets = new List<Handle>();
        for (int i = 0; i < 64; i++)
        {
            Handle target = sim.Spawn<Target>(0);
            targets.Add(target);
            callers.Add(sim.Spawn<Caller, CallerStart>(1 + (i % 2), new CallerStart(callee, target)));
        }

        for (int round = 0; round < 5_000 && !AllDone(sim, callers); round++)
        {
            sim.RunRound();
        }

        int ok = 0;
        foreach (Handle caller in callers)
        {
            Caller c = sim.Instance<Caller>(caller);
            Assert.That(c.Watched, Is.True, "a watch request is never refused by user traffic");
            Assert.That(c.Outcomes, Has.Count.EqualTo(CallsPerCaller), "every call ended (the clock never moved: not by timeout)");
            Assert.That(c.Outcomes, Has.None.EqualTo(CallStatus.Timeout));
            ok += c.Outcomes.FindAll(status => status == CallStatus.Ok).Count;
        }

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.EqualTo(Echo.Answered), "every call the callee answered ended with its reply");
            Assert.That(ok, Is.GreaterThan(0));
            Assert.That(sim.Counter(1, ShardCounter.InboundHeld) + sim.Counter(2, ShardCounter.InboundHeld), Is.GreaterThan(0), "the rings into the callers' shards were held full");
            Assert.That(sim.Counter(0, ShardCounter.SendRingFull), Is.GreaterThan(0), "shard 0's producers were refused: its rings were full");
            Assert.That(sim.Counter(1, ShardCounter.SendRingFull) + sim.Counter(2, ShardCounter.SendRingFull), Is.GreaterThan(0), "the rings into shard 0 were full");
            Assert.That(sim.Total(ShardCounter.CallsTimedOut), Is.Zero);
        });

        foreach (Handle target in targets)
        {
            sim.Runtime.Send(target, new Quit());
        }

        sim.RunRounds(200);
        Assert.Multiple(() =>
        {
            for (int i = 0; i < callers.Count; i++)
            {
                Caller c = sim.Instance<Caller>(callers[i]);
                Assert.That(c.Downs, Is.EqualTo(new[] { new Down(targets[i], ExitOutcome.Ok, 0, WasStale: false) }), $"caller {i}: its Down");
            }

            Assert.That(sim.Total(ShardCounter.DownsDropped), Is.Zero);
            Assert.That(sim.Total(ShardCounter.SystemBacklogOverflows), Is.Zero);
            Assert.That(sim.Total(ShardCounter.SystemRequestsRefused), Is.Zero);
        });
        TestContext.Out.WriteLine($"ok {ok}, refusals {Sum(sim, callers)}, backlogged {sim.Total(ShardCounter.SystemBacklogged)}, held {sim.Total(ShardCounter.InboundHeld)}");
    }

    private static int Sum(Deterministic sim, List<Handle> callers)
    {
        int refusals = 0;
        foreach (Handle caller in callers)
        {
            refusals += sim.Instance<Caller>(caller).Refusals;
        }

        return refusals;
    }

    private static bool AllDone(Deterministic sim, List<Handle> callers)
    {
        foreach (Handle caller in callers)
        {
            if (sim.Instance<Caller>(caller).Outcomes.Count < CallsPerCaller)
            {
                return false;
            }
        }

        return true;
    }
}
