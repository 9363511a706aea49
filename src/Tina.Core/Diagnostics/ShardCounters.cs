using System.Runtime.CompilerServices;
using System.Threading;
using Tina.Memory;

namespace Tina.Diagnostics;

/// <summary>
/// A shard's counters: plain longs bumped by the shard thread (no atomics on the shard path), read by others with
/// <c>Volatile.Read</c> (64-bit reads do not tear on 64-bit targets). The one counter outside threads write is
/// bumped only with <see cref="IncrementShared"/> (interlocked). Padded at both ends so two shards' counters
/// never share a cache line.
/// </summary>
internal sealed class ShardCounters
{
    private readonly long[] _values = new long[(int)ShardCounter.Count + (2 * CacheLine.PaddingLongs)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment(ShardCounter counter) => _values[CacheLine.PaddingLongs + (int)counter]++;

    /// <summary>
    /// For a counter written by threads outside the shard (<see cref="ShardCounter.ExternalInboxFull"/>: every
    /// outside producer refused by a full inbox), concurrently: an interlocked add, so no increment is lost (a plain
    /// <c>++</c> lost about 1 in 2,000 under 8 producers). Such a counter is never written with
    /// <see cref="Increment"/> or <see cref="Add"/>, which are plain read-modify-writes for the shard thread.
    /// </summary>
    public void IncrementShared(ShardCounter counter) => Interlocked.Increment(ref _values[CacheLine.PaddingLongs + (int)counter]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ShardCounter counter, long amount) => _values[CacheLine.PaddingLongs + (int)counter] += amount;

    /// <summary>Sets a gauge-like counter (the shard thread only; readers see it with a volatile load).</summary>
    public void Set(ShardCounter counter, long value) => Volatile.Write(ref _values[CacheLine.PaddingLongs + (int)counter], value);

    public long Read(ShardCounter counter) => Volatile.Read(ref _values[CacheLine.PaddingLongs + (int)counter]);
}
