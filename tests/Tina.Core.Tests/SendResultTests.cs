using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NUnit.Framework;
using Tina.Scheduling;
using Tina.Tests.Support;

namespace Tina.Tests;

public sealed class SendResultTests
{
    public readonly record struct Burst(Handle Target, int Count);

    public readonly record struct Item(int Index);

    public readonly record struct Quit;

    /// <summary>Sends Count items to Target in one invocation and keeps every result.</summary>
    public sealed class Sender : IIsolate
    {
        public readonly List<SendResult> Results = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Burst burst))
            {
                for (int i = 0; i < burst.Count; i++)
                {
                    Results.Add(ctx.Send(burst.Target, new Item(i)));
                }
            }

            return Effect.Receive;
        }
    }

    /// <summary>Records the items it receives, in order.</summary>
    public sealed class Sink : IIsolate
    {
        public readonly List<int> Received = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Item item))
            {
                Received.Add(item.Index);
            }

            return message.Is<Quit>() ? Effect.Done : Effect.Receive;
        }
    }

    public enum StaleKind
    {
        None,
        TypeIndexOutOfRange,
        SlotOutOfRange,
        ShardOutOfRange,
        ExitedIsolate,
        FutureGeneration,
    }

    private static TinaSpec Spec(int shards, int sinkMailbox = 64, int sinkSlots = 4)
    {
        TinaSpec spec = Deterministic.Spec(shards);
        spec.AddIsolate<Sender>(slots: 4);
        spec.AddIsolate<Sink>(slots: sinkSlots, mailboxCapacity: sinkMailbox);
        return spec;
    }

    [Test]
    public void Send_LocalToLiveIsolate_ReturnsOkAndDelivers()
    {
        using var sim = new Deterministic(Spec(shards: 1));
        Handle sink = sim.Spawn<Sink>(0);
        Handle sender = sim.Spawn<Sender, Burst>(0, new Burst(sink, 3));
        long sentBefore = sim.Counter(0, ShardCounter.MessagesSent);

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Sender>(sender).Results, Is.EqualTo(new[] { SendResult.Ok, SendResult.Ok, SendResult.Ok }));
            Assert.That(sim.Instance<Sink>(sink).Received, Is.EqualTo(new[] { 0, 1, 2 }));
            Assert.That(sim.Counter(0, ShardCounter.MessagesSent), Is.EqualTo(sentBefore + 3));
        });
    }

    [Test]
    public void Send_LocalBeyondMailboxCapacity_AcceptsExactlyCapacityThenMailboxFull()
    {
        using var sim = new Deterministic(Spec(shards: 1, sinkMailbox: 8));
        Handle sink = sim.Spawn<Sink>(0);
        Handle sender = sim.Spawn<Sender, Burst>(0, new Burst(sink, 10));

        sim.RunUntilIdle();

        List<SendResult> results = sim.Instance<Sender>(sender).Results;
        Assert.Multiple(() =>
        {
            Assert.That(results.Take(8), Is.All.EqualTo(SendResult.Ok));
            Assert.That(results.Skip(8), Is.EqualTo(new[] { SendResult.MailboxFull, SendResult.MailboxFull }));
            Assert.That(sim.Counter(0, ShardCounter.SendMailboxFull), Is.EqualTo(2));
            Assert.That(sim.Instance<Sink>(sink).Received, Is.EqualTo(Enumerable.Range(0, 8)));
        });
    }

    [Test]
    public void Send_LocalWhenOnlyPoolReserveIsLeft_ReturnsPoolExhausted()
    {
        TinaSpec spec = Spec(shards: 1, sinkMailbox: 1000);
        spec.MessagePoolCapacity = 64;
        using var sim = new Deterministic(spec);
        Shard shard = sim.Shard(0);
        Assert.That(shard.Pool.Reserve, Is.EqualTo(1), "max(1, 64 / 100)");
        Handle sink = sim.Spawn<Sink>(0);
        Handle sender = sim.Spawn<Sender, Burst>(0, new Burst(sink, 100));

        sim.RunUntilIdle();

        // 64 envelopes, 1 held by the sender's start message while it runs, 1 reserved for system traffic.
        int expectedOk = 64 - 1 - 1;
        List<SendResult> results = sim.Instance<Sender>(sender).Results;
        Assert.Multiple(() =>
        {
            Assert.That(results.Take(expectedOk), Is.All.EqualTo(SendResult.Ok));
            Assert.That(results.Skip(expectedOk), Is.All.EqualTo(SendResult.PoolExhausted));
            Assert.That(results, Has.Count.EqualTo(100));
            Assert.That(sim.Counter(0, ShardCounter.SendPoolExhausted), Is.EqualTo(100 - expectedOk));
            Assert.That(sim.Instance<Sink>(sink).Received, Has.Count.EqualTo(expectedOk));
            Assert.That(shard.Pool.FreeCount, Is.EqualTo(64), "every envelope came back");
        });
    }

    [TestCase(StaleKind.None)]
    [TestCase(StaleKind.TypeIndexOutOfRange)]
    [TestCase(StaleKind.SlotOutOfRange)]
    [TestCase(StaleKind.ShardOutOfRange)]
    [TestCase(StaleKind.ExitedIsolate)]
    [TestCase(StaleKind.FutureGeneration)]
    public void Send_LocalWithInvalidHandle_ReturnsStaleHandle(StaleKind kind)
    {
        using var sim = new Deterministic(Spec(shards: 1, sinkSlots: 4));
        Handle live = sim.Spawn<Sink>(0);
        Handle target = kind switch
        {
            StaleKind.None => Handle.None,
            StaleKind.TypeIndexOutOfRange => Handle.Pack(0, 7, 0, 1),
            StaleKind.SlotOutOfRange => Handle.Pack(0, live.Type, 4, 1),
            StaleKind.ShardOutOfRange => Handle.Pack(9, live.Type, 0, 1),
            StaleKind.FutureGeneration => Handle.Pack(0, live.Type, live.Slot, live.Generation + 1),
            _ => Exited(sim),
        };
        long sentBefore = sim.Counter(0, ShardCounter.MessagesSent);

        Handle sender = sim.Spawn<Sender, Burst>(0, new Burst(target, 1));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Sender>(sender).Results, Is.EqualTo(new[] { SendResult.StaleHandle }));
            Assert.That(sim.Counter(0, ShardCounter.SendStaleHandle), Is.EqualTo(1));
            Assert.That(sim.Counter(0, ShardCounter.MessagesSent), Is.EqualTo(sentBefore));
            Assert.That(sim.Instance<Sink>(live).Received, Is.Empty);
        });

        static Handle Exited(Deterministic sim)
        {
            Handle doomed = sim.Spawn<Sink>(0);
            sim.Runtime.Send(doomed, new Quit());
            sim.RunUntilIdle();
            return doomed;
        }
    }

    [Test]
    public void Send_RemoteBeyondRingCapacityInOneInvocation_ReturnsRingFull()
    {
        TinaSpec spec = Spec(shards: 2, sinkMailbox: 64);
        spec.RingCapacity = 16;
        using var sim = new Deterministic(spec);
        Handle sink = sim.Spawn<Sink>(1);
        Handle sender = sim.Spawn<Sender, Burst>(0, new Burst(sink, 17));

        sim.RunUntilIdle();

        List<SendResult> results = sim.Instance<Sender>(sender).Results;
        Assert.Multiple(() =>
        {
            Assert.That(results.Take(16), Is.All.EqualTo(SendResult.Ok));
            Assert.That(results[16], Is.EqualTo(SendResult.RingFull));
            Assert.That(sim.Counter(0, ShardCounter.SendRingFull), Is.EqualTo(1));
            Assert.That(sim.Instance<Sink>(sink).Received, Is.EqualTo(Enumerable.Range(0, 16)));
            Assert.That(sim.Counter(1, ShardCounter.MessagesReceivedRemote), Is.EqualTo(16));
        });
    }

    [Test]
    public void Send_RemoteToStoppedShard_ReturnsShardUnavailable()
    {
        using var sim = new Deterministic(Spec(shards: 2));
        Handle sink = sim.Spawn<Sink>(1);
        sim.Shard(1).Status = ShardStatus.Stopped;

        Handle sender = sim.Spawn<Sender, Burst>(0, new Burst(sink, 1));
        sim.RunUntilIdle();
        SendResult outside = sim.Runtime.Send(sink, new Item(0));

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Sender>(sender).Results, Is.EqualTo(new[] { SendResult.ShardUnavailable }));
            Assert.That(sim.Counter(0, ShardCounter.SendShardUnavailable), Is.EqualTo(1));
            Assert.That(outside, Is.EqualTo(SendResult.ShardUnavailable));
        });

        // Back to Running: the same sends go through, so the refusal was the status.
        sim.Shard(1).Status = ShardStatus.Running;
        Assert.That(sim.Runtime.Send(sink, new Item(7)), Is.EqualTo(SendResult.Ok));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Sink>(sink).Received, Is.EqualTo(new[] { 7 }));
    }

    [Test]
    public void Send_FromOutsideAfterStop_ReturnsShardUnavailable()
    {
        TinaSpec spec = Spec(shards: 1);
        spec.LogSink = new ListLogSink();
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Handle sink = runtime.Spawn<Sink>(0).Handle;
        runtime.Start();
        Assert.That(runtime.Send(sink, new Item(1)), Is.EqualTo(SendResult.Ok));

        Assert.That(runtime.Stop(TimeSpan.FromSeconds(30)), Is.True);

        Assert.Multiple(() =>
        {
            Assert.That(runtime.Send(sink, new Item(2)), Is.EqualTo(SendResult.ShardUnavailable));
            Assert.That(runtime.ShardAt(0).Status, Is.EqualTo(ShardStatus.Stopped));
        });
    }

    [Test]
    public void Send_FromOutsideBeyondInboxCapacity_ReturnsExternalInboxFullAndCountsIt()
    {
        TinaSpec spec = Spec(shards: 1, sinkMailbox: 64);
        spec.ExternalInboxCapacity = 16;
        using var sim = new Deterministic(spec);
        Handle sink = sim.Spawn<Sink>(0);

        var results = new List<SendResult>();
        for (int i = 0; i < 17; i++)
        {
            results.Add(sim.Runtime.Send(sink, new Item(i)));
        }

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(results.Take(16), Is.All.EqualTo(SendResult.Ok));
            Assert.That(results[16], Is.EqualTo(SendResult.ExternalInboxFull));
            Assert.That(sim.Counter(0, ShardCounter.ExternalInboxFull), Is.EqualTo(1));
            Assert.That(sim.Instance<Sink>(sink).Received, Is.EqualTo(Enumerable.Range(0, 16)));
        });

        // Draining the inbox makes room again.
        Assert.That(sim.Runtime.Send(sink, new Item(99)), Is.EqualTo(SendResult.Ok));
    }

    [Test]
    public void Deliver_RemoteBeyondMailboxCapacity_HoldsTheRingUntilRoomAndDeliversEverythingInOrder()
    {
        using var sim = new Deterministic(Spec(shards: 2, sinkMailbox: 4));
        Handle sink = sim.Spawn<Sink>(1);
        Handle sender = sim.Spawn<Sender, Burst>(0, new Burst(sink, 6));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Sender>(sender).Results, Is.All.EqualTo(SendResult.Ok), "the ring accepted all six");
            Assert.That(sim.Counter(1, ShardCounter.InboundHeld), Is.GreaterThan(0), "the fifth waited at the ring's head");
            Assert.That(sim.Counter(1, ShardCounter.InboundMailboxFull), Is.Zero, "nothing accepted was dropped");
            Assert.That(sim.Counter(1, ShardCounter.MessagesReceivedRemote), Is.EqualTo(6));
            Assert.That(sim.Instance<Sink>(sink).Received, Is.EqualTo(new[] { 0, 1, 2, 3, 4, 5 }));
        });
    }

    [Test]
    public void Deliver_RemoteWhenReceivingPoolAtReserve_HoldsTheRingUntilSlotsReturnAndDeliversEverything()
    {
        TinaSpec spec = Spec(shards: 2, sinkMailbox: 1000);
        spec.MessagePoolCapacity = 64;
        using var sim = new Deterministic(spec);
        Handle sink = sim.Spawn<Sink>(1);
        Handle sender = sim.Spawn<Sender, Burst>(0, new Burst(sink, 70));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Sender>(sender).Results, Is.All.EqualTo(SendResult.Ok));
            Assert.That(sim.Counter(1, ShardCounter.InboundHeld), Is.GreaterThan(0), "63 fit above the reserve; the rest waited");
            Assert.That(sim.Counter(1, ShardCounter.InboundPoolExhausted), Is.Zero);
            Assert.That(sim.Counter(1, ShardCounter.MessagesReceivedRemote), Is.EqualTo(70));
            Assert.That(sim.Instance<Sink>(sink).Received, Is.EqualTo(Enumerable.Range(0, 70)));
            Assert.That(sim.Shard(1).Pool.FreeCount, Is.EqualTo(64));
        });
    }

    [Test]
    public void Deliver_RemoteToExitedIsolate_DropsOnArrivalAndCountsInboundStaleHandle()
    {
        using var sim = new Deterministic(Spec(shards: 2));
        Handle sink = sim.Spawn<Sink>(1);
        sim.Runtime.Send(sink, new Quit());
        sim.RunUntilIdle();
        Handle sender = sim.Spawn<Sender, Burst>(0, new Burst(sink, 2));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Sender>(sender).Results, Is.All.EqualTo(SendResult.Ok));
            Assert.That(sim.Counter(1, ShardCounter.InboundStaleHandle), Is.EqualTo(2));
            Assert.That(sim.Shard(1).Pool.FreeCount, Is.EqualTo(sim.Shard(1).Pool.Capacity));
        });
    }
}
