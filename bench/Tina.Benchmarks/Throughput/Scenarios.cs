using System;
using System.Collections.Generic;

namespace Tina.Benchmarks.Throughput;

/// <summary>
/// The multi-shard scenarios. All use the default ring (1,024 envelopes) and dispatch quantum (256); sinks get a
/// mailbox and a budget weight large enough to absorb a full ring per tick, because the inbound drain delivers a
/// whole ring per tick and drops (InboundMailboxFull) whatever the mailbox cannot take.
/// </summary>
internal static class Scenarios
{
    /// <summary>Producer isolates per producing shard.</summary>
    public const int ProducersPerShard = 4;

    /// <summary>Concurrent callers in the many-callers scenario.</summary>
    public const int ManyCallers = 64;

    /// <summary>Sink mailbox: several rings' worth, so delivery never drops while the sink keeps up.</summary>
    public const int SinkMailboxCapacity = 8192;

    /// <summary>Sink budget weight: 16 × 256 = 4,096 invocations per tick, more than a ring holds.</summary>
    public const int SinkBudgetWeight = 16;

    /// <summary>Polls so many empty ticks that a shard never parks during a run.</summary>
    public const int NeverPark = 100_000_000;

    public static IReadOnlyList<Scenario> All { get; } = new[]
    {
        new Scenario(
            "oneway",
            $"{ProducersPerShard} producers on shard 0 blast pings at one sink on shard 1 (send until refused, then Yield); delivered = handled by the sink",
            pinned => OneWay(pinned, new TinaSpec().DispatchQuantum, SinkBudgetWeight)),
        new Scenario(
            "oneway-quantum32",
            "as oneway with DispatchQuantum 32 (sink weight 255 keeps its budget above a ring): fewer futile producer re-runs per tick, more frequent publishes",
            pinned => OneWay(pinned, dispatchQuantum: 32, sinkBudgetWeight: 255)),
        new Scenario(
            "callreply-1",
            "1 caller on shard 0 calls a replier on shard 1 in a loop; both shards never park (IdlePollTicks 100,000,000)",
            pinned => CallReply(pinned, callers: 1, NeverPark)),
        new Scenario(
            "callreply-64",
            $"{ManyCallers} callers on shard 0, one call outstanding each, to one replier on shard 1; never park",
            pinned => CallReply(pinned, callers: ManyCallers, NeverPark)),
        new Scenario(
            "sendpingpong",
            "a relay on shard 0 and one on shard 1 bounce one message with one-way sends (ctx.Send both ways); both shards never park; one round trip = two hops",
            pinned => SendPingPong(pinned, NeverPark)),
        new Scenario(
            "callreply-1-poll2000",
            "as callreply-1 with the default IdlePollTicks (2,000)",
            pinned => CallReply(pinned, callers: 1, new TinaSpec().IdlePollTicks)),
        new Scenario(
            "callreply-1-park",
            "as callreply-1 with IdlePollTicks 0: each shard parks whenever a tick finds nothing, so every hop pays a wake-up",
            pinned => CallReply(pinned, callers: 1, idlePollTicks: 0)),
        new Scenario(
            "fanin-2shard",
            $"fan-in on 2 cores: {ProducersPerShard} producers on shard 0 (remote) and {ProducersPerShard} on shard 1 (local) send to one sink on shard 1",
            pinned => FanInTwoShards(pinned)),
        new Scenario(
            "fanin-3shard",
            $"{ProducersPerShard} producers on each of shards 0 and 1 send to a sink on shard 2; 3 busy shard threads on 2 vCPUs (oversubscribed), unpinned only",
            _ => FanInThreeShards(),
            canPin: false),
    };

    private static TinaSpec Spec(int shards, bool pinned, int idlePollTicks)
    {
        var coreMap = new int[shards];
        for (int i = 0; i < shards; i++)
        {
            coreMap[i] = i % Environment.ProcessorCount;
        }

        return new TinaSpec
        {
            ShardCount = shards,
            PinThreads = pinned,
            CoreMap = pinned ? coreMap : null,
            IdlePollTicks = idlePollTicks,
            MessagePoolCapacity = 16384,
        };
    }

