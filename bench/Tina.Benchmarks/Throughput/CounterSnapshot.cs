namespace Tina.Benchmarks.Throughput;

/// <summary>
/// Every counter of every shard, through the public <see cref="TinaRuntime.GetStats"/>. Reading allocates one
/// <see cref="ShardStats"/> per shard, so the runner reads snapshots just outside its allocation bracket (a few
/// microseconds outside the timed window, against a window of seconds).
/// </summary>
internal sealed class CounterSnapshot
{
    private readonly ShardStats[] _stats;

    public CounterSnapshot(int shards) => _stats = new ShardStats[shards];

    public void Read(TinaRuntime runtime)
    {
        for (int s = 0; s < _stats.Length; s++)
        {
            _stats[s] = runtime.GetStats(s);
        }
    }

    public long this[int shard, ShardCounter counter] => _stats[shard][counter];

    /// <summary>Sum over shards of <c>after - before</c> for one counter.</summary>
    public static long TotalDelta(CounterSnapshot before, CounterSnapshot after, ShardCounter counter)
    {
        long total = 0;
        for (int s = 0; s < before._stats.Length; s++)
        {
            total += after[s, counter] - before[s, counter];
        }

        return total;
    }
}
