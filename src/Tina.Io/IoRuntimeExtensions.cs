using System;
using Tina.Io.Reactor;

namespace Tina.Io;

/// <summary>Reads a runtime's I/O state from outside its shards.</summary>
public static class IoRuntimeExtensions
{
    /// <summary>
    /// A snapshot of one shard's I/O counters (any thread; values written by the shard thread are read with
    /// volatile loads and may be a tick old). Zero before the shard's first tick creates its reactor.
    /// </summary>
    public static IoStats GetIoStats(this TinaRuntime runtime, int shard)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, runtime.ShardCount);
        if (runtime.ShardAt(shard).Reactor is IoReactor reactor)
        {
            return reactor.Snapshot();
        }

        return new IoStats(shard, "none", new long[(int)IoCounter.Count], 0, 0);
    }
}
