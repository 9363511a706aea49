using System;
using System.Threading;

namespace Overload;

/// <summary>
/// Latencies in 10 µs buckets up to 5 s (one more bucket for anything longer), shared by every connection's read loop
/// (they run on the thread pool), so a bucket is bumped with an interlocked add.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int BucketMicros = 10;
    private readonly int[] _buckets = new int[500_001];

    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Add(long micros)
    {
        Interlocked.Increment(ref _buckets[Math.Min(_buckets.Length - 1, micros / BucketMicros)]);
        Interlocked.Increment(ref _count);
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
