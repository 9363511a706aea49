using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Memory;
using Tina.Scheduling;
using Tina.Tests.Support;

namespace Tina.Tests.Shards;

/// <summary>
/// Buffer reclaim through its own API, on the components of an unstarted two-shard runtime (no tick runs): a loan's
/// release goes home once, a sweep runs only when asked and only while buffers are lent out, and it frees a loan
/// whose owner's shard stopped.
/// </summary>
public sealed class BufferReclaimTests
{
    private static (Deterministic Sim, Handle HomeOwner, Handle Borrower, BufferRef Buffer) Build()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.BufferCount = 4;
        spec.BufferSize = 64;
        spec.AddIsolate<Counter>(slots: 1);
        var sim = new Deterministic(spec);
        Handle homeOwner = sim.Spawn<Counter>(0);
        Handle borrower = sim.Spawn<Counter>(1);
        sim.RunUntilIdle();
        BufferPool pool = sim.Shard(0).Buffers;
        Assert.That(pool.TryRent(homeOwner, out BufferRef buffer), Is.True);
        Assert.That(pool.Transfer(buffer, homeOwner, borrower), Is.True);
        return (sim, homeOwner, borrower, buffer);
    }

    [Test]
    public void A_loan_is_released_home_once_through_the_system_lane()
    {
        var (sim, _, borrower, buffer) = Build();
        using (sim)
        {
            BufferReclaim reclaim = sim.Shard(1).BufferReclaim;
            SystemLane lane = sim.Shard(1).SystemLane;
            Assert.That(reclaim.Release(buffer, Handle.None), Is.False, "not the owner");
            Assert.That(reclaim.Release(buffer, borrower), Is.True);
            Assert.That(reclaim.Release(buffer, borrower), Is.True, "a second release of the same loan is not an error");
            Assert.That(lane.RingTo(0)!.PendingCount, Is.EqualTo(1), "but only one release message goes home");
        }
    }

    [Test]
    public void A_sweep_runs_only_when_asked_and_frees_a_loan_whose_owner_shard_stopped()
    {
        var (sim, _, borrower, buffer) = Build();
        using (sim)
        {
            BufferReclaim home = sim.Shard(0).BufferReclaim;
            sim.Shard(1).Status = ShardStatus.Stopped;
            home.Sweep(tickCount: 1);
            Assert.That(sim.Shard(0).Buffers.IsOwnedBy(buffer, borrower), Is.True, "no sweep was asked for");

            home.RequestSweep();
            Assert.That(home.SweepRequested, Is.True);
            home.Sweep(tickCount: 2);
            Assert.That(home.SweepRequested, Is.False);
            Assert.That(sim.Shard(0).Buffers.IsOwnedBy(buffer, borrower), Is.False);
            Assert.That(sim.Counter(0, ShardCounter.BuffersReclaimed), Is.EqualTo(1));

            home.RequestSweep();
            Assert.That(home.SweepRequested, Is.False, "nothing is lent out: no sweep to ask for");
            sim.Shard(1).Status = ShardStatus.Running;
        }
    }

    [Test]
    public void After_a_refused_send_the_shard_re_sweeps_at_the_interval_while_buffers_are_lent()
    {
        var (sim, _, borrower, buffer) = Build();
        using (sim)
        {
            BufferReclaim home = sim.Shard(0).BufferReclaim;
            home.OnRemoteSendRefused();
            Assert.That(home.SweepRequested, Is.True);
            home.Sweep(tickCount: 1); // the borrower is alive: nothing is freed
            Assert.That(sim.Shard(0).Buffers.IsOwnedBy(buffer, borrower), Is.True);

            sim.Shard(1).Status = ShardStatus.Stopped; // the exit the first sweep could not yet see
            home.Sweep(tickCount: BufferReclaim.ResweepTickInterval - 1);
            Assert.That(sim.Shard(0).Buffers.IsOwnedBy(buffer, borrower), Is.True, "between intervals nothing sweeps");
            home.Sweep(tickCount: BufferReclaim.ResweepTickInterval);
            Assert.That(sim.Shard(0).Buffers.IsOwnedBy(buffer, borrower), Is.False, "the re-sweep brought it home");
            Assert.That(sim.Counter(0, ShardCounter.BuffersReclaimed), Is.EqualTo(1));
            sim.Shard(1).Status = ShardStatus.Running;
        }
    }
}
