using NUnit.Framework;
using Tina.Isolates;
using Tina.Scheduling;
using Tina.Tests.Support;

namespace Tina.Tests.Shards;

/// <summary>The yield list through its own API: a listed yielder is queued and its flag cleared; an exited one is skipped.</summary>
public sealed class YieldListTests
{
    [Test]
    public void ResumeAll_queues_flagged_yielders_skips_the_rest_and_empties_the_list()
    {
        TinaSpec spec = Deterministic.Spec();
        spec.AddIsolate<Counter>(slots: 2);
        using var sim = new Deterministic(spec);
        Handle live = sim.Spawn<Counter>(0);
        Handle gone = sim.Spawn<Counter>(0);
        sim.RunUntilIdle();
        IsolateTable table = sim.Shard(0).TypeTable(live.Type);
        var list = new YieldList(capacity: 2);

        table.Meta[live.Slot].Flags |= IsolateFlags.Yielded;
        list.Add(((long)live.Type << 32) | (uint)live.Slot);
        list.Add(((long)gone.Type << 32) | (uint)gone.Slot); // its flag is clear: it exited meanwhile
        Assert.That(list.Count, Is.EqualTo(2));

        list.ResumeAll(new[] { table });

        Assert.That(list.Count, Is.Zero);
        Assert.That(table.RunQueueCount, Is.EqualTo(1), "only the flagged yielder is queued");
        Assert.That(table.Dequeue(), Is.EqualTo(live.Slot));
        Assert.That(table.Meta[live.Slot].Flags & IsolateFlags.Yielded, Is.EqualTo(IsolateFlags.None));
    }
}
