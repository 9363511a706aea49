namespace Tina.Benchmarks.Throughput;

/// <summary>What one measured window of one scenario showed. Rates are per second of the window.</summary>
internal sealed class RunResult
{
    /// <summary>Units of work per second (delivered messages, or round trips).</summary>
    public double WorkPerSecond { get; init; }

    /// <summary>The cross-shard part of <see cref="WorkPerSecond"/>, or NaN where the scenario does not split it.</summary>
    public double RemotePerSecond { get; init; } = double.NaN;

    /// <summary>Managed bytes allocated by the whole process during the window, per message.</summary>
    public double BytesPerMessage { get; init; }

    /// <summary>Gen-0 collections during the window.</summary>
    public int Gen0Collections { get; init; }

    /// <summary>Process CPU time over the window, in percent of one core.</summary>
    public double ProcessCpuPercent { get; init; }

    /// <summary>Ticks per second of each shard.</summary>
    public double[] TicksPerSecond { get; init; } = [];

    /// <summary>Sends refused per second (ring full, mailbox full, pool exhausted), summed over shards.</summary>
    public double RefusedPerSecond { get; init; }

    /// <summary>Messages dropped on delivery (inbound mailbox full, pool exhausted, stale handle).</summary>
    public long InboundDrops { get; init; }

    /// <summary>Calls that did not end with a reply (timeout, fast failure, no reply, failed by callee).</summary>
    public long CallFailures { get; init; }

    /// <summary>Idle share of the machine measured just before the run (NaN when not measured).</summary>
    public double IdleBefore { get; init; } = double.NaN;

    /// <summary>Times any shard parked.</summary>
    public long Parks { get; init; }
}
