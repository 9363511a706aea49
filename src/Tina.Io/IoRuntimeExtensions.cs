using System;
using Tina.Advanced;
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
        if (ReactorHost.ReactorOf(runtime, shard) is IoReactor reactor)
        {
            return reactor.Snapshot();
        }

        return new IoStats(shard, "none", new long[(int)IoCounter.Count], 0, 0);
    }

    /// <summary>
    /// Waits (any thread, polling every millisecond) until every shard has created its reactor, which each does on
    /// its own thread at its first tick after <see cref="TinaRuntime.Start"/>; from then on
    /// <see cref="IoStats.Backend"/> names the backend each shard really runs (io_uring, or epoll after a fallback).
    /// False when <paramref name="timeout"/> passed first (a runtime not started, or a shard that failed to boot).
    /// </summary>
    public static bool WaitForIoBackends(this TinaRuntime runtime, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(runtime);
#pragma warning disable RS0030 // an outside caller's bounded wait (never a shard thread: shards create the reactors it waits for)
        long deadline = Environment.TickCount64 + (long)Math.Max(0, timeout.TotalMilliseconds);
        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            while (ReactorHost.ReactorOf(runtime, shard) is not IoReactor)
            {
                if (Environment.TickCount64 >= deadline)
                {
                    return false;
                }

                System.Threading.Thread.Sleep(1);
            }
        }
#pragma warning restore RS0030

        return true;
    }
}
