using System.Collections.Generic;
using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Scheduling;
using Tina.Supervision;

namespace Tina.Tests.Supervision.Components;

/// <summary><see cref="ShutdownSequence"/> through its own API, with a scripted host in place of a shard.</summary>
public sealed class ShutdownSequenceTests
{
    private sealed class Host : IShutdownHost
    {
        public int Live { get; set; }

        public List<string> Calls { get; } = new();

        /// <summary>Set by a test: exits the host reports from inside the notices (an isolate that leaves at once).</summary>
        public ShutdownSequence? ExitDuringNotice { get; set; }

        public int RemainingToTerminate { get; set; }

        public void NoticeAll(long budgetTicks)
        {
            Calls.Add("notice " + budgetTicks);
            if (ExitDuringNotice is not null)
            {
                Calls.Add("exit counted " + ExitDuringNotice.CountExit());
            }
        }

        public int TerminateRemaining()
        {
            Calls.Add("terminate");
            return RemainingToTerminate;
        }

        public int LiveIsolates() => Live;
    }

    [Test]
    public void Phase_one_enters_draining_before_the_notices_and_publishes_the_live_count_after()
    {
        var counters = new ShardCounters();
        var sequence = new ShutdownSequence(counters);
        var host = new Host { Live = 3 };
        host.ExitDuringNotice = sequence;
        Assert.That(sequence.PublishedLive, Is.EqualTo(-1), "nothing is published before the first advance");

        sequence.Advance(1, budgetTicks: 7, host);

        Assert.That(host.Calls, Is.EqualTo(new[] { "notice 7", "exit counted True" }), "an exit during the notices is already a drain");
        Assert.That(sequence.Stage, Is.EqualTo(ShutdownStage.Draining));
        Assert.That(sequence.BudgetTicks, Is.EqualTo(7));
        Assert.That(sequence.PublishedStage, Is.EqualTo(ShutdownStage.Draining));
        Assert.That(sequence.PublishedLive, Is.EqualTo(3));
        Assert.That(sequence.Drained, Is.EqualTo(1));

        sequence.Advance(2, budgetTicks: 99, host);
        Assert.That(host.Calls, Has.Count.EqualTo(2), "phase 1 is applied once");
        Assert.That(sequence.BudgetTicks, Is.EqualTo(7), "the budget is the one given with the notices");
    }

    [Test]
    public void Phase_three_terminates_the_rest_as_forced_and_is_done()
    {
        var counters = new ShardCounters();
        var sequence = new ShutdownSequence(counters);
        var host = new Host { Live = 2, RemainingToTerminate = 2 };
        sequence.Advance(1, 5, host);
        host.Live = 0;

        sequence.Advance(3, 5, host);

        Assert.That(host.Calls, Is.EqualTo(new[] { "notice 5", "terminate" }));
        Assert.That(sequence.Stage, Is.EqualTo(ShutdownStage.Done));
        Assert.That(sequence.PublishedStage, Is.EqualTo(ShutdownStage.Done));
        Assert.That(sequence.PublishedLive, Is.Zero);
        Assert.That(counters.Read(ShardCounter.IsolatesForced), Is.EqualTo(2));
        sequence.Advance(3, 5, host);
        Assert.That(host.Calls, Has.Count.EqualTo(2), "Done is final");
    }

    [Test]
    public void Straight_to_phase_three_gives_the_notices_then_terminates()
    {
        var sequence = new ShutdownSequence(new ShardCounters());
        var host = new Host();
        sequence.Advance(3, 1, host);
        Assert.That(host.Calls, Is.EqualTo(new[] { "notice 1", "terminate" }));
        Assert.That(sequence.Stage, Is.EqualTo(ShutdownStage.Done));
    }

    [Test]
    public void Exits_are_counted_only_while_draining_and_a_forcing_scope_counts_them_forced()
    {
        var sequence = new ShutdownSequence(new ShardCounters());
        var host = new Host();
        Assert.That(sequence.CountExit(), Is.False, "not shutting down: nothing counted");

        sequence.Advance(1, 1, host);
        Assert.That(sequence.CountExit(), Is.True);
        bool outer = sequence.BeginForcing();
        bool inner = sequence.BeginForcing();
        Assert.That(sequence.CountExit(), Is.True);
        sequence.EndForcing(inner);
        Assert.That(sequence.CountExit(), Is.True, "the inner scope restores the outer one, still forcing");
        sequence.EndForcing(outer);
        Assert.That(sequence.CountExit(), Is.True);
        Assert.That(sequence.CountExit(), Is.True);
        Assert.That((sequence.Drained, sequence.Forced), Is.EqualTo((3L, 2L)));

        sequence.Advance(3, 1, host);
        Assert.That(sequence.CountExit(), Is.False, "after Done nothing is counted");
        Assert.That((sequence.Drained, sequence.Forced), Is.EqualTo((3L, 2L)));
    }

    [Test]
    public void Pending_work_is_an_unapplied_phase_or_a_live_count_that_moved_while_draining()
    {
        var sequence = new ShutdownSequence(new ShardCounters());
        var host = new Host { Live = 4 };
        Assert.That(sequence.HasPendingWork(0, host), Is.False);
        Assert.That(sequence.HasPendingWork(1, host), Is.True, "phase 1 not applied");

        sequence.Advance(1, 1, host);
        Assert.That(sequence.HasPendingWork(1, host), Is.False, "published count is current");
        host.Live = 3;
        Assert.That(sequence.HasPendingWork(1, host), Is.True, "an isolate left since the publish");
        sequence.Advance(1, 1, host);
        Assert.That(sequence.HasPendingWork(2, host), Is.False);
        Assert.That(sequence.HasPendingWork(3, host), Is.True, "phase 3 not applied");

        sequence.Advance(3, 1, host);
        host.Live = 9;
        Assert.That(sequence.HasPendingWork(3, host), Is.False, "Done: nothing left to apply or publish");
    }
}
