using System;

namespace Tina.Simulation;

/// <summary>How long a simulation runs and what it checks. Immutable once a run starts; defaults explained per field.</summary>
internal sealed class SimulationOptions
{
    /// <summary>Rounds with faults on (phase 1). Default 2,000: tens of simulated milliseconds of busy work.</summary>
    public int FaultRounds { get; init; } = 2_000;

    /// <summary>
    /// Rounds after the faults stop within which the run must become quiescent with its work complete (phase 2),
    /// else a Liveness violation ("no convergence"). Default 20,000.
    /// </summary>
    public int LivenessRounds { get; init; } = 20_000;

    /// <summary>Rounds between checker runs (checkers also run at the end). Default 16.</summary>
    public int CheckInterval { get; init; } = 16;

    /// <summary>Events kept for the trace dump. Default 4,096.</summary>
    public int TraceCapacity { get; init; } = 4_096;

    /// <summary>When set, the trace ring is written here at the end of every run (on request).</summary>
    public string? TraceFile { get; init; }

    /// <summary>When set, a failing run writes its trace ring to <c>tina-sim-&lt;workload&gt;-&lt;seed&gt;.trace</c> here.</summary>
    public string? FailureTraceDirectory { get; init; }

    /// <summary>Fixed fault rates instead of the swarm draw (null, the default, draws them from the seed).</summary>
    public FaultRates? Rates { get; init; }

    /// <summary>
    /// How late a call may end beyond its timeout before the call checker fails it. Default 8 timer-resolution
    /// steps: a timeout fires on the first tick at or after its deadline and the outcome is dispatched the round
    /// after.
    /// </summary>
    public int CallSlackSteps { get; init; } = 8;

    /// <summary>
    /// When true (the default), checks marked with a <c>KnownDefect_*</c> flag that is on count the known defect's
    /// symptom instead of failing the run; false makes them strict (the planted-bug tests use it). No effect once
    /// every flag is off.
    /// </summary>
    public bool TolerateKnownDefects { get; init; } = true;

    /// <summary>Throws for a field out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(FaultRounds);
        ArgumentOutOfRangeException.ThrowIfLessThan(LivenessRounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckInterval, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(TraceCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(CallSlackSteps);
    }
}
