namespace Tina.Benchmarks.Throughput;

/// <summary>Every counter of every shard, read into a preallocated array (no allocation while reading).</summary>
internal sealed class CounterSnapshot
{
    private readonly long[] _values;
    private readonly int _shards;

    public CounterSnapshot(int shards)
    {
        _shards = shards;
        _values = new long[shards * (int)ShardCounter.Count];
    }

    public void Read(TinaRuntime runtime)
    {
        for (int s = 0; s < _shards; s++)
        {
            var counters = runtime.ShardAt(s).Counters;
            for (int c = 0; c < (int)ShardCounter.Count; c++)
            {
                _values[(s * (int)ShardCounter.Count) + c] = counters.Read((ShardCounter)c);
            }
        }
    }

    public long this[int shard, ShardCounter counter] => _values[(shard * (int)ShardCounter.Count) + (int)counter];

    /// <summary>Sum over shards of <c>after - before</c> for one counter.</summary>
    public static long TotalDelta(CounterSnapshot before, CounterSnapshot after, ShardCounter counter)
    {
        long total = 0;
        for (int s = 0; s < before._shards; s++)
        {
            total += after[s, counter] - before[s, counter];
        }

        return total;
    }
}
