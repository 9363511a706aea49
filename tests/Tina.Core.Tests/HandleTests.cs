using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

public sealed class HandleTests
{
    public readonly record struct Bump(int Amount);

    public readonly record struct Quit;

    public readonly record struct SendTo(Handle Target);

    /// <summary>Counts Bump messages; exits on Quit.</summary>
    public sealed class Target : IIsolate
    {
        public long Bumps;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Bump bump))
            {
                Bumps += bump.Amount;
                return Effect.Receive;
            }

            return message.Is<Quit>() ? Effect.Done : Effect.Receive;
        }
    }

    /// <summary>Sends one Bump to the handle in its start message and keeps the result.</summary>
    public sealed class Sender : IIsolate
    {
        public SendResult Result = (SendResult)255;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out SendTo order))
            {
                Result = ctx.Send(order.Target, new Bump(1));
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void Pack_AllFieldsAtBitBudgetMaxima_RoundTrips()
    {
        Handle handle = Handle.Pack(254, 254, 1_048_575, (1u << 22) - 1, 63);

        Assert.Multiple(() =>
        {
            Assert.That(handle.Shard, Is.EqualTo(254));
            Assert.That(handle.Type, Is.EqualTo(254));
            Assert.That(handle.Slot, Is.EqualTo(1_048_575));
            Assert.That(handle.RuntimeTag, Is.EqualTo(63));
            Assert.That(handle.Generation, Is.EqualTo((1u << 22) - 1));
            Assert.That(handle.Value, Is.EqualTo((254UL << 56) | (254UL << 48) | (1_048_575UL << 28) | (63UL << 22) | ((1UL << 22) - 1)));
            Assert.That(handle.IsNone, Is.False);
            Assert.That(new Handle(handle.Value), Is.EqualTo(handle));
        });
    }

    [TestCase(254, 0, 0, 1u, 0)]
    [TestCase(0, 254, 0, 1u, 0)]
    [TestCase(0, 0, 1_048_575, 1u, 0)]
    [TestCase(0, 0, 0, 4_194_303u, 0)]
    [TestCase(0, 0, 0, 1u, 63)]
    [TestCase(1, 2, 3, 4u, 5)]
    public void Pack_OneFieldAtMaximum_DoesNotBleedIntoNeighbours(int shard, int type, int slot, uint generation, int runtimeTag)
    {
        Handle handle = Handle.Pack(shard, type, slot, generation, runtimeTag);

        Assert.Multiple(() =>
        {
            Assert.That(handle.Shard, Is.EqualTo(shard));
            Assert.That(handle.Type, Is.EqualTo(type));
            Assert.That(handle.Slot, Is.EqualTo(slot));
            Assert.That(handle.Generation, Is.EqualTo(generation));
            Assert.That(handle.RuntimeTag, Is.EqualTo(runtimeTag));
        });
    }

    [Test]
    public void Constants_MatchTheBitBudget()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Handle.ShardMax, Is.EqualTo(254));
            Assert.That(Handle.TypeMax, Is.EqualTo(254));
            Assert.That(Handle.SlotMax, Is.EqualTo(1_048_575));
            Assert.That(Handle.RuntimeTagMax, Is.EqualTo(63));
            Assert.That(Handle.GenerationMax, Is.EqualTo(4_194_303u));
        });
    }

    [Test]
    public void NextGeneration_AtMaximum_WrapsToOneSkippingZero()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Handle.NextGeneration(Handle.GenerationMax), Is.EqualTo(1u));
            Assert.That(Handle.NextGeneration(Handle.GenerationMax - 1), Is.EqualTo(Handle.GenerationMax));
            Assert.That(Handle.NextGeneration(1), Is.EqualTo(2u));
        });
    }

    [Test]
    public void None_IsAllZeroAndDefault()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Handle.None.Value, Is.Zero);
            Assert.That(Handle.None.IsNone, Is.True);
            Assert.That(default(Handle), Is.EqualTo(Handle.None));
            Assert.That(Handle.None.ToString(), Is.EqualTo("none"));
            Assert.That(Handle.Pack(0, 0, 0, 1).IsNone, Is.False);
        });
    }

    [Test]
    public void Spawn_AfterExit_ReusesSlotWithNextGeneration()
    {
        var spec = Deterministic.Spec(shards: 2);
        spec.AddIsolate<Sender>(slots: 4);
        spec.AddIsolate<Target>(slots: 4);
        using var sim = new Deterministic(spec);

        Handle first = sim.Spawn<Target>(shard: 1);
        Assert.That(sim.Runtime.Send(first, new Quit()), Is.EqualTo(SendResult.Ok));
        sim.RunUntilIdle();
        Assert.That(sim.IsAlive(first), Is.False);

        Handle second = sim.Spawn<Target>(shard: 1);

        Assert.Multiple(() =>
        {
            Assert.That(first.Shard, Is.EqualTo(1));
            Assert.That(first.Type, Is.EqualTo(1));
            Assert.That(first.Generation, Is.EqualTo(1u));
            Assert.That(second.Slot, Is.EqualTo(first.Slot), "LIFO free list reuses the freed slot");
            Assert.That(second.Generation, Is.EqualTo(first.Generation + 1));
            Assert.That(second, Is.Not.EqualTo(first));
            Assert.That(sim.IsAlive(second), Is.True);
        });
    }

    [Test]
    public void Send_LocalWithHandleOfExitedIsolate_ReturnsStaleHandleAndSparesNewOccupant()
    {
        var spec = Deterministic.Spec(shards: 1);
        spec.AddIsolate<Sender>(slots: 4);
        spec.AddIsolate<Target>(slots: 4);
        using var sim = new Deterministic(spec);
        (Handle old, Handle current) = Recycle(sim, shard: 0);

        Handle sender = sim.Spawn<Sender, SendTo>(shard: 0, new SendTo(old));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Sender>(sender).Result, Is.EqualTo(SendResult.StaleHandle));
            Assert.That(sim.Instance<Target>(current).Bumps, Is.Zero);
            Assert.That(sim.Counter(0, ShardCounter.SendStaleHandle), Is.EqualTo(1));
        });

        // The same path with the live handle does deliver, so the zero above is not vacuous.
        Handle control = sim.Spawn<Sender, SendTo>(shard: 0, new SendTo(current));
        sim.RunUntilIdle();
        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Sender>(control).Result, Is.EqualTo(SendResult.Ok));
            Assert.That(sim.Instance<Target>(current).Bumps, Is.EqualTo(1));
        });
    }

    [Test]
    public void Send_RemoteWithHandleOfExitedIsolate_IsDroppedOnArrivalAndSparesNewOccupant()
    {
        var spec = Deterministic.Spec(shards: 2);
        spec.AddIsolate<Sender>(slots: 4);
        spec.AddIsolate<Target>(slots: 4);
        using var sim = new Deterministic(spec);
        (Handle old, Handle current) = Recycle(sim, shard: 1);
        long receivedBefore = sim.Counter(1, ShardCounter.MessagesReceivedRemote);

        Handle sender = sim.Spawn<Sender, SendTo>(shard: 0, new SendTo(old));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            // A remote send is an enqueue (SendResult.Ok documents this); the receiving shard checks the generation.
            Assert.That(sim.Instance<Sender>(sender).Result, Is.EqualTo(SendResult.Ok));
            Assert.That(sim.Counter(1, ShardCounter.InboundStaleHandle), Is.EqualTo(1));
            Assert.That(sim.Counter(1, ShardCounter.MessagesReceivedRemote), Is.EqualTo(receivedBefore));
            Assert.That(sim.Instance<Target>(current).Bumps, Is.Zero);
        });
    }

    [Test]
    public void Send_FromOutsideWithHandleOfExitedIsolate_IsDroppedOnArrivalAndSparesNewOccupant()
    {
        var spec = Deterministic.Spec(shards: 1);
        spec.AddIsolate<Sender>(slots: 4);
        spec.AddIsolate<Target>(slots: 4);
        using var sim = new Deterministic(spec);
        (Handle old, Handle current) = Recycle(sim, shard: 0);
        long staleBefore = sim.Counter(0, ShardCounter.InboundStaleHandle);

        SendResult result = sim.Runtime.Send(old, new Bump(100));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(SendResult.Ok), "an outside send is an enqueue into the shard's inbox");
            Assert.That(sim.Counter(0, ShardCounter.InboundStaleHandle), Is.EqualTo(staleBefore + 1));
            Assert.That(sim.Instance<Target>(current).Bumps, Is.Zero);
        });

        Assert.That(sim.Runtime.Send(current, new Bump(3)), Is.EqualTo(SendResult.Ok));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Target>(current).Bumps, Is.EqualTo(3));
    }

    [Test]
    public void Send_FromOutsideWithNoneOrUnknownShard_ReturnsStaleHandle()
    {
        var spec = Deterministic.Spec(shards: 1);
        spec.AddIsolate<Target>(slots: 4);
        using var sim = new Deterministic(spec);

        Assert.Multiple(() =>
        {
            Assert.That(sim.Runtime.Send(Handle.None, new Bump(1)), Is.EqualTo(SendResult.StaleHandle));
            Assert.That(sim.Runtime.Send(Handle.Pack(3, 0, 0, 1), new Bump(1)), Is.EqualTo(SendResult.StaleHandle));
        });
    }

    /// <summary>Spawns a Target, makes it exit, and spawns another in the same slot.</summary>
    private static (Handle Old, Handle Current) Recycle(Deterministic sim, int shard)
    {
        Handle old = sim.Spawn<Target>(shard);
        sim.Runtime.Send(old, new Quit());
        sim.RunUntilIdle();
        Handle current = sim.Spawn<Target>(shard);
        Assert.That(current.Slot, Is.EqualTo(old.Slot));
        Assert.That(current.Generation, Is.EqualTo(old.Generation + 1));
        return (old, current);
    }
}
