using NUnit.Framework;
using Tina.Scheduling;
using Tina.Tests.Support;

namespace Tina.Tests;

/// <summary>A buffer lent to a remote isolate that is gone comes home on paths where no shard drops its carrier.</summary>
public sealed class BufferReturnTests
{
    /// <summary>Partitions shard 0 from shard 1 while <see cref="Cut"/> is set; injects nothing else.</summary>
    private sealed class Partition : IFaultInjector
    {
        public bool Cut;

        public bool FailHandler(int shard, Handle isolate) => false;

        public bool FailSpawn(int shard, int typeIndex) => false;

        public bool RefuseRing(int fromShard, int toShard) => false;

        public bool Partitioned(int fromShard, int toShard) => Cut && fromShard == 0 && toShard == 1;

        public bool RefuseMailbox(int shard, Handle target) => false;
    }

    [Test]
    public void Transfer_ToARemoteIsolateThatHasExited_CarrierRefusedAtTheSender_ComesHome()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.BufferCount = 8;
        spec.BufferSize = 256;
        spec.AddIsolate<BufferTests.User>(slots: 8);
        using var sim = new Deterministic(spec);
        var partition = new Partition();
        sim.Runtime.Faults = partition;

        Handle producer = sim.Spawn<BufferTests.User>(0);
        Handle gone = sim.Spawn<BufferTests.User>(1);
        sim.Runtime.Send(gone, new BufferTests.Quit());
        sim.Runtime.Send(producer, new BufferTests.Rent(2));
        sim.RunUntilIdle();

        // Shard 0 cannot see the exit: the transfer succeeds, then the carrier is refused at the sender, so no shard
        // ever drops it (nothing asks for a sweep through the drop path).
        partition.Cut = true;
        sim.Runtime.Send(producer, new BufferTests.Give(0, gone));
        sim.Runtime.Send(producer, new BufferTests.Give(1, gone));
        sim.RunUntilIdle();
        partition.Cut = false;
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<BufferTests.User>(producer).Transfers, Is.EqualTo(new[] { true, true }));
            Assert.That(sim.Counter(0, ShardCounter.SendShardUnavailable), Is.EqualTo(2), "both carriers were refused");
            Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(8), "every buffer lent to the exited isolate came home");
            Assert.That(sim.Shard(0).Buffers.HasRemoteLoans, Is.False);
            Assert.That(sim.Counter(0, ShardCounter.BuffersReclaimed), Is.EqualTo(2));
        });
    }

    [Test]
    public void Transfer_ToARemoteIsolateThatIsAlive_CarrierRefusedAtTheSender_StaysLentUntilItsOwnerExits()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.BufferCount = 8;
        spec.BufferSize = 256;
        spec.AddIsolate<BufferTests.User>(slots: 8);
        using var sim = new Deterministic(spec);
        var partition = new Partition();
        sim.Runtime.Faults = partition;

        Handle producer = sim.Spawn<BufferTests.User>(0);
        Handle consumer = sim.Spawn<BufferTests.User>(1);
        sim.Runtime.Send(producer, new BufferTests.Rent(1));
        sim.RunUntilIdle();

        partition.Cut = true;
        sim.Runtime.Send(producer, new BufferTests.Give(0, consumer));
        sim.RunUntilIdle();
        partition.Cut = false;
        sim.RunUntilIdle();
        int lentWhileAlive = sim.Shard(0).Buffers.FreeCount;

        sim.Runtime.Send(consumer, new BufferTests.Quit());
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(lentWhileAlive, Is.EqualTo(7), "the sweep never frees a buffer of a live owner");
            Assert.That(sim.Shard(0).Buffers.FreeCount, Is.EqualTo(8), "the owner's exit sent it home");
        });
    }
}
