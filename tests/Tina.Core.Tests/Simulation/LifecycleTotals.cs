using System.Globalization;
using NUnit.Framework;
using Tina.Simulation;
using Tina.Simulation.Workloads;

namespace Tina.Tests.Simulation;

/// <summary>
/// What the lifecycle workloads did across a sweep (sometimes-coverage, D9): the runtime's supervision, cancellation,
/// watch and buffer counters, the workload's own tallies and the checkers' coverage counters, summed over the runs.
/// </summary>
internal sealed class LifecycleTotals
{
    private readonly LifecycleWorld _world = new();

    public int Runs { get; private set; }

    public long Restarts { get; private set; }

    public long Escalations { get; private set; }

    public long Rebuilds { get; private set; }

    public long Quarantines { get; private set; }

    public long Cancelled { get; private set; }

    public long Forced { get; private set; }

    public long DownsSent { get; private set; }

    public long BuffersReclaimed { get; private set; }

    public long WatchesDeclared { get; private set; }

    public long DownsMatched { get; private set; }

    public long DownsToleratedLost { get; private set; }

    public long BuffersToleratedLeaked { get; private set; }

    public long TimersReported { get; private set; }

    public void Add(LifecycleWorld world, Simulator simulator)
    {
        TinaRuntime runtime = simulator.Runtime;
        Runs++;
        _world.Add(world);
        Restarts += runtime.Total(ShardCounter.SupervisorRestarts);
        Escalations += runtime.Total(ShardCounter.SupervisorEscalations);
        Rebuilds += runtime.Total(ShardCounter.ShardRebuilds);
        Quarantines += runtime.Total(ShardCounter.ShardQuarantines);
        Cancelled += runtime.Total(ShardCounter.IsolatesCancelled);
        Forced += runtime.Total(ShardCounter.IsolatesForced);
        DownsSent += runtime.Total(ShardCounter.DownsSent);
        BuffersReclaimed += runtime.Total(ShardCounter.BuffersReclaimed);
        WatchesDeclared += simulator.Watches.WatchesDeclared;
        DownsMatched += simulator.Watches.DownsMatched;
        DownsToleratedLost += simulator.Watches.DownsToleratedLost;
        BuffersToleratedLeaked += simulator.Leaks.BuffersToleratedLeaked;
        TimersReported += simulator.TimerLedger.Reported;
    }

    /// <summary>Each behaviour the workload exists for happened somewhere in the sweep.</summary>
    public void AssertCoverage(string workload)
    {
        Assert.Multiple(() =>
        {
            Assert.That(WatchesDeclared, Is.Positive, "no watch was set");
            Assert.That(DownsMatched, Is.Positive, "no Down answered a watch");
            Assert.That(TimersReported, Is.Positive, "no timer was reported (the timer checker ran inexact)");
            Assert.That(_world.BuffersReceivedRemote, Is.Positive, "no buffer crossed shards");
            Assert.That(_world.FloodRefused, Is.Positive, "no flood filled a mailbox");
            switch (workload)
            {
                case "supervision":
                    Assert.That(Restarts, Is.Positive, "no supervisor restart");
                    Assert.That(Escalations, Is.Positive, "no escalation");
                    Assert.That(Rebuilds, Is.Positive, "no shard rebuild");
                    Assert.That(Quarantines, Is.Positive, "no shard quarantine");
                    break;
                case "lifecycle":
                    Assert.That(_world.CancelsIssued, Is.Positive, "no cancel");
                    Assert.That(_world.GroupCancels, Is.Positive, "no group cancel (cascade)");
                    Assert.That(Cancelled, Is.Positive, "no isolate ended Cancelled");
                    Assert.That(_world.Notices, Is.Positive, "no cancel notice handled");
                    if (!LifecyclePeer.KnownDefect_TimerWheelFiringCancelsNext)
                    {
                        Assert.That(Forced, Is.Positive, "no isolate was forced by its drain deadline");
                    }

                    break;
                default:
                    Assert.That(_world.Notices, Is.Positive, "no shutdown notice handled");
                    Assert.That(_world.CallsShuttingDown, Is.Positive, "no call ended ShuttingDown");
                    Assert.That(Forced, Is.Positive, "no isolate was forced at shutdown phase 3");
                    break;
            }
        });
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"lifecycle: {Runs} runs; restarts {Restarts}, escalations {Escalations}, rebuilds {Rebuilds}, quarantines {Quarantines}, cancelled {Cancelled}, forced {Forced}, downs sent {DownsSent} matched {DownsMatched} of {WatchesDeclared} watches, buffers reclaimed {BuffersReclaimed}, timers reported {TimersReported}; known defects tolerated: lost Downs {DownsToleratedLost}, leaked buffers {BuffersToleratedLeaked}; {_world}");
}
