using System;
using BenchmarkDotNet.Attributes;
using Tina.Advanced;

namespace Tina.Benchmarks;

/// <summary>
/// The cross-shard code path (ring claim, publish, drain, copy into the receiver's pool, dispatch) with both shards
/// stepped on the benchmark thread (<see cref="DeterministicRuntime"/>): the CPU cost per message with every cache
/// line local. The threaded numbers (<c>--throughput</c>) add the cost of moving cache lines between cores; the gap
/// between the two is what the hardware charges.
/// </summary>
/// <remarks>
/// Before issue 11, <see cref="OneWay"/> called the internal <c>Shard.Send</c> of shard 0 from the benchmark thread.
/// The public driver's send lands in the target's mailbox directly (no ring), so the remote sends now come from a
/// handler: a <see cref="BurstSender"/> on shard 0, kicked once per 256 pings, sends them with <c>ctx.Send</c>. Per
/// message that adds 1/256 of a local kick (send + dispatch, about 0.1 ns) to the same ring path as before.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class CrossShardPathBenchmarks
{
    /// <summary>Messages per invocation of <see cref="OneWay"/>.</summary>
    public const int MessagesPerInvoke = 4096;

    /// <summary>Sends between two rounds of <see cref="OneWay"/> (at most the ring capacity and the dispatch budget).</summary>
    public const int SendsPerRound = 256;

    /// <summary>Round trips per invocation of <see cref="CallReply"/>.</summary>
    public const int RoundTripsPerInvoke = 1024;

    private DeterministicRuntime _driven = null!;
    private TinaRuntime _runtime = null!;
    private Handle _sender;     // on shard 0
    private Handle _sink;       // on shard 1
    private Handle _caller;     // on shard 0
    private Handle _replier;    // on shard 1
    private Handle _nearRelay;  // on shard 0
    private Handle _farRelay;   // on shard 1

    [GlobalSetup]
    public void Setup()
    {
        var spec = new TinaSpec
        {
            ShardCount = 2,
            MessagePoolCapacity = 16384,
            RingCapacity = 1024,
        };
        spec.AddIsolate<CountingSink>(slots: 1, mailboxCapacity: 4096);
        spec.AddIsolate<BurstSender>(slots: 1, mailboxCapacity: 4);
        spec.AddIsolate<PingCaller>(slots: 1, mailboxCapacity: 4);
        spec.AddIsolate<EchoReplier>(slots: 1, mailboxCapacity: 4);
        spec.AddIsolate<HopRelay>(slots: 2, mailboxCapacity: 4);
        _driven = Driven.Create(spec);
        _runtime = _driven.Runtime;
        _sink = _runtime.Spawn<CountingSink>(1).Handle;
        _sender = _runtime.Spawn<BurstSender>(0).Handle;
        _caller = _runtime.Spawn<PingCaller>(0).Handle;
        _replier = _runtime.Spawn<EchoReplier>(1).Handle;
        _nearRelay = _runtime.Spawn<HopRelay>(0).Handle;
        _farRelay = _runtime.Spawn<HopRelay>(1).Handle;
        Driven.UntilIdle(_driven);

        BenchmarkCheck.Equal(nameof(OneWay), MessagesPerInvoke, Delta(ShardCounter.MessagesReceivedRemote, () => OneWay()));
        BenchmarkCheck.Equal("refused sends", 0, _driven.InstanceOf<BurstSender>(_sender).Refused);
        BenchmarkCheck.Equal("sink count", MessagesPerInvoke, _driven.InstanceOf<CountingSink>(_sink).Received);
        BenchmarkCheck.Equal(nameof(CallReply), RoundTripsPerInvoke, Delta(ShardCounter.CallsReplied, () => CallReply()));
        BenchmarkCheck.Equal(nameof(SendPingPong), 2 * RoundTripsPerInvoke, Delta(ShardCounter.MessagesReceivedRemote, () => SendPingPong()));
    }

    [GlobalCleanup]
    public void Cleanup() => _driven.Dispose();

    /// <summary>A sender on shard 0 sends 4,096 pings to a sink on shard 1, 256 per round; reported per message.</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public int OneWay()
    {
        for (int sent = 0; sent < MessagesPerInvoke; sent += SendsPerRound)
        {
            _driven.Send(Handle.None, _sender, new Burst(_sink, SendsPerRound));
            _driven.RunRound();
        }

        return Driven.UntilIdle(_driven);
    }

    /// <summary>A caller on shard 0 makes 1,024 calls to a replier on shard 1; reported per round trip.</summary>
    [Benchmark(OperationsPerInvoke = RoundTripsPerInvoke)]
    public int CallReply()
    {
        _driven.Send(Handle.None, _caller, new CallerStart(_replier, RoundTripsPerInvoke));
        return Driven.UntilIdle(_driven);
    }

    /// <summary>
    /// Two relays on shards 0 and 1 bounce one message with one-way sends, 1,024 round trips (2,048 hops); reported
    /// per round trip, the one-way twin of <see cref="CallReply"/>.
    /// </summary>
    [Benchmark(OperationsPerInvoke = RoundTripsPerInvoke)]
    public int SendPingPong()
    {
        // The driver's kick lands in the far relay's mailbox directly; every hop after it crosses shards, and a hop
        // count of 2,048 makes 2,048 of them (each relay sends while the count it got is above zero).
        _driven.Send(Handle.None, _farRelay, new Hop(_nearRelay, 2 * RoundTripsPerInvoke));
        return Driven.UntilIdle(_driven);
    }

    private long Delta(ShardCounter counter, Action operation)
    {
        long before = _runtime.Total(counter);
        operation();
        return _runtime.Total(counter) - before;
    }
}
