using System;
using System.Globalization;

namespace Tina.Simulation;

/// <summary>What one simulation run did: how it ended, its trace hash, and, for a failure, the line that replays it.</summary>
internal sealed class SimulationResult
{
    public SimulationResult(
        string workload,
        ulong seed,
        FaultRates rates,
        SimulationOptions options,
        int shardCount,
        SimulationEnd end,
        long rounds,
        long nowNanoseconds,
        string? checker,
        string? detail,
        ulong traceHash,
        long dispatches,
        long faultsInjected)
    {
        Workload = workload;
        Seed = seed;
        Rates = rates;
        Options = options;
        ShardCount = shardCount;
        End = end;
        Rounds = rounds;
        NowNanoseconds = nowNanoseconds;
        Checker = checker;
        Detail = detail;
        TraceHash = traceHash;
        Dispatches = dispatches;
        FaultsInjected = faultsInjected;
    }

    public string Workload { get; }

    public ulong Seed { get; }

    public FaultRates Rates { get; }

    public SimulationOptions Options { get; }

    public int ShardCount { get; }

    public SimulationEnd End { get; }

    /// <summary>Rounds run; for a violation, the round after which the checker failed.</summary>
    public long Rounds { get; }

    /// <summary>Simulated time at the end.</summary>
    public long NowNanoseconds { get; }

    /// <summary>The checker that failed, or null.</summary>
    public string? Checker { get; }

    /// <summary>What the checker saw, or null.</summary>
    public string? Detail { get; }

    /// <summary>FNV-1a over every dispatch, effect, spawn, exit and fault of the run.</summary>
    public ulong TraceHash { get; }

    /// <summary>Messages handed to handlers (the simulated messages of the speed figure).</summary>
    public long Dispatches { get; }

    /// <summary>Faults injected, all classes together.</summary>
    public long FaultsInjected { get; }

    public bool Passed => End == SimulationEnd.Quiescent;

    /// <summary>The seed as printed and as <c>TINA_SEED</c> takes it.</summary>
    public string SeedText => FormatSeed(Seed);

    /// <summary>The command that replays this run.</summary>
    public string ReplayCommand => string.Create(
        CultureInfo.InvariantCulture,
        $"dotnet test tests/Tina.Core.Tests --filter \"FullyQualifiedName~SimulationReplay\" -e TINA_SEED={SeedText} -e TINA_WORKLOAD={Workload} -e TINA_FAULT_ROUNDS={Options.FaultRounds} -e TINA_LIVENESS_ROUNDS={Options.LivenessRounds}");

    /// <summary>
    /// The one line a failing run prints: seed, workload, shards, drawn rates, round, checker, detail, rerun command.
    /// </summary>
    public string FailureLine => string.Create(
        CultureInfo.InvariantCulture,
        $"TINA-SIM FAIL seed={SeedText} workload={Workload} shards={ShardCount} rates=[{Rates}] round={Rounds} checker={Checker} detail=\"{Detail}\" rerun: {ReplayCommand}");

    /// <summary>One line for a passing run.</summary>
    public string SummaryLine => string.Create(
        CultureInfo.InvariantCulture,
        $"TINA-SIM {(Passed ? "ok" : "FAIL")} seed={SeedText} workload={Workload} shards={ShardCount} rounds={Rounds} now={NowNanoseconds}ns dispatches={Dispatches} faults={FaultsInjected} hash=0x{TraceHash:x16}");

    public static string FormatSeed(ulong seed) => "0x" + seed.ToString("X16", CultureInfo.InvariantCulture);

    /// <summary>Parses <c>0x…</c> hex or plain decimal.</summary>
    public static bool TryParseSeed(string? text, out ulong seed)
    {
        seed = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out seed);
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seed);
    }

    /// <inheritdoc />
    public override string ToString() => Passed ? SummaryLine : FailureLine;
}
