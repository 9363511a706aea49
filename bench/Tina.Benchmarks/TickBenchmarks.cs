using System.Threading;
using BenchmarkDotNet.Attributes;
using Tina.Advanced;

namespace Tina.Benchmarks;

/// <summary>
/// The fixed costs a shard pays when there is nothing to do: one empty tick, the <c>Thread.SpinWait(8)</c> the
/// runner adds between empty ticks while it polls (together they set how soon a polling shard notices a new message,
/// which adds to every cross-shard hop), and the process-wide barrier <c>ShardSignal.PrepareToPark</c> issues on
/// every attempt to park, next to the full fence a waker-side protocol would use instead.
/// </summary>
/// <remarks>
/// Before issue 11, <see cref="EmptyTick"/> called the internal <c>Shard.RunTick</c>. It now runs a one-shard round
/// of the public <see cref="DeterministicRuntime"/> (<c>RunRound([0])</c>): the same tick plus the round's entry and
/// exit (a check of the shard index, saving and restoring the thread's driving runtime, a try/finally), a few
/// nanoseconds more than the bare tick, and the time read is a virtual <see cref="System.TimeProvider"/> call.
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class TickBenchmarks
{
    private static readonly int[] s_shard0 = [0];

    private DeterministicRuntime _driven = null!;

    [GlobalSetup]
    public void Setup()
    {
        var spec = new TinaSpec { ShardCount = 2 };
        spec.AddIsolate<CountingSink>(slots: 1);
        spec.AddIsolate<EchoReplier>(slots: 1);
        _driven = Driven.Create(spec);
        _driven.Runtime.Spawn<CountingSink>(0);
        _driven.Runtime.Spawn<EchoReplier>(0);
        Driven.UntilIdle(_driven);
        if (_driven.RunRound(s_shard0))
        {
            throw new System.InvalidOperationException("EmptyTick: shard 0 still had work; the benchmark would not measure an empty tick.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _driven.Dispose();

    /// <summary>One tick of an idle shard of a 2-shard runtime (2 isolate types, 1 inbound ring).</summary>
    [Benchmark]
    public bool EmptyTick() => _driven.RunRound(s_shard0);

    /// <summary>The pause the runner inserts after each empty tick while polling.</summary>
    [Benchmark]
    public void SpinWait8() => Thread.SpinWait(8);

    /// <summary>What every park attempt pays (membarrier / IPI to every CPU of the process on Linux).</summary>
    [Benchmark]
    public void MemoryBarrierProcessWide() => Interlocked.MemoryBarrierProcessWide();

    /// <summary>A local full fence: what a waker would pay per publish if the sleeper did not use the process-wide barrier.</summary>
    [Benchmark]
    public void MemoryBarrier() => Interlocked.MemoryBarrier();
}
