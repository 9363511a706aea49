using System;
using Tina;

namespace HostedApi;

/// <summary>The isolates the routes call, spawned at boot across the shards; a key picks one by its hash.</summary>
public sealed class IsolateDirectory
{
    public const int PerKind = 8;

    public Handle[] Counters { get; } = new Handle[PerKind];

    public Handle[] Limiters { get; } = new Handle[PerKind];

    public void Boot(TinaRuntime runtime)
    {
        for (int i = 0; i < PerKind; i++)
        {
            Counters[i] = runtime.Spawn<Counter>(i % runtime.ShardCount).Handle;
            Limiters[i] = runtime.Spawn<RateLimiter>(i % runtime.ShardCount).Handle;
        }
    }

    /// <summary>A stable 64-bit FNV-1a hash of the key (string.GetHashCode is randomised per process).</summary>
    public static long KeyOf(string key)
    {
        ulong hash = 14695981039346656037;
        foreach (char c in key)
        {
            hash = (hash ^ c) * 1099511628211;
        }

        return (long)hash;
    }

    public Handle CounterFor(long key) => Counters[(int)((ulong)key % PerKind)];

    public Handle LimiterFor(long key) => Limiters[(int)((ulong)key % PerKind)];
}
