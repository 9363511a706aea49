using System;
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

        // Read through the public surface (counters, IsAlive); only the staging (BeginShutdownPhase, RunRounds on a
        // manual clock) is internal, because a phase raised before the first tick cannot be timed on real threads.
        AssertClean(sim.Runtime, sim.Log); // IsolatesForced == 0 among them
        Assert.Multiple(() =>
        {
            Assert.That(sim.Runtime.IsAlive(root), Is.False, "the root ended");
            Assert.That(sim.Total(ShardCounter.IsolatesSpawned), Is.EqualTo(1), "the tree was never started: the root is the only isolate");
            Assert.That(sim.Total(ShardCounter.IsolatesExitedOk), Is.EqualTo(1), "the root drained on its own");
        });
    }

    /// <summary>
    /// Real shard threads, Start then Shutdown at once, a fixed number of times: every run ends clean. No wall-clock
    /// bound on the loop or the test (the project's tests assert behaviour, not speed): a run that hangs is caught by
    /// the shutdown's own timeout, after which the report says the threads did not join (asserted below), and
    /// Stop/Dispose join with their own bound; nothing here depends on how fast the machine is.
    /// </summary>
    [Test]
    public void StartThenShutdownAtOnce_RealThreads_EndsCleanEveryTime()
    {
        const int Trials = 200;
        for (int run = 0; run < Trials; run++)
        {
            TinaSpec spec = Spec();
            var log = new ListLogSink();
            spec.LogSink = log;
            using TinaRuntime runtime = TinaRuntime.Create(spec);
            Handle root = runtime.Spawn<Child>(run % 2).Handle;
            runtime.Start();
            ShutdownReport report = runtime.Shutdown(TimeSpan.FromSeconds(5));

            long spawned = runtime.Total(ShardCounter.IsolatesSpawned);
            Assert.Multiple(() =>
            {
                Assert.That(report.ThreadsJoined, Is.True, $"trial {run}: every shard thread joined");
                Assert.That(report.IsolatesForced, Is.Zero, $"trial {run}");
                Assert.That(report.MessagesDropped, Is.Zero, $"trial {run}");
                Assert.That(report.IsolatesDrained, Is.EqualTo(spawned), $"trial {run}: every isolate spawned (the root and any tree children) drained on its own");
                Assert.That(runtime.IsAlive(root), Is.False, $"trial {run}: the root ended");
            });
            AssertClean(runtime, log);
        }
    }
}
