using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests.Messaging;

/// <summary>
/// Downs to a watcher whose mailbox is full (local) or whose shard's ring is full of user traffic (remote): every
/// Down is delivered, in order, once the watcher makes room.
/// </summary>
public sealed class DownDeliveryTests
{
    public readonly record struct WatchAll;

    public readonly record struct Hold(Handle Holder);

    public readonly record struct Quit;

    public readonly record struct Filler(int Sequence);

    public readonly record struct Flood(Handle Target, int Count);

    public static readonly List<Handle> Targets = new();

    public sealed class Target : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => message.Is<Quit>() ? Effect.Done : Effect.Receive;
    }

    public sealed class Watcher : IIsolate
    {
        public readonly List<Down> Downs = new();
        public int Fillers;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is<WatchAll>())
            {
                foreach (Handle target in Targets)
                {
                    Assert.That(ctx.Watch(target), Is.True);
                }
            }
            else if (message.Is(out Hold hold))
            {
                return ctx.Call(hold.Holder, new Ping(1), TimeSpan.FromHours(1)); // waits: its mail stays queued
            }
            else if (message.Kind == MessageKind.Down && message.Is(out Down down))
            {
                Downs.Add(down);
            }
            else if (message.Is<Filler>())
            {
                Fillers++;
            }

            return Effect.Receive;
        }
    }

    public sealed class Flooder : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Flood flood))
            {
                for (int i = 0; i < flood.Count; i++)
                {
                    ctx.Send(flood.Target, new Filler(i));
                }
            }

            return Effect.Receive;
        }
    }

    [SetUp]
    public void Reset() => Targets.Clear();

    private static Deterministic Create(int ringCapacity = 16)
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.RingCapacity = ringCapacity;
        spec.AddIsolate<Target>(slots: 16);
        spec.AddIsolate<Watcher>(slots: 2, mailboxCapacity: 4);
        spec.AddIsolate<Holder<Pong>>(slots: 2);
        spec.AddIsolate<Flooder>(slots: 2);
        return new Deterministic(spec);
    }

    /// <summary>
    /// A watcher on <paramref name="watcherShard"/> watches 10 targets on shard 0, then waits on a call with its mailbox
    /// full of user mail (and, remotely, the ring from shard 0 full of user mail behind it); then every target exits.
    /// </summary>
    private static (Watcher Watcher, Handle Holder) WatchTenThenExitThemIntoAFullMailbox(Deterministic sim, int watcherShard)
    {
        for (int i = 0; i < 10; i++)
        {
            Targets.Add(sim.Spawn<Target>(0));
        }

        Handle watcher = sim.Spawn<Watcher>(watcherShard);
        Handle holder = sim.Spawn<Holder<Pong>>(watcherShard);
        Handle flooder = sim.Spawn<Flooder>(0);
        sim.Runtime.Send(watcher, new WatchAll());
        sim.RunUntilIdle();
        sim.Runtime.Send(watcher, new Hold(holder));
        sim.RunUntilIdle();

        // Fill the mailbox to its user capacity; remotely the flood then holds the ring from shard 0 full.
        sim.Runtime.Send(flooder, new Flood(watcher, watcherShard == 0 ? 4 : 64));
        sim.RunUntilIdle();

        foreach (Handle target in Targets)
        {
            sim.Runtime.Send(target, new Quit());
        }

        sim.RunUntilIdle();
        return (sim.Instance<Watcher>(watcher), holder);
    }

    [TestCase(0)]
    [TestCase(1)]
    public void Down_ToAWatcherWithAFullMailbox_WaitsAndIsDeliveredInOrder(int watcherShard)
    {
        using var sim = Create();
        (Watcher w, Handle holder) = WatchTenThenExitThemIntoAFullMailbox(sim, watcherShard);
        Assert.That(sim.Counter(watcherShard, ShardCounter.DownsQueued), Is.EqualTo(6), "4 fit the system headroom, 6 wait");

        sim.Runtime.Send(holder, new Ping(2)); // the holder answers: the watcher resumes and reads its mail
        sim.RunUntilIdle();

        var expected = new List<Down>();
        foreach (Handle target in Targets)
        {
            expected.Add(new Down(target, ExitOutcome.Ok, 0, WasStale: false));
        }

        Assert.Multiple(() =>
        {
            Assert.That(w.Downs, Is.EqualTo(expected), "every Down, in the order the targets exited");
            Assert.That(sim.Total(ShardCounter.DownsDropped), Is.Zero);
            Assert.That(w.Fillers, Is.GreaterThanOrEqualTo(4), "and the user mail");
        });
    }
}
