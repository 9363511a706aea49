using System;
using BenchmarkDotNet.Attributes;
using Tina.Advanced;

namespace Tina.Benchmarks;

/// <summary>
/// Send and dispatch on one shard, stepped on the benchmark thread through the public deterministic facade
/// (<see cref="DeterministicRuntime"/>: a runtime that is never started, whose rounds the caller runs, under a
/// <see cref="FrozenTime"/> clock): no threads, no cross-core traffic. Every benchmark reports per message
/// (OperationsPerInvoke), except <see cref="LocalCallReply"/>, which reports per round trip (two messages: call and
/// reply).
/// </summary>
/// <remarks>
/// Before issue 11 these reached into the shard (<c>Shard.Send</c>, <c>TinaRuntime.RunUntilIdle</c>) through
/// <c>InternalsVisibleTo</c>. Now the driver's send is <see cref="DeterministicRuntime.Send{T}"/>, which is that same
/// local send behind a handle-range check and a zero-tag test, and "until idle" is a loop over
/// <see cref="DeterministicRuntime.RunRound()"/> (each round also sets and restores the thread's driving runtime, a
/// few nanoseconds per round, amortised over up to 256 messages). Time reads go through a virtual
/// <see cref="TimeProvider.GetTimestamp"/> once per tick instead of the internal manual clock. The handler-side
/// benchmarks measure exactly what they did: <c>ctx.Send</c> and dispatch inside the shard.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class IntraShardBenchmarks
{
    /// <summary>Messages handled per invocation of each per-message benchmark.</summary>
    public const int MessagesPerInvoke = 4096;

    /// <summary>Round trips per invocation of <see cref="LocalCallReply"/>.</summary>
    public const int RoundTripsPerInvoke = 1024;

    /// <summary>Relay pairs bounced concurrently by <see cref="HandlerSendChain64InFlight"/>.</summary>
    public const int ManyPairs = 64;

    private DeterministicRuntime _driven = null!;
    private TinaRuntime _runtime = null!;
    private Handle _sink;
    private Handle[] _relays = Array.Empty<Handle>();   // pairs: [2i] and [2i + 1]
    private Handle _caller;
    private Handle _replier;

    [GlobalSetup]
    public void Setup()
    {
        var spec = new TinaSpec
        {
            ShardCount = 1,
            MessagePoolCapacity = 16384,
        };
        spec.AddIsolate<CountingSink>(slots: 1, mailboxCapacity: MessagesPerInvoke);
        spec.AddIsolate<HopRelay>(slots: 2 * ManyPairs, mailboxCapacity: 4);
        spec.AddIsolate<PingCaller>(slots: 1, mailboxCapacity: 4);
        spec.AddIsolate<EchoReplier>(slots: 1, mailboxCapacity: 4);
        _driven = Driven.Create(spec);
        _runtime = _driven.Runtime;
        _sink = _runtime.Spawn<CountingSink>(0).Handle;
        _relays = new Handle[2 * ManyPairs];
        for (int i = 0; i < _relays.Length; i++)
        {
            _relays[i] = _runtime.Spawn<HopRelay>(0).Handle;
        }

        _caller = _runtime.Spawn<PingCaller>(0).Handle;
        _replier = _runtime.Spawn<EchoReplier>(0).Handle;
        Driven.UntilIdle(_driven); // the start messages

        // Each operation must do exactly the work it is divided by.
        BenchmarkCheck.Equal(nameof(DriverSendThenDispatch), MessagesPerInvoke, HandledBy(() => DriverSendThenDispatch()));
        BenchmarkCheck.Equal("sink count", MessagesPerInvoke, _driven.InstanceOf<CountingSink>(_sink).Received);
        BenchmarkCheck.Equal(nameof(HandlerSendChain1InFlight), MessagesPerInvoke, HandledBy(() => HandlerSendChain1InFlight()));
        BenchmarkCheck.Equal(nameof(HandlerSendChain64InFlight), MessagesPerInvoke, HandledBy(() => HandlerSendChain64InFlight()));
        BenchmarkCheck.Equal(nameof(LocalCallReply), (2 * RoundTripsPerInvoke) + 1, HandledBy(() => LocalCallReply()));
        BenchmarkCheck.Equal("replies", RoundTripsPerInvoke, _runtime.Total(ShardCounter.CallsReplied));
    }

    [GlobalCleanup]
    public void Cleanup() => _driven.Dispose();

    /// <summary>
    /// The benchmark thread sends 4,096 pings into one mailbox (the local send <c>Context.Send</c> makes, through
    /// <see cref="DeterministicRuntime.Send{T}"/>), then runs rounds until the sink has handled them all.
    /// </summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public int DriverSendThenDispatch()
    {
        for (int i = 0; i < MessagesPerInvoke; i++)
        {
            _driven.Send(Handle.None, _sink, new Ping(i));
        }

        return Driven.UntilIdle(_driven);
    }

    /// <summary>Two relays bounce one hop 4,096 times: each handler sends the next message (one in flight).</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public int HandlerSendChain1InFlight() => BounceHops(pairs: 1);

    /// <summary>64 relay pairs bounce 64 hops each: 64 messages in flight, spread over 128 mailboxes.</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public int HandlerSendChain64InFlight() => BounceHops(pairs: ManyPairs);

    /// <summary>
    /// One caller makes 1,024 calls to a replier on the same shard; reported per round trip (call, reply, and one
    /// kick message per 1,024 round trips).
    /// </summary>
    [Benchmark(OperationsPerInvoke = RoundTripsPerInvoke)]
    public int LocalCallReply()
    {
        _driven.Send(Handle.None, _caller, new CallerStart(_replier, RoundTripsPerInvoke));
        return Driven.UntilIdle(_driven);
    }

    private int BounceHops(int pairs)
    {
        long hopsPerPair = MessagesPerInvoke / pairs;
        for (int p = 0; p < pairs; p++)
        {
            // The kick is the first of the pair's messages; the relays send the other hopsPerPair - 1.
            _driven.Send(Handle.None, _relays[2 * p], new Hop(_relays[(2 * p) + 1], hopsPerPair - 1));
        }

        return Driven.UntilIdle(_driven);
    }

    private long HandledBy(Action operation)
    {
        long before = _runtime.Total(ShardCounter.MessagesHandled);
        operation();
        return _runtime.Total(ShardCounter.MessagesHandled) - before;
    }
}
