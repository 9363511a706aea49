using System.Runtime.CompilerServices;
using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Messaging;
using Tina.Scheduling;
using Tina.Tests.Support;

namespace Tina.Tests.Shards;

/// <summary>
/// The system lane through its own API, on the lanes of an unstarted two-shard runtime (no tick runs): a full ring
/// spills into the backlog and never refuses, the flush moves the backlog oldest first, request credit is taken,
/// refused at zero and returned by an ack, and nothing is claimed toward a shard that no longer runs.
/// </summary>
public sealed class SystemLaneComponentTests
{
    private const int RingCapacity = 16;

    private static Deterministic Build()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.RingCapacity = RingCapacity;
        spec.AddIsolate<Counter>(slots: 1);
        return new Deterministic(spec);
    }

    private static void ClaimMarked(SystemLane lane, int target, long mark)
    {
        ref Message slot = ref lane.Claim(target);
        Assert.That(Unsafe.IsNullRef(ref slot), Is.False, "the lane never refuses a message it owes a running shard");
        slot.SetHeader(Handle.None, Handle.None, MessageKind.RequestAck, 0);
        slot.SetWord0(mark);
    }

    [Test]
    public void A_full_ring_spills_into_the_backlog_and_the_flush_moves_it_oldest_first()
    {
        using Deterministic sim = Build();
        SystemLane lane = sim.Shard(0).SystemLane;
        SpscRing ring = lane.RingTo(1)!;
        for (int i = 0; i < RingCapacity + 3; i++)
        {
            ClaimMarked(lane, 1, i);
        }

        Assert.That(lane.BacklogCount, Is.EqualTo(3));
        Assert.That(lane.BacklogTo(1)!.Count, Is.EqualTo(3));
        Assert.That(ring.ProducerWaiting, Is.True, "the consumer must wake this shard when it frees slots");
        Assert.That(lane.AnyBacklogMovable(), Is.False, "no room yet");
        Assert.That(sim.Counter(0, ShardCounter.SystemBacklogged), Is.EqualTo(3));

        Assert.That(lane.Publish(1), Is.True);
        Assert.That(ring.BeginRead(), Is.EqualTo(RingCapacity));
        for (int i = 0; i < 2; i++)
        {
            Assert.That(ring.ReadAt(i).ReadWord0(), Is.EqualTo(i));
        }

        ring.EndRead(2);
        Assert.That(lane.AnyBacklogMovable(), Is.True);
        lane.MoveBacklogs();
        Assert.That(lane.BacklogCount, Is.EqualTo(1), "two slots freed, two entries moved");
        Assert.That(ring.ProducerWaiting, Is.True, "one entry still waits");

        lane.Publish(1);
        ring.EndRead(ring.BeginRead()); // the rest of the first batch
        Assert.That(ring.BeginRead(), Is.EqualTo(2));
        Assert.That(ring.ReadAt(0).ReadWord0(), Is.EqualTo(RingCapacity), "oldest backlog entry first");
        Assert.That(ring.ReadAt(1).ReadWord0(), Is.EqualTo(RingCapacity + 1));
        ring.EndRead(2);
        lane.MoveBacklogs();
        Assert.That(lane.BacklogCount, Is.Zero);
        Assert.That(ring.ProducerWaiting, Is.False);
    }

    [Test]
    public void Request_credit_is_refused_at_zero_and_an_ack_drained_by_the_requester_returns_it()
    {
        using Deterministic sim = Build();
        SystemLane requester = sim.Shard(0).SystemLane;
        SystemLane answerer = sim.Shard(1).SystemLane;
        int max = requester.CreditMax;
        Assert.That(max, Is.EqualTo(SystemLane.RequestCreditMin), "credit = max(64, 16 / 4)");
        for (int i = 0; i < max; i++)
        {
            ref Message slot = ref requester.ClaimRequest(1);
            Assert.That(Unsafe.IsNullRef(ref slot), Is.False);
            slot.SetHeader(Handle.None, Handle.None, MessageKind.UnwatchRequest, 0);
        }

        Assert.That(requester.CreditTo(1), Is.Zero);
        Assert.That(Unsafe.IsNullRef(ref requester.ClaimRequest(1)), Is.True, "no credit left");
        Assert.That(sim.Counter(0, ShardCounter.SystemRequestsRefused), Is.EqualTo(1));

        answerer.Ack(0);
        answerer.Publish(0);
        Assert.That(requester.HasInbound(), Is.True);
        Assert.That(requester.Drain(sim.Shard(0)), Is.True);
        Assert.That(requester.CreditTo(1), Is.EqualTo(1), "one ack returns one credit");
        Assert.That(requester.HasInbound(), Is.False);

        requester.ReturnCredit(1);
        for (int i = 0; i < 2 * max; i++)
        {
            requester.ReturnCredit(1);
        }

        Assert.That(requester.CreditTo(1), Is.EqualTo(max), "a duplicate answer never raises the credit above its max");
    }

    [Test]
    public void Nothing_is_claimed_toward_a_shard_that_no_longer_runs_and_its_backlog_is_dropped()
    {
        using Deterministic sim = Build();
        SystemLane lane = sim.Shard(0).SystemLane;
        for (int i = 0; i < RingCapacity + 2; i++)
        {
            ClaimMarked(lane, 1, i);
        }

        sim.Shard(1).Status = ShardStatus.Stopped;
        Assert.That(Unsafe.IsNullRef(ref lane.Claim(1)), Is.True);
        Assert.That(Unsafe.IsNullRef(ref lane.ClaimRequest(1)), Is.True);
        Assert.That(lane.CreditTo(1), Is.EqualTo(lane.CreditMax), "a request never sent holds no credit");
        Assert.That(lane.AnyBacklogMovable(), Is.True, "a backlog toward a stopped shard is work: it is dropped");
        lane.MoveBacklogs();
        Assert.That(lane.BacklogCount, Is.Zero);
        Assert.That(lane.RingTo(1)!.ProducerWaiting, Is.False);
        Assert.That(sim.Counter(0, ShardCounter.SystemToUnavailableShard), Is.EqualTo(2 + 2), "two claims, two dropped entries");
        sim.Shard(1).Status = ShardStatus.Running;
    }
}
