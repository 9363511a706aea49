using System;
using Tina.Diagnostics;

namespace Tina;

/// <summary>A snapshot of one shard's counters, taken from any thread.</summary>
public sealed class ShardStats
{
    private readonly long[] _values = new long[(int)ShardCounter.Count];

    internal ShardStats(int shard, ShardCounters counters)
    {
        Shard = shard;
        for (int i = 0; i < _values.Length; i++)
        {
            _values[i] = counters.Read((ShardCounter)i);
        }
    }

    /// <summary>The shard.</summary>
    public int Shard { get; }

    /// <summary>The value of one counter.</summary>
    public long this[ShardCounter counter] =>
        (uint)counter < (uint)_values.Length ? _values[(int)counter] : throw new ArgumentOutOfRangeException(nameof(counter));
}
