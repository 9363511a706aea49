using System;
using NUnit.Framework;

namespace Tina.Tests.Supervision;

/// <summary>Restart intensity is a sliding window, counted as OTP counts it, and exhaustion escalates.</summary>
public sealed class RestartBudgetTests
{
    private static SupervisionHarness Build(int maxRestarts, TimeSpan window)
    {
        var root = new SupervisorSpec("root") { MaxRestarts = maxRestarts, RestartWindow = window };
        root.AddChild<Child>();
        var spec = new TinaSpec { ShardCount = 1, Supervision = root, ShardRebuildMax = 10 };
        spec.AddIsolate<Child>(slots: 4);
        var harness = new SupervisionHarness(spec);
        harness.Run(2);
        return harness;
    }

    private static void CrashAt(SupervisionHarness harness, TimeSpan at)
    {
        harness.Clock.NowNanoseconds = at.Ticks * 100;
        harness.Runtime.Send(harness.Child("root", 0), new ExitWith(1));
        harness.Run(3);
    }

    [Test]
    public void Window_RestartsStraddlingAnEdge_AreCountedInTheSlidingWindow()
    {
        // 3 restarts per 1 s. Crashes at 0.0, 0.5, 0.9 are restarted. At 1.05 the window (0.05, 1.05] holds 0.5 and 0.9:
        // a third restart is allowed. At 1.1 the window (0.1, 1.1] holds 0.5, 0.9 and 1.05: the budget is spent.
        // A tumbling window ([0,1), [1,2)) would have allowed 1.1 as only its second restart.
        using SupervisionHarness harness = Build(3, TimeSpan.FromSeconds(1));
        CrashAt(harness, TimeSpan.FromMilliseconds(0));
        CrashAt(harness, TimeSpan.FromMilliseconds(500));
        CrashAt(harness, TimeSpan.FromMilliseconds(900));
        Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.EqualTo(3));
        CrashAt(harness, TimeSpan.FromMilliseconds(1050));
        Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.EqualTo(4));
        Assert.That(harness.Count(ShardCounter.SupervisorEscalations), Is.Zero);

        CrashAt(harness, TimeSpan.FromMilliseconds(1100));
        Assert.That(harness.Count(ShardCounter.SupervisorEscalations), Is.EqualTo(1), "the fourth restart inside one window escalates");
        Assert.That(harness.Count(ShardCounter.ShardRebuilds), Is.EqualTo(1), "the root's escalation rebuilds the shard");
        Assert.That(harness.Child("root", 0), Is.Not.EqualTo(Handle.None), "the rebuilt tree is running again");
    }

    [Test]
    public void Window_OldRestartsAgeOut()
    {
        using SupervisionHarness harness = Build(2, TimeSpan.FromSeconds(1));
        for (int i = 0; i < 10; i++)
        {
            CrashAt(harness, TimeSpan.FromMilliseconds(600 * i));
        }

        Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.EqualTo(10));
        Assert.That(harness.Count(ShardCounter.SupervisorEscalations), Is.Zero, "one restart per 0.6 s never has more than 2 in a 1 s window");
    }

    [Test]
    public void IntensityZero_EscalatesOnTheFirstExitThatNeedsARestart()
    {
        using SupervisionHarness harness = Build(0, TimeSpan.FromSeconds(5));
        CrashAt(harness, TimeSpan.FromMilliseconds(10));
        Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.Zero);
        Assert.That(harness.Count(ShardCounter.SupervisorEscalations), Is.EqualTo(1));
    }

    [Test]
    public void ChildThatNeverStarts_EveryTryCounts_GroupLeftNotHalfStarted_ThenRebuildThenQuarantine()
    {
        // The leaf's second child can never start (its type has one slot, taken by the first child). Each start attempt
        // counts against the leaf's budget (2): three tries, then the leaf escalates and tears down the first child
        // too, so no half-started group is left. The root (budget 0) escalates: the shard is rebuilt once
        // (ShardRebuildMax 1), fails the same way, and is quarantined.
        var leaf = new SupervisorSpec("leaf") { MaxRestarts = 2, RestartWindow = TimeSpan.FromSeconds(10) };
        leaf.AddChild<Child>().AddChild<Child>();
        var root = new SupervisorSpec("root") { MaxRestarts = 0 };
        root.AddGroup(leaf);
        var spec = new TinaSpec { ShardCount = 1, Supervision = root, ShardRebuildMax = 1 };
        spec.AddIsolate<Child>(slots: 1);
        using var harness = new SupervisionHarness(spec);
        harness.Run(4);

        Assert.That(harness.Count(ShardCounter.SpawnFailures), Is.EqualTo(6), "three tries at boot, three after the rebuild");
        Assert.That(harness.Count(ShardCounter.SupervisorEscalations), Is.EqualTo(4), "leaf and root, twice");
        Assert.That(harness.Count(ShardCounter.ShardRebuilds), Is.EqualTo(1));
        Assert.That(harness.Count(ShardCounter.ShardQuarantines), Is.EqualTo(1));
        Assert.That(harness.Shard().LiveIsolates(), Is.Zero, "the first child did not survive its group's failure");
        Assert.That(harness.Runtime.GetHealth(0), Is.EqualTo(ShardHealth.Quarantined));
    }
}
