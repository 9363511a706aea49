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

    /// <summary>
    /// The live instance of <paramref name="isolate"/> in <paramref name="runtime"/>, by reference, for a workload's
    /// check between rounds. Throws <see cref="InvalidOperationException"/> when it is not alive,
    /// <see cref="ArgumentException"/> when it is not a <typeparamref name="TIsolate"/>.
    /// </summary>
    /// <typeparam name="TIsolate">The isolate's registered type.</typeparam>
    /// <param name="runtime">The simulated runtime (single thread: the simulation's).</param>
    /// <param name="isolate">A live isolate of it.</param>
    public static ref TIsolate InstanceOf<TIsolate>(TinaRuntime runtime, Handle isolate)
        where TIsolate : IIsolate
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (!runtime.IsAlive(isolate))
        {
            throw new InvalidOperationException($"{isolate} is not a live isolate of this runtime.");
        }

        if (runtime.ShardAt(isolate.Shard).TypeTable(isolate.Type) is not Tina.Isolates.IsolateTable<TIsolate> table)
        {
            throw new ArgumentException($"{isolate} is not a {typeof(TIsolate).Name}.", nameof(isolate));
        }

        return ref table.InstanceAt(isolate.Slot);
    }
}
