using System.Collections.Generic;
using System.Runtime.CompilerServices;
using NUnit.Framework;
using Tina.Messaging;
using Tina.Tests.Support;

namespace Tina.Tests.Messaging;

/// <summary>The system backlog's FIFO and its one-outcome-per-caller-slot index; the request credit of the system lane.</summary>
public sealed class SystemBacklogTests
{
    public readonly record struct WatchMany(int Count);

    public static readonly List<Handle> Targets = new();

    public sealed class Watcher : IIsolate
    {
        public int Accepted;
        public int Refused;
        public int Downs;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out WatchMany many))
            {
                for (int i = 0; i < many.Count; i++)
                {
                    if (ctx.Watch(Targets[i]))
                    {
                        Accepted++;
                    }
                    else
                    {
                        Refused++;
                    }
                }
            }
            else if (message.Kind == MessageKind.Down)
            {
                Downs++;
            }

            return Effect.Receive;
        }
    }

    public sealed class Target : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Done;
    }

    [Test]
    public void Backlog_KeepsFifoOrder_AndFindsTheOutcomeWaitingForACallerSlot()
    {
        var backlog = new SystemBacklog(bound: 4, slotBase: new[] { 0, 8 }, slotCount: 8);
        Handle caller = Handle.Pack(1, 0, 3, 1);
        Handle other = Handle.Pack(1, 0, 5, 1);

        backlog.Append().SetCallFailure(caller, Handle.None, 10, CallStatus.Failed);
        backlog.NoteOutcome(caller);
        backlog.Append().SetHeader(other, Handle.None, MessageKind.Down, 0);
        backlog.Append().SetCallFailure(other, Handle.None, 20, CallStatus.Failed);
        backlog.NoteOutcome(other);
        backlog.Append().SetHeader(Handle.None, Handle.None, MessageKind.RequestAck, 0);

        Assert.Multiple(() =>
        {
            Assert.That(backlog.Count, Is.EqualTo(4));
            Assert.That(backlog.FindOutcome(caller).Correlation, Is.EqualTo(10u));
            Assert.That(backlog.FindOutcome(other).Correlation, Is.EqualTo(20u));
            Assert.That(Unsafe.IsNullRef(ref backlog.FindOutcome(Handle.Pack(1, 0, 4, 1))), Is.True);
        });

        backlog.RemoveOldest(); // the caller's outcome left for the ring
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.IsNullRef(ref backlog.FindOutcome(caller)), Is.True, "gone once moved to the ring");
            Assert.That(backlog.Oldest().KindValue, Is.EqualTo(MessageKind.Down), "FIFO");
            Assert.That(backlog.FindOutcome(other).Correlation, Is.EqualTo(20u));
        });

        // Wrap around the array: the index still names the right entry.
        backlog.Append().SetCallFailure(caller, Handle.None, 11, CallStatus.Failed);
        backlog.NoteOutcome(caller);
        Assert.That(backlog.FindOutcome(caller).Correlation, Is.EqualTo(11u));
    }

    [Test]
    public void WatchStorm_BeyondTheRequestCredit_IsRefusedVisibly_AndTheCreditComesBackWithTheAnswers()
    {
        Targets.Clear();
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.RingCapacity = 16; // credit = max(64, 16 / 4) = 64
        spec.AddIsolate<Watcher>(slots: 1);
        spec.AddIsolate<Target>(slots: 128);
        using var sim = new Deterministic(spec);
        for (int i = 0; i < 100; i++)
        {
            Targets.Add(sim.Spawn<Target>(0));
        }

        Handle watcher = sim.Spawn<Watcher>(1);
        sim.Runtime.Send(watcher, new WatchMany(100));
        sim.RunUntilIdle();
        Watcher w = sim.Instance<Watcher>(watcher);
        Assert.Multiple(() =>
        {
            Assert.That(w.Accepted, Is.EqualTo(Tina.Scheduling.SystemLane.RequestCreditMin), "one credit per unanswered request");
            Assert.That(w.Refused, Is.EqualTo(100 - Tina.Scheduling.SystemLane.RequestCreditMin));
            Assert.That(sim.Counter(1, ShardCounter.SystemRequestsRefused), Is.EqualTo(100 - Tina.Scheduling.SystemLane.RequestCreditMin));
            Assert.That(sim.Shard(0).WatchesInUse, Is.EqualTo(Tina.Scheduling.SystemLane.RequestCreditMin), "every accepted request was recorded");
            Assert.That(sim.Shard(0).SystemLane.BacklogCount + sim.Shard(1).SystemLane.BacklogCount, Is.Zero);
        });

        // The acks came back: a second storm is accepted up to the credit again.
        sim.Runtime.Send(watcher, new WatchMany(Tina.Scheduling.SystemLane.RequestCreditMin));
        sim.RunUntilIdle();
        Assert.That(w.Accepted, Is.EqualTo(2 * Tina.Scheduling.SystemLane.RequestCreditMin));

        foreach (Handle target in Targets)
        {
            sim.Runtime.Send(target, default(Ping));
        }

        sim.RunUntilIdle();
        Assert.That(w.Downs, Is.EqualTo(2 * Tina.Scheduling.SystemLane.RequestCreditMin), "one Down per accepted watch");
    }

    public readonly record struct Flush;

    public readonly record struct Begin(Handle Holder);

    /// <summary>Defers every call it gets; a <see cref="Flush"/> answers them all at once.</summary>
    public sealed class BulkHolder : IIsolate
    {
        private readonly List<ReplyToken> _owed = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Call && ctx.TryDeferReply(out ReplyToken token))
            {
                _owed.Add(token);
            }
            else if (message.Is<Flush>())
            {
                foreach (ReplyToken owed in _owed)
                {
                    ctx.Reply(owed, new Pong(0));
                }

                _owed.Clear();
            }

            return Effect.Receive;
        }
    }

    /// <summary>Calls its holder 8 times, each call ending by its 1 ms timeout.</summary>
    public sealed class Impatient : IIsolate
    {
        private Handle _holder;
        public int Ended;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Begin begin))
            {
                _holder = begin.Holder;
                return ctx.Call(_holder, new Ping(0), System.TimeSpan.FromMilliseconds(1));
            }

            if (message.Kind == MessageKind.Reply && ++Ended < 8)
            {
                return ctx.Call(_holder, new Ping(Ended), System.TimeSpan.FromMilliseconds(1));
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void Outcomes_ForOneCallerSlotWaitingInTheBacklog_OnlyTheNewestIsKept()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.RingCapacity = 16;
        spec.AddIsolate<BulkHolder>(slots: 3).MaxOwedReplies = 8;
        spec.AddIsolate<Impatient>(slots: 3);
        using var sim = new Deterministic(spec);
        var holders = new List<Handle>();
        var callers = new List<Handle>();
        for (int i = 0; i < 3; i++)
        {
            holders.Add(sim.Spawn<BulkHolder>(0));
            callers.Add(sim.Spawn<Impatient>(1));
            sim.Runtime.Send(callers[i], new Begin(holders[i]));
        }

        for (int i = 0; i < 10; i++)
        {
            sim.RunUntilIdle();
            sim.Advance(System.TimeSpan.FromMilliseconds(2));
        }

        sim.RunUntilIdle();
        Assert.That(callers.ConvertAll(c => sim.Instance<Impatient>(c).Ended), Is.EqualTo(new[] { 8, 8, 8 }), "setup: 24 calls ended by timeout, all owed");

        // Shard 0 alone: 24 late outcomes toward shard 1, whose system ring holds 16. The third holder's 8 find it
        // full: they are for one caller slot, so only the newest waits.
        foreach (Handle holder in holders)
        {
            sim.Runtime.Send(holder, new Flush());
        }

        long lateBefore = sim.Counter(0, ShardCounter.RepliesLateDropped);
        sim.Runtime.RunRound(new[] { 0 });
        Assert.Multiple(() =>
        {
            Assert.That(sim.Shard(0).SystemLane.BacklogCount, Is.EqualTo(1), "one outcome per caller slot");
            Assert.That(sim.Counter(0, ShardCounter.RepliesLateDropped) - lateBefore, Is.EqualTo(7), "the older ones, provably late, dropped at the callee's shard");
        });

        sim.RunUntilIdle();
        Assert.Multiple(() =>
        {
            Assert.That(sim.Shard(0).SystemLane.BacklogCount, Is.Zero);
            Assert.That(sim.Total(ShardCounter.RepliesLateDropped) - lateBefore, Is.EqualTo(24), "every one of them was late");
            Assert.That(sim.Total(ShardCounter.CallsTimedOut), Is.EqualTo(24));
        });
    }
}
