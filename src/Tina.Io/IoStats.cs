using System;

namespace Tina.Io;

/// <summary>A snapshot of one shard's <see cref="IoCounter"/>s and table occupancy.</summary>
public sealed class IoStats
{
    private readonly long[] _values;

    internal IoStats(int shard, string backend, long[] values, int liveConnections, int freeBuffers, int bufferCount = 0, int receiveBuffersInHand = 0, int receiveBufferCount = 0)
    {
        Shard = shard;
        Backend = backend;
        _values = values;
        LiveConnections = liveConnections;
        FreeBuffers = freeBuffers;
        BufferCount = bufferCount;
        ReceiveBuffersInHand = receiveBuffersInHand;
        ReceiveBufferCount = receiveBufferCount;
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

    /// <summary>The shard's I/O pool size (<see cref="IoOptions.BufferCount"/>); <c>BufferCount - FreeBuffers</c> are in use.</summary>
    public int BufferCount { get; }

    /// <summary>
    /// Provided receive buffers (io_uring's multishot ring) held by connections or lent to isolates now; 0 on backends
    /// without a provided-buffer ring. With <see cref="FreeBuffers"/> this says what idle connections cost: nothing.
    /// </summary>
    public int ReceiveBuffersInHand { get; }

    /// <summary>Size of the provided-buffer ring (<see cref="IoOptions.ReceiveBufferCount"/>), 0 when the backend has none.</summary>
    public int ReceiveBufferCount { get; }

    /// <summary>One counter's value.</summary>
    public long this[IoCounter counter] =>
        (uint)counter < (uint)_values.Length ? _values[(int)counter] : throw new ArgumentOutOfRangeException(nameof(counter));
}
