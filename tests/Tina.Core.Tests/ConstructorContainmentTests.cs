using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using Tina.Isolates;
using Tina.Tests.Support;
using Tina.Tests.Supervision;

namespace Tina.Tests;

/// <summary>
/// Nothing a user type does escapes the tick, not even outside its handler: a throwing constructor (the only user code
/// a spawn or a supervisor restart runs) fails that spawn with <see cref="SpawnStatus.ConstructorFailed"/>, leaves the
/// slot free and the live count right, and under supervision is charged as a restart.
/// </summary>
public sealed class ConstructorContainmentTests
{
    public readonly record struct SpawnLocal;

    public readonly record struct SpawnRemote(int Shard);

    public readonly record struct Hello;

    public readonly record struct Boom;

    /// <summary>Its constructor throws while <see cref="Failures"/> is positive (each construction uses one up).</summary>
    public sealed class Fragile : IIsolate
    {
        public static int Failures;
        public static int Greeted;

        public Fragile()
        {
            if (Failures > 0)
            {
                Failures--;
                throw new InvalidOperationException("fragile constructor");
            }
        }

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is<Boom>())
            {
                throw new InvalidOperationException("fragile handler");
            }

            if (message.Is<Hello>())
            {
                Greeted++;
            }

            return Effect.Receive;
        }
    }

    /// <summary>Spawns a <see cref="Fragile"/> here or on another shard on command and records the results.</summary>
    public sealed class Parent : IIsolate
    {
        public readonly List<SpawnResult> Local = new();
        public readonly List<SendResult> Remote = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is<SpawnLocal>())
            {
                Local.Add(ctx.Spawn<Fragile>());
            }
            else if (message.Is(out SpawnRemote remote))
            {
                Remote.Add(ctx.SpawnOn<Fragile, Hello>(remote.Shard, new Hello()));
            }

            return Effect.Receive;
        }
    }

    [SetUp]
    public void Reset()
    {
        Fragile.Failures = 0;
        Fragile.Greeted = 0;
    }

    private static Deterministic Create(int shards)
    {
        TinaSpec spec = Deterministic.Spec(shards);
        spec.AddIsolate<Fragile>(slots: 2);
        spec.AddIsolate<Parent>(slots: 2);
        return new Deterministic(spec);
    }

    private static IsolateTable FragileTable(Deterministic sim, int shard) =>
        sim.Shard(shard).TypeTable(sim.Runtime.TypeIndexOf(typeof(Fragile)));

    [Test]
    public void LocalSpawn_ConstructorThrows_ConstructorFailed_SlotFree_ParentUnharmed()
    {
        using Deterministic sim = Create(shards: 1);
        Handle parent = sim.Spawn<Parent>(0);
        Fragile.Failures = 1;
        sim.Runtime.Send(parent, new SpawnLocal());
        sim.RunUntilIdle();

        Assert.That(sim.IsAlive(parent), Is.True, "the spawning isolate is not the one that failed");
        Parent p = sim.Instance<Parent>(parent);
        IsolateTable table = FragileTable(sim, 0);
        Assert.Multiple(() =>
        {
            Assert.That(p.Local.Select(r => r.Status), Is.EqualTo(new[] { SpawnStatus.ConstructorFailed }));
            Assert.That(p.Local[0].Handle, Is.EqualTo(Handle.None));
            Assert.That(table.LiveCount, Is.Zero, "no half-spawned isolate is left live");
            Assert.That(table.CountFree(), Is.EqualTo(2), "the slot went back to the free list");
            Assert.That(sim.Counter(0, ShardCounter.SpawnFailures), Is.EqualTo(1));
            Assert.That(sim.Counter(0, ShardCounter.IsolatesPanicked), Is.EqualTo(1));
        });

        sim.Runtime.Send(parent, new SpawnLocal());
        sim.RunUntilIdle();
        Assert.That(p.Local[1].IsOk, Is.True, "the type spawns again once its constructor behaves");
        Assert.That(sim.IsAlive(p.Local[1].Handle), Is.True);
        Assert.That(table.LiveCount, Is.EqualTo(1));
    }

    [Test]
    public void RemoteSpawnOn_ConstructorThrows_TickSurvives_FailureCountedAndLogged()
    {
        using Deterministic sim = Create(shards: 2);
        Handle parent = sim.Spawn<Parent>(0);
        Fragile.Failures = 1;
        sim.Runtime.Send(parent, new SpawnRemote(1));
        Assert.DoesNotThrow(() => sim.RunUntilIdle(), "the constructor's exception must not escape the other shard's tick");

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Parent>(parent).Remote, Is.EqualTo(new[] { SendResult.Ok }), "the request was enqueued");
            Assert.That(sim.Counter(1, ShardCounter.SpawnFailures), Is.EqualTo(1));
            Assert.That(FragileTable(sim, 1).LiveCount, Is.Zero);
            Assert.That(FragileTable(sim, 1).CountFree(), Is.EqualTo(2));
            Assert.That(sim.Log.Snapshot().Any(r => r.Shard == 1 && r.Level == TinaLogLevel.Error), Is.True, "the failure is logged");
        });

        sim.Runtime.Send(parent, new SpawnRemote(1));
        sim.RunUntilIdle();
        Assert.That(Fragile.Greeted, Is.EqualTo(1), "the next remote spawn runs its start message");
        Assert.That(FragileTable(sim, 1).LiveCount, Is.EqualTo(1));
    }

    [Test]
    public void RuntimeSpawnBeforeStart_ConstructorThrows_ReturnsConstructorFailed()
    {
        using Deterministic sim = Create(shards: 1);
        Fragile.Failures = 1;
        SpawnResult result = default;
        Assert.DoesNotThrow(() => result = sim.Runtime.Spawn<Fragile>(0));
        Assert.That(result.Status, Is.EqualTo(SpawnStatus.ConstructorFailed));
        Assert.That(FragileTable(sim, 0).LiveCount, Is.Zero);

        SpawnResult next = sim.Runtime.Spawn<Fragile, Hello>(0, new Hello());
        Assert.That(next.IsOk, Is.True);
        Assert.That(next.Handle.Generation, Is.EqualTo(1u), "the failed spawn issued no handle, so no generation was used up");
        sim.RunUntilIdle();
        Assert.That(Fragile.Greeted, Is.EqualTo(1));
    }

    private static SupervisionHarness Supervised(int maxRestarts, int shardRebuildMax = 3)
    {
        var root = new SupervisorSpec("root") { MaxRestarts = maxRestarts, RestartWindow = TimeSpan.FromSeconds(10) };
        root.AddChild<Fragile>();
        var spec = new TinaSpec { ShardCount = 1, Supervision = root, ShardRebuildMax = shardRebuildMax };
        spec.AddIsolate<Fragile>(slots: 2);
        return new SupervisionHarness(spec);
    }

    [Test]
    public void SupervisedChild_ConstructorThrowsAtFirstStart_ChargedAsRestarts_ThenRuns()
    {
        Fragile.Failures = 2;
        using SupervisionHarness harness = Supervised(maxRestarts: 3);
        Assert.DoesNotThrow(() => harness.Run(2), "the first tick starts the tree: the constructor's throw must stay inside");

        Assert.Multiple(() =>
        {
            Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.EqualTo(2), "each failed construction is a restart");
            Assert.That(harness.Count(ShardCounter.SupervisorEscalations), Is.Zero);
            Assert.That(harness.Runtime.IsAlive(harness.Child("root", 0)), Is.True, "the third try runs");
        });
    }

    [Test]
    public void SupervisedChild_ConstructorAlwaysThrows_BudgetEscalates_ShardQuarantined_NothingEscapes()
    {
        Fragile.Failures = int.MaxValue;
        using SupervisionHarness harness = Supervised(maxRestarts: 1, shardRebuildMax: 1);
        Assert.DoesNotThrow(() => harness.Run(4));

        Assert.Multiple(() =>
        {
            Assert.That(harness.Count(ShardCounter.SupervisorEscalations), Is.EqualTo(2), "once per tree start: the first and the rebuilt one");
            Assert.That(harness.Count(ShardCounter.ShardRebuilds), Is.EqualTo(1));
            Assert.That(harness.Runtime.GetHealth(0), Is.EqualTo(ShardHealth.Quarantined));
            Assert.That(harness.Shard().LiveIsolates(), Is.Zero);
        });
    }

    [Test]
    public void SupervisorRestart_ConstructorThrows_ChargedAsARestart_RetriedWithinBudget()
    {
        using SupervisionHarness harness = Supervised(maxRestarts: 3);
        harness.Run(2);
        Handle first = harness.Child("root", 0);
        Fragile.Failures = 1;
        harness.Runtime.Send(first, new Boom());
        Assert.DoesNotThrow(() => harness.Run(4), "the restart runs in the exit path of the tick");

        Handle restarted = harness.Child("root", 0);
        Assert.Multiple(() =>
        {
            Assert.That(harness.Recorder.Exits, Is.EqualTo(new[] { (first, ExitOutcome.Panicked) }));
            Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.EqualTo(2), "the crash's restart, then the failed construction's retry");
            Assert.That(harness.Count(ShardCounter.SupervisorEscalations), Is.Zero);
            Assert.That(restarted, Is.Not.EqualTo(first));
            Assert.That(harness.Runtime.IsAlive(restarted), Is.True);
        });
    }

    [Test]
    public void SupervisedChild_StartHandlerAlwaysThrows_PanickedExits_BudgetEscalates()
    {
        var root = new SupervisorSpec("root") { MaxRestarts = 2, RestartWindow = TimeSpan.FromSeconds(10) };
        root.AddChild<Fragile, Boom>(new Boom());
        var spec = new TinaSpec { ShardCount = 1, Supervision = root, ShardRebuildMax = 10 };
        spec.AddIsolate<Fragile>(slots: 2);
        using var harness = new SupervisionHarness(spec);
        Assert.DoesNotThrow(() => harness.Run(4));

        Assert.Multiple(() =>
        {
            Assert.That(harness.Recorder.Exits.Take(3).Select(e => e.Outcome), Is.All.EqualTo(ExitOutcome.Panicked));
            Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.GreaterThanOrEqualTo(2));
            Assert.That(harness.Count(ShardCounter.SupervisorEscalations), Is.GreaterThanOrEqualTo(1), "the third panic in the window escalates");
        });
    }
}
