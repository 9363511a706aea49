using System;
using System.ComponentModel;
using Tina.Simulation;

namespace Tina.Advanced;

/// <summary>
/// Runs an <see cref="ISimulatedSystem"/> under Core's deterministic simulator: every shard on the calling thread, one
/// seed owning the shard order, the clock and the faults, and the built-in checkers (message and call accounting,
/// call outcomes, pool integrity, generations, leaks, timers, watches) on. The hook under <c>Tina.Testing</c>'s
/// <c>Simulation</c>; use that instead (hidden from completion).
/// </summary>
/// <remarks>The engine stays in Core because it is the runtime's observer and fault injector, which reach shard
/// internals; this facade exposes only what a test kit needs (see design/simulation.md).</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SimulationEngine
{
    /// <summary>Runs <paramref name="system"/> once under <paramref name="seed"/>.</summary>
    /// <param name="system">A fresh system (one per run).</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="faultRounds">Rounds with faults on (0: none).</param>
    /// <param name="livenessRounds">Rounds after the faults stop within which the run must become quiescent.</param>
    /// <param name="checkInterval">Rounds between checker passes.</param>
    /// <param name="rates">Fault rates; null draws them from the seed.</param>
    public static SimulationOutcome Run(
        ISimulatedSystem system,
        ulong seed,
        int faultRounds,
        int livenessRounds,
        int checkInterval,
        SimulatedFaultRates? rates)
    {
        ArgumentNullException.ThrowIfNull(system);
        var options = new SimulationOptions
        {
            FaultRounds = faultRounds,
            LivenessRounds = livenessRounds,
            CheckInterval = checkInterval,
            Rates = rates is { } r
                ? new FaultRates(r.HandlerFaultPpm, r.SpawnFailurePpm, r.RingRefusalPpm, r.PartitionPpm, r.HealPpm, r.MailboxRefusalPpm)
                : null,
            TolerateKnownDefects = false,
        };
        var simulator = new Simulator(new SimulatedSystemWorkload(system), seed, options);
        SimulationResult result = simulator.Run();
        FaultRates used = result.Rates;
        return new SimulationOutcome(
            result.Seed,
            new SimulatedFaultRates(used.HandlerFaultPpm, used.SpawnFailurePpm, used.RingRefusalPpm, used.PartitionPpm, used.HealPpm, used.MailboxRefusalPpm),
            result.ShardCount,
            result.Passed,
            result.Rounds,
            result.NowNanoseconds,
            result.Checker,
            result.Detail,
            result.TraceHash,
            result.Dispatches,
            result.FaultsInjected);
    }
}
