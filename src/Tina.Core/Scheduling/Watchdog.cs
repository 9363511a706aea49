using System;
using System.Diagnostics;
using System.Threading;

// RS0030 (banned APIs) is off here: the watchdog is its own thread and measures shard stalls in wall time, which is
// the point; nothing it reads feeds a shard's decisions except the stalled flag.
#pragma warning disable RS0030

namespace Tina.Scheduling;

/// <summary>
/// Detects a stuck shard: one whose heartbeat (its tick counter, which every loop pass bumps whatever the timer
/// resolution) has not moved for the stall timeout while the shard was not parked. .NET cannot abort a thread, so
/// the policy is: log it once per stall, count it, and report the shard as <see cref="ShardHealth.Stalled"/> until
/// its heartbeat moves again; the host decides whether to restart the process. Runs on its own thread; it reads
/// shard state only through volatile fields.
/// </summary>
internal sealed class Watchdog : IDisposable
{
    private readonly TinaRuntime _runtime;
    private readonly TimeSpan _interval;
    private readonly long _stallTimestampTicks;
    private readonly long[] _lastHeartbeat;
    private readonly long[] _lastChange;        // Stopwatch timestamp of the last heartbeat change (or park)
    private readonly int[] _stalled;            // 1 while stalled (watchdog writes, any thread reads)
    private readonly long[] _stallCount;        // watchdog writes, any thread reads
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly Thread _thread;

    public Watchdog(TinaRuntime runtime, TimeSpan interval, TimeSpan stallTimeout)
    {
        _runtime = runtime;
        _interval = interval;
        _stallTimestampTicks = (long)(stallTimeout.TotalSeconds * Stopwatch.Frequency);
        int shards = runtime.ShardCount;
        _lastHeartbeat = new long[shards];
        _lastChange = new long[shards];
        _stalled = new int[shards];
        _stallCount = new long[shards];
        _thread = new Thread(Run) { IsBackground = true, Name = "tina-watchdog" };
    }

    public void Start() => _thread.Start();

    public void Stop()
    {
        _stop.Set();
        if (_thread.IsAlive && Thread.CurrentThread != _thread)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }
    }

    public void Dispose() => _stop.Dispose();

    public bool IsStalled(int shard) => Volatile.Read(ref _stalled[shard]) != 0;

    public long StallCount(int shard) => Volatile.Read(ref _stallCount[shard]);

    private void Run()
    {
        long now = Stopwatch.GetTimestamp();
        for (int i = 0; i < _lastChange.Length; i++)
        {
            _lastChange[i] = now;
            _lastHeartbeat[i] = _runtime.ShardAt(i).TickCount;
        }

        while (!_stop.Wait(_interval))
        {
            Check(Stopwatch.GetTimestamp());
        }
    }

    private void Check(long now)
    {
        for (int i = 0; i < _lastHeartbeat.Length; i++)
        {
            Shard shard = _runtime.ShardAt(i);
            long heartbeat = shard.TickCount;
            if (heartbeat != _lastHeartbeat[i] || shard.Signal.IsSleeping || shard.Status != ShardStatus.Running)
            {
                _lastHeartbeat[i] = heartbeat;
                _lastChange[i] = now;
                Volatile.Write(ref _stalled[i], 0);
                continue;
            }

            if (now - _lastChange[i] >= _stallTimestampTicks && Volatile.Read(ref _stalled[i]) == 0)
            {
                Volatile.Write(ref _stallCount[i], _stallCount[i] + 1);
                Volatile.Write(ref _stalled[i], 1);
                _runtime.Spec.LogSink.Write(new LogRecord(
                    i, heartbeat, Handle.None, TinaLogLevel.Critical,
                    "shard stalled: its heartbeat has not advanced (a handler is stuck); marking it unhealthy", (long)(now - _lastChange[i]) * 1000 / Stopwatch.Frequency, 0, TinaEvent.ShardStalled));
            }
        }
    }
}
