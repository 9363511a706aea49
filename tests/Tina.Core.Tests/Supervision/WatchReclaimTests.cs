using System.Collections.Generic;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests.Supervision;

/// <summary>
/// Watch entries come back: when a watcher exits (local ones at once, remote ones swept when the table is full), on
/// Unwatch, and a self-watch neither leaks a pool slot nor is kept. A watch the target's shard cannot record is
/// reported to the watcher.
/// </summary>
public sealed class WatchReclaimTests
{
    public readonly record struct WatchIt(Handle Target);

    public readonly record struct UnwatchIt(Handle Target);

    public readonly record struct WatchSelfAndQuit;

    public readonly record struct Quit;

    /// <summary>Watches, unwatches and quits on command; records results and Downs.</summary>
    public sealed class Watcher : IIsolate
    {
        public readonly List<bool> Watches = new();
        public readonly List<bool> Unwatches = new();
        public readonly List<Down> Downs = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out WatchIt watch))
            {
                Watches.Add(ctx.Watch(watch.Target));
            }
            else if (message.Is(out UnwatchIt unwatch))
            {
                Unwatches.Add(ctx.Unwatch(unwatch.Target));
            }
            else if (message.Is<WatchSelfAndQuit>())
            {
                Watches.Add(ctx.Watch(ctx.Self));
                return Effect.Done;
            }
            else if (message.Is<Quit>())
            {
                return Effect.Done;
            }
            else if (message.Kind == MessageKind.Down && message.Is(out Down down))
            {
                Downs.Add(down);
            }

            return Effect.Receive;
        }
    }

    private static Deterministic Create(int shards, int watchCapacity)
    {
        TinaSpec spec = Deterministic.Spec(shards);
        spec.WatchCapacity = watchCapacity;
        spec.AddIsolate<Watcher>(slots: 8);
        return new Deterministic(spec);
    }

    private static int WatchesInUse(Deterministic sim, int shard) => sim.Shard(shard).WatchesInUse;

    [Test]
    public void SelfWatch_IsRefused_AndSpawnWatchSelfExitCycles_LeakNoPoolSlot()
    {
        using Deterministic sim = Create(shards: 1, watchCapacity: 4);
        int free = sim.Shard(0).Pool.FreeCount;
        var results = new List<bool>();
        for (int i = 0; i < 50; i++)
        {
            Handle self = sim.Spawn<Watcher>(0);
            Watcher instance = sim.Instance<Watcher>(self);
            sim.Runtime.Send(self, new WatchSelfAndQuit());
            sim.RunUntilIdle();
            results.AddRange(instance.Watches);
            Assert.That(sim.IsAlive(self), Is.False);
        }

        Assert.Multiple(() =>
        {
            Assert.That(results, Has.Count.EqualTo(50).And.All.False, "an isolate cannot watch itself");
            Assert.That(sim.Shard(0).Pool.FreeCount, Is.EqualTo(free), "no pool slot is left behind in a freed slot's mailbox");
            Assert.That(WatchesInUse(sim, 0), Is.Zero);
        });
    }

    [Test]
    public void LocalWatcherExits_ItsEntriesAreReclaimed_ShortLivedWatchersNeverExhaustTheTable()
    {
        using Deterministic sim = Create(shards: 1, watchCapacity: 4);
        Handle target = sim.Spawn<Watcher>(0);
        var results = new List<bool>();
        for (int i = 0; i < 20; i++)
        {
            Handle watcher = sim.Spawn<Watcher>(0);
            Watcher instance = sim.Instance<Watcher>(watcher);
            sim.Runtime.Send(watcher, new WatchIt(target));
            sim.Runtime.Send(watcher, new Quit());
            sim.RunUntilIdle();
            results.AddRange(instance.Watches);
        }

        Assert.That(results, Has.Count.EqualTo(20).And.All.True, "every watch was recorded: the dead watchers' entries came back");
        Assert.That(WatchesInUse(sim, 0), Is.Zero);
        Assert.That(sim.Counter(0, ShardCounter.WatchesExhausted), Is.Zero);

        Handle last = sim.Spawn<Watcher>(0);
        sim.Runtime.Send(last, new WatchIt(target));
        sim.Runtime.Send(target, new Quit());
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Watcher>(last).Downs, Is.EqualTo(new[] { new Down(target, ExitOutcome.Ok, 0, WasStale: false) }));
    }

    [Test]
    public void Unwatch_Local_RemovesEveryWatchOnTheTarget_NoDownAfterwards()
    {
        using Deterministic sim = Create(shards: 1, watchCapacity: 4);
        Handle target = sim.Spawn<Watcher>(0);
        Handle other = sim.Spawn<Watcher>(0);
        Handle watcher = sim.Spawn<Watcher>(0);
        sim.Runtime.Send(watcher, new WatchIt(target));
        sim.Runtime.Send(watcher, new WatchIt(target));
        sim.Runtime.Send(watcher, new WatchIt(other));
        sim.Runtime.Send(watcher, new UnwatchIt(target));
        sim.Runtime.Send(watcher, new UnwatchIt(target));
        sim.RunUntilIdle();
        Assert.That(WatchesInUse(sim, 0), Is.EqualTo(1), "only the watch on the other isolate is left");

        sim.Runtime.Send(target, new Quit());
        sim.Runtime.Send(other, new Quit());
        sim.RunUntilIdle();
        Watcher w = sim.Instance<Watcher>(watcher);
        Assert.Multiple(() =>
        {
            Assert.That(w.Unwatches, Is.EqualTo(new[] { true, false }), "true when there was a watch to remove");
            Assert.That(w.Downs, Is.EqualTo(new[] { new Down(other, ExitOutcome.Ok, 0, WasStale: false) }), "no Down for the unwatched target");
            Assert.That(WatchesInUse(sim, 0), Is.Zero);
        });
    }

    [Test]
    public void Unwatch_Remote_RemovesTheEntryOnTheTargetsShard()
    {
        using Deterministic sim = Create(shards: 2, watchCapacity: 4);
        Handle target = sim.Spawn<Watcher>(1);
        Handle watcher = sim.Spawn<Watcher>(0);
        sim.Runtime.Send(watcher, new WatchIt(target));
        sim.RunUntilIdle();
        Assert.That(WatchesInUse(sim, 1), Is.EqualTo(1));

        sim.Runtime.Send(watcher, new UnwatchIt(target));
        sim.RunUntilIdle();
        Assert.That(WatchesInUse(sim, 1), Is.Zero);
        sim.Runtime.Send(target, new Quit());
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Watcher>(watcher).Unwatches, Is.EqualTo(new[] { true }));
        Assert.That(sim.Instance<Watcher>(watcher).Downs, Is.Empty);
    }

    [Test]
    public void RemoteWatchersExit_TableFullOfDeadWatchers_StillAcceptsALiveOne()
    {
        using Deterministic sim = Create(shards: 2, watchCapacity: 4);
        Handle target = sim.Spawn<Watcher>(1);
        for (int i = 0; i < 20; i++)
        {
            Handle watcher = sim.Spawn<Watcher>(0);
            sim.Runtime.Send(watcher, new WatchIt(target));
            sim.RunUntilIdle();
            sim.Runtime.Send(watcher, new Quit());
            sim.RunUntilIdle();
        }

        Handle live = sim.Spawn<Watcher>(0);
        sim.Runtime.Send(live, new WatchIt(target));
        sim.RunUntilIdle();
        sim.Runtime.Send(target, new Quit());
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Counter(1, ShardCounter.WatchesExhausted), Is.Zero, "dead remote watchers were swept, not counted against the live one");
            Assert.That(sim.Instance<Watcher>(live).Downs, Is.EqualTo(new[] { new Down(target, ExitOutcome.Ok, 0, WasStale: false) }));
            Assert.That(WatchesInUse(sim, 1), Is.Zero);
        });
    }

    [Test]
    public void RemoteWatch_TargetShardTableFull_WatcherGetsARefusedDown_LocalWatchReturnsFalse()
    {
        using Deterministic sim = Create(shards: 2, watchCapacity: 2);
        Handle target = sim.Spawn<Watcher>(1);
        Handle first = sim.Spawn<Watcher>(0);
        Handle second = sim.Spawn<Watcher>(0);
        Handle third = sim.Spawn<Watcher>(0);
        Handle local = sim.Spawn<Watcher>(1);
        sim.Runtime.Send(first, new WatchIt(target));
        sim.Runtime.Send(second, new WatchIt(target));
        sim.RunUntilIdle();
        sim.Runtime.Send(third, new WatchIt(target));
        sim.Runtime.Send(local, new WatchIt(target));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Watcher>(third).Watches, Is.EqualTo(new[] { true }), "the request was sent");
            Assert.That(
                sim.Instance<Watcher>(third).Downs,
                Is.EqualTo(new[] { new Down(target, ExitOutcome.Cancelled, 0, WasStale: false) { Refused = true } }),
                "the watcher learns its watch was not recorded");
            Assert.That(sim.Instance<Watcher>(local).Watches, Is.EqualTo(new[] { false }), "a local watch is refused by its result");
            Assert.That(sim.IsAlive(target), Is.True, "a refused watch says nothing about the target");
            Assert.That(sim.Counter(1, ShardCounter.WatchesExhausted), Is.EqualTo(2));
        });
    }
}
