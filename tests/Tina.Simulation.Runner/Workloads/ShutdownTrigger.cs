using System;
using Tina.Scheduling;

namespace Tina.Simulation.Workloads;

/// <summary>
/// Requests a runtime shutdown in the middle of the work, as <see cref="TinaRuntime.Shutdown"/> would from another
/// thread: at a drawn time (5–64 ms into the run) phase 1 with a drawn drain budget (1–30 ms); phase 3 (force) when
/// every shard has published that it drained, or at the budget's end. Drawn from its own component stream, so it
/// shifts no other draw.
/// </summary>
internal sealed class ShutdownTrigger : ISimulationComponent
{
    private const long Millisecond = 1_000_000;

    private TinaRuntime? _runtime;
    private TraceRecorder? _trace;
    private long _at = -1;          // simulated ns phase 1 is requested
    private long _deadline;         // simulated ns phase 3 is forced
    private long _budget;
    private int _phase;

    public string Name => "shutdown";

    /// <summary>The phase requested so far (0, 1 or 3).</summary>
    public int Phase => _phase;

    public void Attach(TinaRuntime runtime, TraceRecorder trace)
    {
        _runtime = runtime;
        _trace = trace;
    }

    public void OnRound(long round, long nowNanoseconds, ref Xoshiro256StarStar random)
    {
        if (_at < 0)
        {
            _at = nowNanoseconds + (random.NextInclusive(5, 64) * Millisecond);
            _budget = random.NextInclusive(1, 30) * Millisecond;
        }

        if (!IsDue(nowNanoseconds))
        {
            return;
        }

        if (_phase == 0)
        {
            _phase = 1;
            _deadline = nowNanoseconds + _budget;
            _runtime!.BeginShutdownPhase(1, TimeSpan.FromTicks(_budget / 100));
        }
        else
        {
            _phase = 3;
            _runtime!.BeginShutdownPhase(3, TimeSpan.Zero);
        }

        _trace!.Record(TraceEventKind.Component, -1, 0, (ulong)_phase, (ulong)nowNanoseconds);
    }

    public bool HasPendingWork(long nowNanoseconds) => IsDue(nowNanoseconds);

    public long NextEventNanoseconds(long nowNanoseconds) => _phase switch
    {
        0 => _at < 0 ? nowNanoseconds : _at,
        1 => _deadline,
        _ => long.MaxValue,
    };

    public void OnFaultsOff()
    {
    }

    public bool Check(bool final, out string? violation)
    {
        violation = null;
        return true;
    }

    private bool IsDue(long now) => _phase switch
    {
        0 => _at >= 0 && now >= _at,
        1 => now >= _deadline || AllDrained(),
        _ => false,
    };

    private bool AllDrained()
    {
        TinaRuntime runtime = _runtime!;
        for (int s = 0; s < runtime.ShardCount; s++)
        {
            Shard shard = runtime.ShardAt(s);
            if (shard.PublishedStage == ShutdownStage.None || shard.PublishedLive != 0)
            {
                return false;
            }
        }

        return true;
    }
}
