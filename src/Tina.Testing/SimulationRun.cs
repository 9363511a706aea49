using System.Globalization;
using Tina.Advanced;

namespace Tina.Testing;

/// <summary>
/// One seeded <see cref="Simulation"/> run's result: passed or the checker that failed and why, the trace hash, the
/// counters, and <see cref="ReplayLine"/>, which <see cref="Simulation.Replay"/> turns back into the same run.
/// </summary>
public sealed class SimulationRun
{
    internal SimulationRun(string workload, SimulationSettings settings, SimulationOutcome outcome)
    {
        Workload = workload;
        Seed = outcome.Seed;
        Faults = SimulationFaults.FromEngine(outcome.Rates);
        FaultRounds = settings.FaultRounds;
        LivenessRounds = settings.LivenessRounds;
        CheckInterval = settings.CheckInterval;
        Passed = outcome.Passed;
        ShardCount = outcome.ShardCount;
        Rounds = outcome.Rounds;
        Elapsed = System.TimeSpan.FromTicks(outcome.NowNanoseconds / 100);
        Checker = outcome.Checker;
        Detail = outcome.Detail;
        TraceHash = outcome.TraceHash;
        Dispatches = outcome.Dispatches;
        FaultsInjected = outcome.FaultsInjected;
    }

    /// <summary>The workload's name.</summary>
    public string Workload { get; }

    /// <summary>The run's seed.</summary>
    public ulong Seed { get; }

    /// <summary>The fault rates the run used (given in the settings, or drawn from the seed).</summary>
    public SimulationFaults Faults { get; }

    /// <summary>Rounds with faults on.</summary>
    public int FaultRounds { get; }

    /// <summary>Liveness bound, rounds.</summary>
    public int LivenessRounds { get; }

    /// <summary>Rounds between checker passes.</summary>
    public int CheckInterval { get; }

    /// <summary>True when the run became quiescent with the work complete and no checker objected.</summary>
    public bool Passed { get; }

    /// <summary>Shards the run had.</summary>
    public int ShardCount { get; }

    /// <summary>Rounds run.</summary>
    public long Rounds { get; }

    /// <summary>Simulated time at the end (the clock's absolute reading; it starts at a seeded offset).</summary>
    public System.TimeSpan Elapsed { get; }

    /// <summary>The checker that failed (null when passed): a built-in one (e.g. MessageAccounting, CallOutcome, Leak, Liveness, Crash) or <c>Application:</c> and the workload name for the workload's own check.</summary>
    public string? Checker { get; }

    /// <summary>Why it failed (null when passed).</summary>
    public string? Detail { get; }

    /// <summary>Hash of the whole trace (every dispatch, effect, spawn, exit and fault in order): same seed, same hash.</summary>
    public ulong TraceHash { get; }

    /// <summary>Messages handed to handlers.</summary>
    public long Dispatches { get; }

    /// <summary>Faults injected.</summary>
    public long FaultsInjected { get; }

    /// <summary>
    /// Everything needed to re-run this run bit for bit, on one line:
    /// <c>TINA-SIM FAIL workload=… seed=0x… fault-rounds=… liveness-rounds=… check-interval=… faults=… hash=0x… round=… checker=… detail="…"</c>.
    /// Pass it to <see cref="Simulation.Replay"/> with the same workload factory.
    /// </summary>
    public string ReplayLine => string.Create(
        CultureInfo.InvariantCulture,
        $"TINA-SIM {(Passed ? "ok" : "FAIL")} workload={Workload} seed=0x{Seed:X16} fault-rounds={FaultRounds} liveness-rounds={LivenessRounds} check-interval={CheckInterval} faults={Faults} hash=0x{TraceHash:x16} round={Rounds} dispatches={Dispatches} injected={FaultsInjected} checker={Checker ?? "-"} detail=\"{Detail}\"");

    /// <inheritdoc/>
    public override string ToString() => ReplayLine;
}
