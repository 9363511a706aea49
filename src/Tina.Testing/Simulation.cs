using System;
using System.Collections.Generic;
using System.Globalization;
using Tina.Advanced;

namespace Tina.Testing;

/// <summary>
/// Runs a user's isolates under the deterministic simulator: every shard on the calling thread, one 64-bit seed
/// owning the shard order, the clock and the faults, and the built-in checkers on (message and call accounting, call
/// outcomes, pool integrity, generations, leaks, timers, watches) plus the workload's own check.
/// </summary>
/// <remarks>
/// <para>Equal seeds, settings and workloads give equal runs: the same <see cref="SimulationRun.TraceHash"/>. A
/// failure's <see cref="SimulationRun.ReplayLine"/> passed to <see cref="Replay"/> re-runs it bit for bit.</para>
/// <para>Each run gets a fresh workload from the factory. The workload's isolates must be deterministic too: no wall
/// clock, no thread pool, no shared mutable state outside the run.</para>
/// </remarks>
public static class Simulation
{
    /// <summary>Runs one seed.</summary>
    /// <param name="workload">Makes a fresh workload for the run.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="settings">Rounds and faults; null: defaults (faults drawn from the seed).</param>
    public static SimulationRun Run(Func<SimulationWorkload> workload, ulong seed, SimulationSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        settings ??= new SimulationSettings();
        settings.Validate();
        SimulationWorkload instance = workload() ?? throw new InvalidOperationException("The workload factory returned null.");
        SimulationOutcome outcome = SimulationEngine.Run(
            new WorkloadSystem(instance),
            seed,
            settings.FaultRounds,
            settings.LivenessRounds,
            settings.CheckInterval,
            settings.Faults?.ToEngine());
        return new SimulationRun(instance.Name, settings, outcome);
    }

    /// <summary>
    /// Runs seeds <paramref name="firstSeed"/> to <paramref name="firstSeed"/> + <paramref name="count"/> − 1 in order
    /// and stops at the first failure.
    /// </summary>
    /// <returns>Every run made; the last is the failure when one failed.</returns>
    public static IReadOnlyList<SimulationRun> Sweep(Func<SimulationWorkload> workload, ulong firstSeed, int count, SimulationSettings? settings = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var runs = new List<SimulationRun>(count);
        for (int i = 0; i < count; i++)
        {
            SimulationRun run = Run(workload, unchecked(firstSeed + (ulong)i), settings);
            runs.Add(run);
            if (!run.Passed)
            {
                break;
            }
        }

        return runs;
    }

    /// <summary>Re-runs the run a <see cref="SimulationRun.ReplayLine"/> describes (seed, rounds, faults) with a fresh workload.</summary>
    /// <exception cref="FormatException">The line lacks a field or a field does not parse.</exception>
    public static SimulationRun Replay(Func<SimulationWorkload> workload, string replayLine)
    {
        ArgumentNullException.ThrowIfNull(replayLine);
        int detail = replayLine.IndexOf(" detail=", StringComparison.Ordinal);
        string head = detail < 0 ? replayLine : replayLine[..detail];
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string token in head.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                fields[token[..eq]] = token[(eq + 1)..];
            }
        }

        string seedText = Field(fields, "seed");
        if (!seedText.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            || !ulong.TryParse(seedText.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong seed))
        {
            throw new FormatException("The replay line's seed is not 0x-prefixed hex: " + seedText);
        }

        var faults = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string pair in Field(fields, "faults").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            faults[eq > 0 ? pair[..eq] : pair] = eq > 0 ? Int(pair[(eq + 1)..], pair) : throw new FormatException("Bad fault rate: " + pair);
        }

        var settings = new SimulationSettings
        {
            FaultRounds = Int(Field(fields, "fault-rounds"), "fault-rounds"),
            LivenessRounds = Int(Field(fields, "liveness-rounds"), "liveness-rounds"),
            CheckInterval = Int(Field(fields, "check-interval"), "check-interval"),
            Faults = new SimulationFaults
            {
                HandlerFaultPpm = Rate(faults, "handler"),
                SpawnFailurePpm = Rate(faults, "spawn"),
                RingRefusalPpm = Rate(faults, "ring"),
                PartitionPpm = Rate(faults, "partition"),
                HealPpm = Rate(faults, "heal"),
                MailboxRefusalPpm = Rate(faults, "mailbox"),
            },
        };
        return Run(workload, seed, settings);
    }

    private static string Field(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out string? value) ? value : throw new FormatException("The replay line has no '" + name + "=' field.");

    private static int Rate(Dictionary<string, int> faults, string name) =>
        faults.TryGetValue(name, out int value) ? value : throw new FormatException("The replay line's faults have no '" + name + "=' rate.");

    private static int Int(string text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new FormatException("The replay line's " + what + " is not a non-negative integer: " + text);
}
