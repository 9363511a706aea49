using System.Runtime.CompilerServices;
using System.Threading;
using Tina.Memory;

namespace Tina.Diagnostics;

/// <summary>
/// A shard's counters: plain longs bumped by the shard thread (no atomics on the shard path), read by others with
/// <c>Volatile.Read</c> (64-bit reads do not tear on 64-bit targets). Padded at both ends so two shards' counters
/// never share a cache line.
/// </summary>
internal sealed class ShardCounters
{
    private readonly long[] _values = new long[(int)ShardCounter.Count + (2 * CacheLine.PaddingLongs)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Increment(ShardCounter counter) => _values[CacheLine.PaddingLongs + (int)counter]++;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ShardCounter counter, long amount) => _values[CacheLine.PaddingLongs + (int)counter] += amount;

    public long Read(ShardCounter counter) => Volatile.Read(ref _values[CacheLine.PaddingLongs + (int)counter]);
}
