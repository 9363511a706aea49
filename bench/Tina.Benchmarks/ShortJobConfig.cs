using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Tina.Benchmarks;

/// <summary>
/// One launch, 3 warm-up and 5 measured iterations: a class runs in well under a minute. The machine is a shared
/// 2-vCPU VM, so repeat the whole run (RESULTS.md reports the range of 3 runs) rather than lengthen one.
/// </summary>
public sealed class ShortJobConfig : ManualConfig
{
    public ShortJobConfig() =>
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(5).WithId("Short"));
}
