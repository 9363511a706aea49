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

        public Effect Handle(ref Context ctx, in Message message)
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
        public Effect Handle(ref Context ctx, in Message message) => Effect.Done;
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
            Assert.That(w.Accepted, Is.EqualTo(Tina.Scheduling.Shard.RequestCreditMin), "one credit per unanswered request");
            Assert.That(w.Refused, Is.EqualTo(100 - Tina.Scheduling.Shard.RequestCreditMin));
            Assert.That(sim.Counter(1, ShardCounter.SystemRequestsRefused), Is.EqualTo(100 - Tina.Scheduling.Shard.RequestCreditMin));
            Assert.That(sim.Shard(0).WatchesInUse, Is.EqualTo(Tina.Scheduling.Shard.RequestCreditMin), "every accepted request was recorded");
            Assert.That(sim.Shard(0).SystemBacklogCount + sim.Shard(1).SystemBacklogCount, Is.Zero);
        });

        // The acks came back: a second storm is accepted up to the credit again.
        sim.Runtime.Send(watcher, new WatchMany(Tina.Scheduling.Shard.RequestCreditMin));
        sim.RunUntilIdle();
        Assert.That(w.Accepted, Is.EqualTo(2 * Tina.Scheduling.Shard.RequestCreditMin));

        foreach (Handle target in Targets)
        {
            sim.Runtime.Send(target, default(Ping));
        }

        sim.RunUntilIdle();
        Assert.That(w.Downs, Is.EqualTo(2 * Tina.Scheduling.Shard.RequestCreditMin), "one Down per accepted watch");
    }
}
