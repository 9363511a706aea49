using System.ComponentModel;

namespace Tina.Advanced;

/// <summary>One <see cref="SimulationEngine"/> run's outcome (hidden from completion; <c>Tina.Testing</c> wraps it).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class SimulationOutcome
{
    internal SimulationOutcome(
        ulong seed,
        SimulatedFaultRates rates,
        int shardCount,
        bool passed,
        long rounds,
        long nowNanoseconds,
        string? checker,
        string? detail,
        ulong traceHash,
        long dispatches,
        long faultsInjected)
    {
        Seed = seed;
        Rates = rates;
        ShardCount = shardCount;
        Passed = passed;
        Rounds = rounds;
        NowNanoseconds = nowNanoseconds;
        Checker = checker;
        Detail = detail;
        TraceHash = traceHash;
        Dispatches = dispatches;
        FaultsInjected = faultsInjected;
    }

    /// <summary>The run's seed.</summary>
    public ulong Seed { get; }

    /// <summary>The rates the run used (given, or drawn from the seed).</summary>
    public SimulatedFaultRates Rates { get; }

    /// <summary>Shards the run had.</summary>
    public int ShardCount { get; }

    /// <summary>True when the run became quiescent with the work complete and no checker objected.</summary>
    public bool Passed { get; }

    /// <summary>Rounds run.</summary>
    public long Rounds { get; }

    /// <summary>Simulated time at the end, nanoseconds.</summary>
    public long NowNanoseconds { get; }

    /// <summary>The checker that failed (null when passed).</summary>
    public string? Checker { get; }

    /// <summary>Why it failed (null when passed).</summary>
    public string? Detail { get; }

    /// <summary>Hash of the whole trace: equal seeds and systems give equal hashes.</summary>
    public ulong TraceHash { get; }

    /// <summary>Messages handed to handlers.</summary>
    public long Dispatches { get; }

    /// <summary>Faults injected.</summary>
    public long FaultsInjected { get; }
}
