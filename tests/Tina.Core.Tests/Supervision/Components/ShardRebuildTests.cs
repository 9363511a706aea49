using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Supervision;

namespace Tina.Tests.Supervision.Components;

/// <summary><see cref="ShardRebuild"/> through its own API, with a scripted host in place of a shard.</summary>
public sealed class ShardRebuildTests
{
    private sealed class Host : ISupervisionHost
    {
        public ShardRebuild Rebuild { get; set; } = null!;

        public List<string> Events { get; } = new();

        public long NowNanoseconds { get; set; }

        public bool AcceptsNewWork => !Quarantined;

        public bool ShuttingDown => false;

        public bool Quarantined { get; private set; }

        public int TypeIndexOf(Type isolateType) => 0;

        public SpawnResult SpawnChild(int typeIndex, in Message start, bool hasStart, int node, int child, bool systemStart) =>
            throw new InvalidOperationException("a rebuild spawns nothing itself");

        public void Terminate(Handle isolate, ExitOutcome outcome, CallStatus failWith) => Events.Add("terminate");

        public void TerminateAll(ExitOutcome outcome, CallStatus failWith) =>
            Events.Add($"terminate all {failWith} in progress {Rebuild.InProgress}");

        public long CancelBudgetTicks(bool shutdown) => 0;

        public void BeginCancel(Handle isolate, int reason, bool shutdown, long budgetTicks) => Events.Add("cancel");

        public void MarkQuarantined()
        {
            Quarantined = true;
            Events.Add("quarantined");
        }

        public void DropRunQueues() => Events.Add("drop run queues");

        public void OnGroupExit(int node) => Events.Add("group exit");

        public void Log(TinaLogLevel level, string message, long argument0, TinaEvent kind) => Events.Add(kind.ToString());
    }

    private static (ShardRebuild Rebuild, Host Host, ShardCounters Counters) Create(int max, TimeSpan window)
    {
        var host = new Host();
        var counters = new ShardCounters();
        host.Rebuild = new ShardRebuild(host, new TinaSpec { ShardRebuildMax = max, ShardRebuildWindow = window }, counters);
        return (host.Rebuild, host, counters);
    }

    [Test]
    public void Nothing_happens_without_a_request_and_a_request_is_consumed_once()
    {
        var (rebuild, host, counters) = Create(3, TimeSpan.FromSeconds(30));
        Assert.That(rebuild.TryRebuild(), Is.False);
        Assert.That(host.Events, Is.Empty);

        rebuild.Request();
        Assert.That(rebuild.Requested, Is.True);
        Assert.That(rebuild.TryRebuild(), Is.True);
        Assert.That(rebuild.Requested, Is.False);
        Assert.That(rebuild.TryRebuild(), Is.False, "consumed");
        Assert.That(host.Events, Is.EqualTo(new[] { nameof(TinaEvent.ShardRebuilding), "terminate all NoReply in progress True" }));
        Assert.That(rebuild.InProgress, Is.False, "only during the tear-down");
        Assert.That(counters.Read(ShardCounter.ShardRebuilds), Is.EqualTo(1));
    }

    [Test]
    public void Rebuilds_over_budget_in_the_window_quarantine_and_the_window_slides()
    {
        var (rebuild, host, counters) = Create(1, TimeSpan.FromSeconds(30));
        rebuild.Request();
        Assert.That(rebuild.TryRebuild(), Is.True);

        host.NowNanoseconds = TimeSpan.FromSeconds(29).Ticks * 100;
        host.Events.Clear();
        rebuild.Request();
        Assert.That(rebuild.TryRebuild(), Is.False);

        Assert.That(host.Events, Is.EqualTo(new[]
        {
            nameof(TinaEvent.ShardQuarantined), "quarantined", "terminate all ShardUnavailable in progress True", "drop run queues",
        }));
        Assert.That(counters.Read(ShardCounter.ShardQuarantines), Is.EqualTo(1));

        var (slid, slidHost, _) = Create(1, TimeSpan.FromSeconds(30));
        slid.Request();
        slid.TryRebuild();
        slidHost.NowNanoseconds = TimeSpan.FromSeconds(30).Ticks * 100;
        slid.Request();
        Assert.That(slid.TryRebuild(), Is.True, "the first rebuild left the window");
        Assert.That(slidHost.Quarantined, Is.False);
    }
}
