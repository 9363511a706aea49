using System;

namespace Overload;

/// <summary>Latencies in 10 µs buckets up to 5 s (one more bucket for anything longer); one per reader, merged at the end.</summary>
internal sealed class LatencyHistogram
{
    private const int BucketMicros = 10;
    private readonly int[] _buckets = new int[500_001];

    public long Count { get; private set; }

    public void Add(long micros)
    {
        _buckets[Math.Min(_buckets.Length - 1, micros / BucketMicros)]++;
        Count++;
    }

    public void Merge(LatencyHistogram other)
    {
        for (int i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] += other._buckets[i];
        }

        Count += other.Count;
    }

    /// <summary>The latency (µs, bucket's upper edge) under which <paramref name="fraction"/> of the samples lie.</summary>
    public double Percentile(double fraction)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        long target = (long)Math.Ceiling(Count * fraction);
        long seen = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= target)
            {
                return (i + 1) * BucketMicros;
            }
        }

        return _buckets.Length * BucketMicros;
    }
}
