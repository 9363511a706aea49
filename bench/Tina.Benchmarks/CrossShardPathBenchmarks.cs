using System;
using BenchmarkDotNet.Attributes;
using Tina.Scheduling;
using Tina.Time;

namespace Tina.Benchmarks;

/// <summary>
/// The cross-shard code path (ring claim, publish, drain, copy into the receiver's pool, dispatch) with both shards
/// driven on the benchmark thread: the CPU cost per message with every cache line local. The threaded numbers
/// (<c>--throughput</c>) add the cost of moving cache lines between cores; the gap between the two is what the
/// hardware charges.
/// </summary>
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

    private TinaRuntime _runtime = null!;
    private Shard _shard0 = null!;
    private Handle _sink;       // on shard 1
    private Handle _caller;     // on shard 0
    private Handle _replier;    // on shard 1

    [GlobalSetup]
    public void Setup()
    {
        var spec = new TinaSpec
        {
            ShardCount = 2,
            PinThreads = false,
            MessagePoolCapacity = 16384,
            RingCapacity = 1024,
            Clock = new ManualClock(),
        };
        spec.AddIsolate<CountingSink>(slots: 1, mailboxCapacity: 4096);
        spec.AddIsolate<PingCaller>(slots: 1, mailboxCapacity: 4);
        spec.AddIsolate<EchoReplier>(slots: 1, mailboxCapacity: 4);
        _runtime = TinaRuntime.Create(spec);
        _shard0 = _runtime.ShardAt(0);
        _sink = _runtime.Spawn<CountingSink>(1).Handle;
        _caller = _runtime.Spawn<PingCaller>(0).Handle;
        _replier = _runtime.Spawn<EchoReplier>(1).Handle;

        BenchmarkCheck.Equal(nameof(OneWay), MessagesPerInvoke, Delta(ShardCounter.MessagesReceivedRemote, () => OneWay()));
        BenchmarkCheck.Equal(nameof(CallReply), RoundTripsPerInvoke, Delta(ShardCounter.CallsReplied, () => CallReply()));
    }

    [GlobalCleanup]
    public void Cleanup() => _runtime.Dispose();

    /// <summary>Shard 0 sends 4,096 pings to a sink on shard 1, 256 per round; reported per message.</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public int OneWay()
    {
        for (int sent = 0; sent < MessagesPerInvoke; sent += SendsPerRound)
        {
            for (int i = 0; i < SendsPerRound; i++)
            {
                _shard0.Send(Handle.None, _sink, new Ping(i), MessageKind.User, 0);
            }

            _runtime.RunRound();
        }

        return _runtime.RunUntilIdle();
    }

    /// <summary>A caller on shard 0 makes 1,024 calls to a replier on shard 1; reported per round trip.</summary>
    [Benchmark(OperationsPerInvoke = RoundTripsPerInvoke)]
    public int CallReply()
    {
        _shard0.Send(Handle.None, _caller, new CallerStart(_replier, RoundTripsPerInvoke), MessageKind.User, 0);
        return _runtime.RunUntilIdle();
    }

    private long Delta(ShardCounter counter, Action operation)
    {
        long before = _runtime.Total(counter);
        operation();
        return _runtime.Total(counter) - before;
    }
}
