using System.Runtime.CompilerServices;
using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Messaging;
using Tina.Scheduling;
using Tina.Tests.Support;

namespace Tina.Tests.Shards;

/// <summary>
/// The inbound rings through their own API, delivering into a real shard of an unstarted runtime: a refused head
/// holds its ring (and a held ring is not deliverable work) until the target made room, and the external inbox
/// drains and counts.
/// </summary>
public sealed class InboundRingsTests
{
    private const int Mailbox = 2;

    private static (Deterministic Sim, InboundRings Rings, SpscRing FromZero, Handle Target) Build()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.AddIsolate<Counter>(slots: 1, mailboxCapacity: Mailbox);
        var sim = new Deterministic(spec);
        Handle target = sim.Spawn<Counter>(1);
        sim.RunUntilIdle();
        var rings = new InboundRings(shardCount: 2, externalCapacity: 8, new ShardCounters());
        var fromZero = new SpscRing(16);
        rings.Connect(new[] { sim.Shard(0), sim.Shard(1) }, new SpscRing?[] { fromZero, null });
        return (sim, rings, fromZero, target);
    }

    private static void Write(SpscRing ring, Handle target, int count)
    {
        for (int i = 0; i < count; i++)
        {
            ref Message slot = ref ring.TryClaim();
            Assert.That(Unsafe.IsNullRef(ref slot), Is.False);
            slot.SetHeader(target, Handle.None, MessageKind.User, 0);
            slot.SetPayload(new Add(1));
        }

        ring.Publish();
    }

    [Test]
    public void A_refused_head_holds_the_ring_until_the_target_made_room()
    {
        var (sim, rings, fromZero, target) = Build();
        using (sim)
        {
            Write(fromZero, target, Mailbox + 1);
            Assert.That(rings.HasDeliverable(), Is.True);

            Assert.That(rings.DrainRings(sim.Shard(1)), Is.True);
            Assert.That(rings.IsHeld(0), Is.True, "the third message found the mailbox full");
            Assert.That(fromZero.BeginRead(), Is.EqualTo(1), "it stays at the ring's head");
            Assert.That(rings.HasDeliverable(), Is.False, "a held ring is not work: only the target's dispatch makes room");
            Assert.That(sim.Counter(1, ShardCounter.MessagesReceivedRemote), Is.EqualTo(Mailbox));

            Assert.That(rings.DrainRings(sim.Shard(1)), Is.False, "still no room");
            Assert.That(rings.IsHeld(0), Is.True);

            sim.RunRound(); // the target handles its mail
            Assert.That(rings.DrainRings(sim.Shard(1)), Is.True);
            Assert.That(rings.IsHeld(0), Is.False);
            Assert.That(fromZero.BeginRead(), Is.Zero);
            Assert.That(sim.Counter(1, ShardCounter.MessagesReceivedRemote), Is.EqualTo(Mailbox + 1), "nothing was lost");
        }
    }

    [Test]
    public void The_external_inbox_drains_into_the_shard_and_counts()
    {
        var (sim, rings, _, target) = Build();
        using (sim)
        {
            Message message = default;
            message.SetHeader(target, Handle.None, MessageKind.User, 0);
            message.SetPayload(new Add(1));
            Assert.That(rings.External.TryPost(in message), Is.True);
            Assert.That(rings.HasDeliverable(), Is.True);
            Assert.That(rings.DrainExternal(sim.Shard(1)), Is.True);
            Assert.That(rings.DrainExternal(sim.Shard(1)), Is.False, "nothing left");
            Assert.That(rings.IsHeld(-1), Is.False);
            Assert.That(rings.HasDeliverable(), Is.False);
        }
    }
}
