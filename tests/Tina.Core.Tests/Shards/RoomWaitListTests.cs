using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Isolates;
using Tina.Messaging;
using Tina.Scheduling;
using Tina.Tests.Support;

namespace Tina.Tests.Shards;

/// <summary>
/// The room-wait list through its own API: a waiter resumes at the low-water mark, at its bound, or when its target
/// stops running; the ring's producer-waiting flag follows its waiters; an exited waiter is dropped.
/// </summary>
public sealed class RoomWaitListTests
{
    private const int RingCapacity = 16;

    private static (Deterministic Sim, RoomWaitList List, SpscRing Ring, IsolateTable Table, int Slot, long Packed) Build()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.AddIsolate<Counter>(slots: 2);
        var sim = new Deterministic(spec);
        Handle isolate = sim.Spawn<Counter>(0);
        var ring = new SpscRing(RingCapacity);
        var outbound = new SpscRing?[] { null, ring };
        var list = new RoomWaitList(capacity: 2, outbound, new ShardCounters());
        list.Connect(new[] { sim.Shard(0), sim.Shard(1) });
        IsolateTable table = sim.Shard(0).TypeTable(isolate.Type);
        while (table.RunQueueCount > 0)
        {
            table.Dequeue(); // the spawn queued it; start from an empty queue
        }

        table.Meta[isolate.Slot].Flags |= IsolateFlags.Yielded;
        return (sim, list, ring, table, isolate.Slot, ((long)isolate.Type << 32) | (uint)isolate.Slot);
    }

    private static void Fill(SpscRing ring, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.That(System.Runtime.CompilerServices.Unsafe.IsNullRef(ref ring.TryClaim()), Is.False);
        }
    }

    [Test]
    public void A_waiter_on_a_full_ring_stays_until_a_quarter_is_free_then_resumes_and_the_flag_clears()
    {
        var (sim, list, ring, table, slot, packed) = Build();
        using (sim)
        {
            Fill(ring, RingCapacity);
            list.Add(packed, targetShard: 1, nowNanoseconds: 0);
            Assert.That(ring.ProducerWaiting, Is.True, "the consumer must learn that a producer waits");
            Assert.That(list.AnyReady(0), Is.False);
            list.Resume(new[] { table }, 0);
            Assert.That(list.Count, Is.EqualTo(1));
            Assert.That(table.RunQueueCount, Is.Zero);

            ring.Publish();
            ring.BeginRead();
            ring.EndRead((RingCapacity / 4) - 1);
            Assert.That(list.AnyReady(0), Is.False, "below the low-water mark");
            ring.BeginRead();
            ring.EndRead(1);
            Assert.That(list.AnyReady(0), Is.True);

            list.Resume(new[] { table }, 0);
            Assert.That(list.Count, Is.Zero);
            Assert.That(table.RunQueueCount, Is.EqualTo(1));
            Assert.That(table.Meta[slot].Flags & IsolateFlags.Yielded, Is.EqualTo(IsolateFlags.None));
            Assert.That(ring.ProducerWaiting, Is.False, "no waiter is left on the ring");
        }
    }

    [Test]
    public void A_waiter_resumes_at_its_bound_even_when_the_ring_stays_full()
    {
        var (sim, list, ring, table, _, packed) = Build();
        using (sim)
        {
            Fill(ring, RingCapacity);
            list.Add(packed, targetShard: 1, nowNanoseconds: 100);
            Assert.That(list.EarliestDeadline(), Is.EqualTo(100 + RoomWaitList.LimitNanoseconds));
            Assert.That(list.AnyReady(100 + RoomWaitList.LimitNanoseconds - 1), Is.False);
            Assert.That(list.AnyReady(100 + RoomWaitList.LimitNanoseconds), Is.True);
            list.Resume(new[] { table }, 100 + RoomWaitList.LimitNanoseconds);
            Assert.That(table.RunQueueCount, Is.EqualTo(1));
            Assert.That(list.EarliestDeadline(), Is.EqualTo(long.MaxValue));
        }
    }

    [Test]
    public void A_waiter_resumes_when_its_target_shard_stops_running()
    {
        var (sim, list, ring, table, _, packed) = Build();
        using (sim)
        {
            Fill(ring, RingCapacity);
            list.Add(packed, targetShard: 1, nowNanoseconds: 0);
            sim.Shard(1).Status = ShardStatus.Quarantined;
            Assert.That(list.AnyReady(0), Is.True);
            list.Resume(new[] { table }, 0);
            Assert.That(table.RunQueueCount, Is.EqualTo(1));
            sim.Shard(1).Status = ShardStatus.Running;
        }
    }

    [Test]
    public void An_exited_waiter_is_dropped_without_being_scheduled()
    {
        var (sim, list, ring, table, slot, packed) = Build();
        using (sim)
        {
            Fill(ring, RingCapacity);
            list.Add(packed, targetShard: 1, nowNanoseconds: 0);
            table.Meta[slot].Flags &= ~IsolateFlags.Yielded; // what an exit does
            list.Resume(new[] { table }, 0);
            Assert.That(list.Count, Is.Zero);
            Assert.That(table.RunQueueCount, Is.Zero);
            Assert.That(ring.ProducerWaiting, Is.False);
        }
    }
}
