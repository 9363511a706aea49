using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

public sealed class FairnessTests
{
    public readonly record struct Go;

    public readonly record struct Flood;

    public readonly record struct Poke;

    /// <summary>Always runnable: counts its runs and yields.</summary>
    public abstract class YieldCounter : IIsolate
    {
        public int Runs;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            Runs++;
            return Effect.Yield;
        }
    }

    public sealed class Yielder : YieldCounter
    {
    }

    public sealed class Light : YieldCounter
    {
    }

    public sealed class Heavy : YieldCounter
    {
    }

    /// <summary>On Flood, floods its own mailbox; on Poke, counts it.</summary>
    public sealed class Flooder : IIsolate
    {
        public int Floods;
        public int Pokes;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is<Flood>())
            {
                Floods++;
                ctx.Send(ctx.Self, new Flood());
                ctx.Send(ctx.Self, new Flood());
            }
            else if (message.Is<Poke>())
            {
                Pokes++;
            }

            return Effect.Receive;
        }
    }

    /// <summary>Counts the pokes it gets.</summary>
    public sealed class Victim : IIsolate
    {
        public int Pokes;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is<Poke>())
            {
                Pokes++;
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void Dispatch_300YieldingIsolatesOver10Ticks_Runs2560TimesAndEachIsolate8Or9Times()
    {
        TinaSpec spec = Deterministic.Spec(shards: 1);
        spec.DispatchQuantum = 256;
        spec.AddIsolate<Yielder>(slots: 300, budgetWeight: 1);
        using var sim = new Deterministic(spec);
        var isolates = new List<Handle>();
        for (int i = 0; i < 300; i++)
        {
            isolates.Add(sim.Spawn<Yielder, Go>(0, new Go()));
        }

        for (int tick = 0; tick < 10; tick++)
        {
            long before = sim.Counter(0, ShardCounter.MessagesHandled);
            sim.RunRound();
            Assert.That(sim.Counter(0, ShardCounter.MessagesHandled) - before, Is.EqualTo(256), $"tick {tick}");
        }

        int[] runs = isolates.Select(h => sim.Instance<Yielder>(h).Runs).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(runs.Sum(), Is.EqualTo(2560));
            Assert.That(runs, Is.All.InRange(8, 9));
            Assert.That(sim.Counter(0, ShardCounter.MessagesHandled), Is.EqualTo(2560));
        });
    }

    [Test]
    public void Dispatch_TwoAlwaysRunnableTypesWithWeights1And3_RunInRatio1To3EveryTick()
    {
        TinaSpec spec = Deterministic.Spec(shards: 1);
        spec.DispatchQuantum = 64;
        // A yielder runs at most once per tick (it resumes on the next one), so each type has more always-runnable
        // isolates than its budget: the budget, not the population, bounds its runs.
        spec.AddIsolate<Light>(slots: 128, budgetWeight: 1);
        spec.AddIsolate<Heavy>(slots: 256, budgetWeight: 3);
        using var sim = new Deterministic(spec);
        var light = new List<Handle>();
        var heavy = new List<Handle>();
        for (int i = 0; i < 100; i++)
        {
            light.Add(sim.Spawn<Light, Go>(0, new Go()));
        }

        for (int i = 0; i < 250; i++)
        {
            heavy.Add(sim.Spawn<Heavy, Go>(0, new Go()));
        }

        int lightBefore = 0;
        int heavyBefore = 0;
        for (int tick = 0; tick < 10; tick++)
        {
            sim.RunRound();
            int lightRuns = light.Sum(h => sim.Instance<Light>(h).Runs);
            int heavyRuns = heavy.Sum(h => sim.Instance<Heavy>(h).Runs);
            Assert.Multiple(() =>
            {
                Assert.That(lightRuns - lightBefore, Is.EqualTo(64), $"tick {tick}: weight 1 × quantum 64");
                Assert.That(heavyRuns - heavyBefore, Is.EqualTo(192), $"tick {tick}: weight 3 × quantum 64");
            });
            lightBefore = lightRuns;
            heavyBefore = heavyRuns;
        }

        // Within each type the budget is shared round-robin.
        Assert.Multiple(() =>
        {
            // 640 runs over 100 light isolates and 1,920 over 250 heavy ones: no isolate more than one run apart.
            Assert.That(light.Select(h => sim.Instance<Light>(h).Runs), Is.All.InRange(6, 7));
            Assert.That(heavy.Select(h => sim.Instance<Heavy>(h).Runs), Is.All.InRange(7, 8));
        });
    }

    [Test]
    public void Dispatch_FloodingIsolate_StarvesNeitherAnotherTypeNorItsOwnSibling()
    {
        TinaSpec spec = Deterministic.Spec(shards: 1);
        spec.DispatchQuantum = 16;
        spec.AddIsolate<Flooder>(slots: 4, mailboxCapacity: 64);
        spec.AddIsolate<Victim>(slots: 4);
        using var sim = new Deterministic(spec);
        Handle flooder = sim.Spawn<Flooder, Flood>(0, new Flood());
        Handle sibling = sim.Spawn<Flooder>(0);
        Handle victim = sim.Spawn<Victim>(0);
        sim.RunRounds(5); // let the flood fill the mailbox
        Assert.That(sim.Counter(0, ShardCounter.SendMailboxFull), Is.GreaterThan(0), "setup: the flooder saturates its mailbox");

        for (int tick = 0; tick < 20; tick++)
        {
            int floods = sim.Instance<Flooder>(flooder).Floods;
            sim.Runtime.Send(victim, new Poke());
            sim.Runtime.Send(sibling, new Poke());
            sim.RunRound();
            Assert.Multiple(() =>
            {
                Assert.That(sim.Instance<Victim>(victim).Pokes, Is.EqualTo(tick + 1), $"tick {tick}: the other type ran");
                Assert.That(sim.Instance<Flooder>(sibling).Pokes, Is.EqualTo(tick + 1), $"tick {tick}: the sibling ran");
                Assert.That(sim.Instance<Flooder>(flooder).Floods - floods, Is.EqualTo(15), $"tick {tick}: the flooder got the rest of its type's budget");
            });
        }
    }
}