    private static Rig OneWay(bool pinned, int dispatchQuantum, int sinkBudgetWeight)
    {
        TinaSpec spec = Spec(2, pinned, new TinaSpec().IdlePollTicks);
        spec.DispatchQuantum = dispatchQuantum;
        return Blast(spec, sinkBudgetWeight, sinkShard: 1, producerShards: [0], countRemote: false);
    }

    private static Rig FanInTwoShards(bool pinned) =>
        Blast(Spec(2, pinned, new TinaSpec().IdlePollTicks), SinkBudgetWeight, sinkShard: 1, producerShards: [0, 1], countRemote: true);

    private static Rig FanInThreeShards() =>
        Blast(Spec(3, pinned: false, new TinaSpec().IdlePollTicks), SinkBudgetWeight, sinkShard: 2, producerShards: [0, 1], countRemote: false);

    /// <summary>
    /// One <see cref="CountingSink"/> on <paramref name="sinkShard"/> and <see cref="ProducersPerShard"/> producers on
    /// each of <paramref name="producerShards"/> blasting at it; work is what the sink handled, and with
    /// <paramref name="countRemote"/> the part of it that came from another shard too.
    /// </summary>
    private static Rig Blast(TinaSpec spec, int sinkBudgetWeight, int sinkShard, int[] producerShards, bool countRemote)
    {
        // The sink publishes its counts to a tally handed in through the factory (the public way to read an
        // isolate's progress from another thread); slots: 1, so the factory runs once.
        var tally = new SinkTally();
        spec.AddIsolate(() => new CountingSink(tally), slots: 1, mailboxCapacity: SinkMailboxCapacity, budgetWeight: sinkBudgetWeight);
        spec.AddIsolate<BlastProducer>(slots: ProducersPerShard, mailboxCapacity: 4);
        var runtime = TinaRuntime.Create(spec);
        Handle sink = runtime.Spawn<CountingSink>(sinkShard).Handle;
        foreach (int shard in producerShards)
        {
            SpawnProducers(runtime, shard, sink);
        }

        return new Rig(
            runtime,
            "msgs",
            1,
            () => tally.Received,
            countRemote ? () => tally.ReceivedRemote : null);
    }

    private static Rig CallReply(bool pinned, int callers, int idlePollTicks)
    {
        TinaSpec spec = Spec(2, pinned, idlePollTicks);
        spec.AddIsolate<PingCaller>(slots: callers, mailboxCapacity: 4);
        spec.AddIsolate<EchoReplier>(slots: 1, mailboxCapacity: Math.Max(64, 2 * callers));
        var runtime = TinaRuntime.Create(spec);
        Handle replier = runtime.Spawn<EchoReplier>(1).Handle;
        for (int i = 0; i < callers; i++)
        {
            runtime.Spawn<PingCaller, CallerStart>(0, new CallerStart(replier, long.MaxValue));
        }

        // Counted on the caller's shard; Total reads every shard's counter without allocating.
        return new Rig(runtime, "round trips", 2, () => runtime.Total(ShardCounter.CallsReplied));
    }

    private static Rig SendPingPong(bool pinned, int idlePollTicks)
    {
        TinaSpec spec = Spec(2, pinned, idlePollTicks);
        spec.AddIsolate<HopRelay>(slots: 1, mailboxCapacity: 4);
        var runtime = TinaRuntime.Create(spec);
        Handle near = runtime.Spawn<HopRelay>(0).Handle;
        Handle far = runtime.Spawn<HopRelay>(1).Handle;
        // The first hop goes from outside (posted before the start, delivered by shard 1's first tick); each relay answers the sender of what it got (a hop count that does not
        // run out during a measurement: long.MaxValue).
        if (runtime.Send(far, new Hop(near, long.MaxValue)) != SendResult.Ok)
        {
            throw new InvalidOperationException("sendpingpong: the first hop was refused");
        }

        // Each relay handles one message per hop; a round trip is two hops, counted over both shards.
        return new Rig(runtime, "round trips", 2, () => runtime.Total(ShardCounter.MessagesHandled) / 2);
    }

    private static void SpawnProducers(TinaRuntime runtime, int shard, Handle sink)
    {
        for (int i = 0; i < ProducersPerShard; i++)
        {
            runtime.Spawn<BlastProducer, ProducerStart>(shard, new ProducerStart(sink));
        }
    }
}
