using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Isolates;
using Tina.Scheduling;
using Tina.Tests.Support;
using Tina.Timers;

namespace Tina.Tests.Shards;

/// <summary>
/// The call ledger through its own API, on a real isolate table of an unstarted runtime: correlations skip 0 when
/// they wrap, an outcome is accepted only while the caller waits on its correlation (and counted once), a timeout
/// ends only the call it was armed for, and the owed list is bounded and dense.
/// </summary>
public sealed class CallLedgerTests
{
    private static (Deterministic Sim, IsolateTable Table, int Slot, Handle Self) Build(int maxOwed = 2)
    {
        TinaSpec spec = Deterministic.Spec();
        spec.AddIsolate<Counter>(slots: 1).MaxOwedReplies = maxOwed;
        var sim = new Deterministic(spec);
        Handle self = sim.Spawn<Counter>(0);
        sim.RunUntilIdle();
        return (sim, sim.Shard(0).TypeTable(self.Type), self.Slot, self);
    }

    private static Message Outcome(Handle caller, uint correlation, CallStatus status)
    {
        Message reply = default;
        reply.SetCallFailure(caller, Handle.None, correlation, status);
        return reply;
    }

    [Test]
    public void Correlations_are_never_zero_and_wrap()
    {
        var ledger = new CallLedger(new ShardCounters(), lastCorrelation: uint.MaxValue - 1);
        Assert.That(ledger.NextCorrelation(), Is.EqualTo(uint.MaxValue));
        Assert.That(ledger.NextCorrelation(), Is.EqualTo(1u), "0 means no call: skipped");
        Assert.That(ledger.NextCorrelation(), Is.EqualTo(2u));
    }

    [Test]
    public void An_outcome_is_accepted_only_for_the_correlation_the_caller_waits_on_and_counted_once()
    {
        var (sim, table, slot, self) = Build();
        using (sim)
        {
            var counters = new ShardCounters();
            var ledger = new CallLedger(counters);
            var wheel = new TimerWheel(8, 8, 0);
            ref IsolateMeta meta = ref table.Meta[slot];
            TimerId timer = wheel.Register(10, TimerKind.CallTimeout, self, 7, ref meta.TimerHead, 0);
            CallLedger.BeginWait(ref meta, 7, timer);

            Message late = Outcome(self, 6, CallStatus.Ok);
            Assert.That(ledger.TryAccept(table, slot, in late, wheel), Is.False);
            Assert.That(counters.Read(ShardCounter.RepliesLateDropped), Is.EqualTo(1));
            Assert.That(meta.State, Is.EqualTo(IsolateState.WaitingForReply), "a late outcome leaves the wait alone");

            Message right = Outcome(self, 7, CallStatus.Failed);
            Assert.That(ledger.TryAccept(table, slot, in right, wheel), Is.True);
            Assert.That(meta.State, Is.EqualTo(IsolateState.Receiving));
            Assert.That(meta.PendingCorrelation, Is.Zero);
            Assert.That(wheel.ActiveCount, Is.Zero, "the timeout was cancelled");
            Assert.That(meta.Flags & IsolateFlags.ReplyReady, Is.EqualTo(IsolateFlags.ReplyReady));
            Assert.That(table.ReplySlots[slot].StatusValue, Is.EqualTo(CallStatus.Failed));
            Assert.That(counters.Read(ShardCounter.CallsFailedByCallee), Is.EqualTo(1));

            Assert.That(ledger.TryAccept(table, slot, in right, wheel), Is.False, "a duplicate is late");
            Assert.That(counters.Read(ShardCounter.CallsFailedByCallee), Is.EqualTo(1), "counted once");
            Assert.That(ledger.TryTimeout(table, slot, self, 7), Is.False, "a timeout after the end ends nothing");
            Assert.That(counters.Read(ShardCounter.CallsTimedOut), Is.Zero);
        }
    }

    [Test]
    public void A_timeout_ends_the_call_it_was_armed_for_with_a_Timeout_outcome()
    {
        var (sim, table, slot, self) = Build();
        using (sim)
        {
            var counters = new ShardCounters();
            var ledger = new CallLedger(counters);
            ref IsolateMeta meta = ref table.Meta[slot];
            CallLedger.BeginWait(ref meta, 3, TimerId.None);
            Assert.That(ledger.TryTimeout(table, slot, self, 2), Is.False, "armed for an older call");
            Assert.That(ledger.TryTimeout(table, slot, self, 3), Is.True);
            Assert.That(meta.State, Is.EqualTo(IsolateState.Receiving));
            Assert.That(table.ReplySlots[slot].StatusValue, Is.EqualTo(CallStatus.Timeout));
            Assert.That(table.ReplySlots[slot].Correlation, Is.EqualTo(3u));
            Assert.That(counters.Read(ShardCounter.CallsTimedOut), Is.EqualTo(1));
        }
    }

    [Test]
    public void The_owed_list_is_bounded_and_stays_dense_when_a_token_is_discharged()
    {
        var (sim, table, slot, self) = Build(maxOwed: 2);
        using (sim)
        {
            var counters = new ShardCounters();
            var ledger = new CallLedger(counters);
            var first = new ReplyToken(self, 1);
            var second = new ReplyToken(self, 2);
            Assert.That(ledger.TryOwe(table, slot, first), Is.True);
            Assert.That(ledger.TryOwe(table, slot, second), Is.True);
            Assert.That(ledger.TryOwe(table, slot, new ReplyToken(self, 3)), Is.False);
            Assert.That(counters.Read(ShardCounter.OwedRepliesFull), Is.EqualTo(1));

            Assert.That(CallLedger.TryDischarge(table, slot, first), Is.True);
            Assert.That(CallLedger.TryDischarge(table, slot, first), Is.False, "answered already");
            Assert.That(table.Meta[slot].OwedCount, Is.EqualTo(1));
            Assert.That(table.Owed[slot * table.OwedMax], Is.EqualTo(second), "the last token moved into the hole");
            Assert.That(CallLedger.TryDischarge(table, slot, second), Is.True);
            Assert.That(table.Meta[slot].OwedCount, Is.Zero);
        }
    }
}
