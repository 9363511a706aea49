using System;
using NUnit.Framework;
using Tina.Scheduling;
using Tina.Tests.Support;

namespace Tina.Tests.Shards;

/// <summary>
/// The polling runner's two inputs: which shards share a CPU (they yield it between empty ticks instead of
/// spinning), and the cheap arrival probe it runs between short spins (published envelopes on a system or user ring,
/// an outside post; a held ring is not an arrival).
/// </summary>
public sealed class IdlePolicyTests
{
    [Test]
    public void Shards_pinned_to_one_cpu_share_it_and_the_others_do_not()
    {
        int[] cpus = [0, 1, 0];
        Assert.That(TinaRuntime.SharesCpu(cpus, 0), Is.True);
        Assert.That(TinaRuntime.SharesCpu(cpus, 1), Is.False);
        Assert.That(TinaRuntime.SharesCpu(cpus, 2), Is.True);
        Assert.That(TinaRuntime.SharesCpu([0, 1], 0), Is.False);
    }

    [Test]
    public void Unpinned_shards_share_cpus_only_when_there_are_more_of_them_than_cpus()
    {
        int count = Environment.ProcessorCount;
        int[] fits = new int[count];
        Array.Fill(fits, -1);
        int[] over = new int[count + 1];
        Array.Fill(over, -1);
        Assert.That(TinaRuntime.SharesCpu(fits, 0), Is.False);
        Assert.That(TinaRuntime.SharesCpu(over, 0), Is.True);
    }

    [Test]
    public void The_probe_sees_a_peer_publish_and_an_outside_post_until_the_tick_takes_them()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.AddIsolate<Counter>(slots: 1);
        spec.AddIsolate<Forwarder>(slots: 1);
        using var sim = new Deterministic(spec);
        Handle sink = sim.Spawn<Counter>(1);
        Handle forwarder = sim.Spawn<Forwarder>(0);
        sim.RunUntilIdle();
        Assert.That(sim.Shard(1).HasArrivals(), Is.False, "nothing sent yet");

        // An outside post to shard 1 is an arrival there at once.
        Assert.That(sim.Runtime.Send(sink, new Add(1)), Is.EqualTo(SendResult.Ok));
        Assert.That(sim.Shard(1).HasArrivals(), Is.True);
        sim.Runtime.RunRound([1]);
        Assert.That(sim.Shard(1).HasArrivals(), Is.False, "the tick took it");

        // A send from shard 0's isolate is an arrival on shard 1 once shard 0's tick published it, not before.
        Assert.That(sim.Runtime.Send(forwarder, new Forward(sink)), Is.EqualTo(SendResult.Ok));
        Assert.That(sim.Shard(1).HasArrivals(), Is.False, "still in shard 0's inbox");
        sim.Runtime.RunRound([0]);
        Assert.That(sim.Shard(1).HasArrivals(), Is.True, "published by shard 0's flush");
        sim.Runtime.RunRound([1]);
        Assert.That(sim.Shard(1).HasArrivals(), Is.False);
        Assert.That(sim.Instance<Counter>(sink).Total, Is.EqualTo(2));
    }

    public readonly record struct Forward(Handle To);

    /// <summary>Sends Add(1) to the handle it is told.</summary>
    public sealed class Forwarder : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Forward forward))
            {
                ctx.Send(forward.To, new Add(1));
            }

            return Effect.Receive;
        }
    }
}
