using System;
using System.Collections.Generic;
using Tina.Isolates;
using Tina.Scheduling;
using Tina.Time;

namespace Tina.Tests.Support;

/// <summary>
/// An unstarted runtime driven on the test thread (RunRound / RunUntilIdle) with a manual clock that starts at 0
/// and moves only when the test advances it.
/// </summary>
internal sealed class Deterministic : IDisposable
{
    public Deterministic(TinaSpec spec)
    {
        Clock = new ManualClock();
        spec.Clock = Clock;
        if (ReferenceEquals(spec.LogSink, ConsoleLogSink.Instance))
        {
            spec.LogSink = Log;
        }

        Runtime = TinaRuntime.Create(spec);
    }

    public ManualClock Clock { get; }

    public TinaRuntime Runtime { get; }

    public ListLogSink Log { get; } = new();

    /// <summary>A spec with the given shard count that pins nothing and never parks.</summary>
    public static TinaSpec Spec(int shards = 1) => new() { ShardCount = shards, PinThreads = false, IdlePollTicks = 0 };

    public Shard Shard(int index) => Runtime.ShardAt(index);

    public long Counter(int shard, ShardCounter counter) => Runtime.GetStats(shard)[counter];

    public long Total(ShardCounter counter) => Runtime.Total(counter);

    public Handle Spawn<T>(int shard)
        where T : IIsolate, new()
    {
        SpawnResult result = Runtime.Spawn<T>(shard);
        if (!result.IsOk)
        {
            throw new InvalidOperationException($"spawn failed: {result.Status}");
        }

        return result.Handle;
    }

    public Handle Spawn<T, TStart>(int shard, in TStart start)
        where T : IIsolate, new()
        where TStart : unmanaged
    {
        SpawnResult result = Runtime.Spawn<T, TStart>(shard, start);
        if (!result.IsOk)
        {
            throw new InvalidOperationException($"spawn failed: {result.Status}");
        }

        return result.Handle;
    }

    /// <summary>The live instance behind a handle (the test kit's window into isolate state).</summary>
    public T Instance<T>(Handle handle)
        where T : IIsolate, new()
    {
        var table = (IsolateTable<T>)Runtime.ShardAt(handle.Shard).TypeTable(handle.Type);
        return table.InstanceAt(handle.Slot);
    }

    public bool IsAlive(Handle handle) => Runtime.IsAlive(handle); // the public query

    public void RunRound() => Runtime.RunRound();

    public void RunRounds(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Runtime.RunRound();
        }
    }

    public int RunUntilIdle() => Runtime.RunUntilIdle(100_000);

    public void Advance(TimeSpan by) => Clock.Advance(by);

    public void Dispose() => Runtime.Dispose();
}

/// <summary>Collects log records instead of writing them to standard error.</summary>
internal sealed class ListLogSink : ITinaLogSink
{
    private readonly object _gate = new();
    private readonly List<LogRecord> _records = new();

    public IReadOnlyList<LogRecord> Snapshot()
    {
        lock (_gate)
        {
            return _records.ToArray();
        }
    }

    public void Write(in LogRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }
    }
}
