using System.Threading;
using BenchmarkDotNet.Attributes;
using Tina.Scheduling;
using Tina.Time;

namespace Tina.Benchmarks;

/// <summary>
/// The fixed costs a shard pays when there is nothing to do: one empty tick, the <c>Thread.SpinWait(8)</c> the
/// runner adds between empty ticks while it polls (together they set how soon a polling shard notices a new message,
/// which adds to every cross-shard hop), and the process-wide barrier <c>ShardSignal.PrepareToPark</c> issues on
/// every attempt to park, next to the full fence a waker-side protocol would use instead.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class TickBenchmarks
{
    private TinaRuntime _runtime = null!;
    private Shard _shard = null!;

    [GlobalSetup]
    public void Setup()
    {
        var spec = new TinaSpec { ShardCount = 2, PinThreads = false, Clock = new ManualClock() };
        spec.AddIsolate<CountingSink>(slots: 1);
        spec.AddIsolate<EchoReplier>(slots: 1);
        _runtime = TinaRuntime.Create(spec);
        _runtime.Spawn<CountingSink>(0);
        _runtime.Spawn<EchoReplier>(0);
        _shard = _runtime.ShardAt(0);
    }

    [GlobalCleanup]
    public void Cleanup() => _runtime.Dispose();

    /// <summary>One tick of an idle shard of a 2-shard runtime (2 isolate types, 1 inbound ring).</summary>
    [Benchmark]
    public bool EmptyTick() => _shard.RunTick();

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
