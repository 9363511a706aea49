using System;
using System.Diagnostics;
using System.Linq;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests.Supervision;

/// <summary>
/// A shutdown that reaches a shard before its first tick (Start immediately followed by Shutdown) ends cleanly: the
/// supervision tree is not started into a shard that no longer admits work, so nothing is refused, charged as a
/// restart, escalated, rebuilt or quarantined, and nothing is logged as an error.
/// </summary>
public sealed class ShutdownBeforeFirstTickTests
{
    private static TinaSpec Spec()
    {
        var leaf = new SupervisorSpec("leaf") { MaxRestarts = 1 };
        leaf.AddChild<Child>();
        var root = new SupervisorSpec("root") { MaxRestarts = 0 };
        root.AddChild<Child>().AddGroup(leaf);
        var spec = new TinaSpec
        {
            ShardCount = 2,
            PinThreads = false,
            Supervision = root,
            ShardRebuildMax = 1,
            WatchdogInterval = TimeSpan.Zero,
        };
        spec.AddIsolate<Child>(slots: 8);
        return spec;
    }

    private static void AssertClean(TinaRuntime runtime, ListLogSink log)
    {
        Assert.Multiple(() =>
        {
            Assert.That(runtime.Total(ShardCounter.SupervisorRestarts), Is.Zero, "no refused start is charged as a restart");
            Assert.That(runtime.Total(ShardCounter.SupervisorEscalations), Is.Zero);
            Assert.That(runtime.Total(ShardCounter.ShardRebuilds), Is.Zero);
            Assert.That(runtime.Total(ShardCounter.ShardQuarantines), Is.Zero);
            Assert.That(runtime.Total(ShardCounter.SpawnFailures), Is.Zero);
            Assert.That(runtime.Total(ShardCounter.IsolatesForced), Is.Zero);
            Assert.That(log.Snapshot().Where(r => r.Level >= TinaLogLevel.Error).Select(r => r.ToString()), Is.Empty);
            for (int shard = 0; shard < runtime.ShardCount; shard++)
            {
                Assert.That(runtime.GetHealth(shard), Is.Not.EqualTo(ShardHealth.Quarantined), $"shard {shard}");
            }
        });
    }

    [Test]
    public void ShutdownPhaseSetBeforeTheFirstTick_TreeNotStarted_RootsDrain_NoEscalation()
    {
        TinaSpec spec = Spec();
        using var sim = new Deterministic(spec);
        Handle root = sim.Spawn<Child>(0); // a boot-time root: it gets its notice and drains
        sim.Runtime.BeginShutdownPhase(1, TimeSpan.FromSeconds(5));
        sim.RunRounds(8);
        sim.Runtime.BeginShutdownPhase(3, TimeSpan.Zero);
        sim.RunRounds(2);

        AssertClean(sim.Runtime, sim.Log);
        Assert.That(sim.IsAlive(root), Is.False);
        Assert.That(sim.Shard(0).ShutdownDrained, Is.EqualTo(1), "the root drained on its own");
        Assert.That(sim.Shard(0).ShutdownForced + sim.Shard(1).ShutdownForced, Is.Zero);
        Assert.That(sim.Shard(0).LiveIsolates() + sim.Shard(1).LiveIsolates(), Is.Zero);
    }

    [Test]
    public void StartThenShutdownAtOnce_RealThreads_EndsCleanEveryTime()
    {
        const int Trials = 200;
        var budget = Stopwatch.StartNew();
        int run = 0;
        while (run < Trials && budget.Elapsed < TimeSpan.FromSeconds(90))
        {
            TinaSpec spec = Spec();
            var log = new ListLogSink();
            spec.LogSink = log;
            using TinaRuntime runtime = TinaRuntime.Create(spec);
            runtime.Spawn<Child>(run % 2);
            runtime.Start();
            ShutdownReport report = runtime.Shutdown(TimeSpan.FromSeconds(5));

            Assert.That(report.ThreadsJoined, Is.True, $"trial {run}");
            Assert.That(report.IsolatesForced, Is.Zero, $"trial {run}");
            Assert.That(report.MessagesDropped, Is.Zero, $"trial {run}");
            AssertClean(runtime, log);
            run++;
        }

        Assert.That(run, Is.GreaterThanOrEqualTo(20), "enough trials ran inside the time bound to mean something");
    }
}
