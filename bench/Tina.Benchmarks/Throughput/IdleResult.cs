namespace Tina.Benchmarks.Throughput;

/// <summary>CPU used by an idle runtime over one window, in percent of one core.</summary>
internal sealed class IdleResult
{
    public double ProcessCpuPercent { get; init; }

    public double ShardThreadsCpuPercent { get; init; }

    public long Parks { get; init; }

    public long Ticks { get; init; }
}
