using System.Runtime.CompilerServices;
using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Isolates;
using Tina.Memory;
using Tina.Messaging;
using Tina.Scheduling;
using Tina.Tests.Support;

namespace Tina.Tests.Shards;

/// <summary>
/// Delivery through its own API, on a real table and pool of an unstarted two-shard runtime: a local delivery takes
/// nothing when the mailbox is at its user capacity, the high-water mark only grows, and a remote claim refuses a
/// stale target, a stopped shard and a full ring (recording that ring for the invocation).
/// </summary>
public sealed class DeliveryTests
{
    private const int Mailbox = 2;
    private const int RingCapacity = 16;

    private static (Deterministic Sim, IsolateTable Table, int Slot, Handle Target) Build()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.AddIsolate<Counter>(slots: 1, mailboxCapacity: Mailbox);
        var sim = new Deterministic(spec);
        Handle target = sim.Spawn<Counter>(0);
        sim.RunUntilIdle();
        return (sim, sim.Shard(0).TypeTable(target.Type), target.Slot, target);
    }

    private static SendResult Deliver(Delivery delivery, IsolateTable table, int slot, Handle target)
    {
        var add = new Add(1);
        var writer = new PayloadWriter<Add>(Handle.None, target, in add, MessageKind.User, 0);
        return delivery.DeliverUser(table, slot, target, ref writer);
    }

    [Test]
    public void A_full_mailbox_takes_nothing_and_the_high_water_mark_only_grows()
    {
        var (sim, table, slot, target) = Build();
        using (sim)
        {
            var pool = new MessagePool(64);
            var counters = new ShardCounters();
            var delivery = new Delivery(0, sim.Runtime, pool, counters, shardCount: 2);
            int free = pool.FreeCount;
            Assert.That(Deliver(delivery, table, slot, target), Is.EqualTo(SendResult.Ok));
            Assert.That(Deliver(delivery, table, slot, target), Is.EqualTo(SendResult.Ok));
            Assert.That(delivery.MailboxHighWater, Is.EqualTo(Mailbox));
            Assert.That(counters.Read(ShardCounter.MailboxHighWater), Is.EqualTo(Mailbox));
            Assert.That(table.RunQueueCount, Is.EqualTo(1), "a receiving isolate is queued once");

            Assert.That(Deliver(delivery, table, slot, target), Is.EqualTo(SendResult.MailboxFull));
            Assert.That(pool.FreeCount, Is.EqualTo(free - Mailbox), "a refusal takes no pool slot");

            pool.Return(table.MailboxPop(slot));
            Assert.That(Deliver(delivery, table, slot, target), Is.EqualTo(SendResult.Ok));
            Assert.That(delivery.MailboxHighWater, Is.EqualTo(Mailbox), "the mark does not move below its peak");
        }
    }

    [Test]
    public void A_remote_claim_refuses_a_stale_target_a_stopped_shard_and_a_full_ring()
    {
        var (sim, _, _, _) = Build();
        using (sim)
        {
            var counters = new ShardCounters();
            var delivery = new Delivery(0, sim.Runtime, new MessagePool(64), counters, shardCount: 2);
            var ring = new SpscRing(RingCapacity);
            delivery.Connect(new[] { sim.Shard(0), sim.Shard(1) }, new SpscRing?[] { null, ring });
            Handle remote = Handle.Pack(1, 0, 0, 1, sim.Runtime.RuntimeTag);
            int refused = -1;

            Assert.That(Unsafe.IsNullRef(ref delivery.ClaimRemote(Handle.Pack(5, 0, 0, 1), out SendResult stale, ref refused)), Is.True);
            Assert.That(stale, Is.EqualTo(SendResult.StaleHandle));

            for (int i = 0; i < RingCapacity; i++)
            {
                Assert.That(Unsafe.IsNullRef(ref delivery.ClaimRemote(remote, out SendResult ok, ref refused)), Is.False);
                Assert.That(ok, Is.EqualTo(SendResult.Ok));
            }

            Assert.That(refused, Is.EqualTo(-1));
            Assert.That(Unsafe.IsNullRef(ref delivery.ClaimRemote(remote, out SendResult full, ref refused)), Is.True);
            Assert.That(full, Is.EqualTo(SendResult.RingFull));
            Assert.That(refused, Is.EqualTo(1), "a Yield now waits for room in the ring to shard 1");
            Assert.That(counters.Read(ShardCounter.SendRingFull), Is.EqualTo(1));
            Assert.That(delivery.Publish(1), Is.True);
            Assert.That(delivery.Publish(1), Is.False, "nothing new");

            sim.Shard(1).Status = ShardStatus.Stopped;
            Assert.That(Unsafe.IsNullRef(ref delivery.ClaimRemote(remote, out SendResult down, ref refused)), Is.True);
            Assert.That(down, Is.EqualTo(SendResult.ShardUnavailable));
            sim.Shard(1).Status = ShardStatus.Running;
        }
    }
}
