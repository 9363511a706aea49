using System;

namespace Tina.Io;

/// <summary>A snapshot of one shard's <see cref="IoCounter"/>s and table occupancy.</summary>
public sealed class IoStats
{
    private readonly long[] _values;

    internal IoStats(int shard, string backend, long[] values, int liveConnections, int freeBuffers)
    {
        Shard = shard;
        Backend = backend;
        _values = values;
        LiveConnections = liveConnections;
        FreeBuffers = freeBuffers;
    }

    /// <summary>The shard.</summary>
    public int Shard { get; }

    /// <summary>The backend the shard's reactor runs on ("epoll", "io_uring", ...), or "none" before its first tick.</summary>
    public string Backend { get; }

    /// <summary>
    /// Entries in use in the connection table (listeners, connections, entries still closing); an entry reserved for a
    /// connection an accept in flight may bring is not counted until that connection arrives.
    /// </summary>
    public int LiveConnections { get; }

    /// <summary>I/O buffers on the free stack.</summary>
    public int FreeBuffers { get; }

    /// <summary>One counter's value.</summary>
    public long this[IoCounter counter] =>
        (uint)counter < (uint)_values.Length ? _values[(int)counter] : throw new ArgumentOutOfRangeException(nameof(counter));
}
