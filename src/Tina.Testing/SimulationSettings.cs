using System;
using System.Globalization;

namespace Tina.Testing;

/// <summary>How long a <see cref="Simulation"/> run lasts and which faults it injects. Validated when a run starts.</summary>
public sealed class SimulationSettings
{
    /// <summary>Rounds with faults on (a round ticks every shard once, in a seeded order). 0: no fault phase.</summary>
    public int FaultRounds { get; init; } = 2_000;

    /// <summary>Rounds after the faults stop within which the run must become quiescent with the work complete.</summary>
    public int LivenessRounds { get; init; } = 20_000;

    /// <summary>Rounds between passes of the checkers (the final pass always runs).</summary>
    public int CheckInterval { get; init; } = 16;

    /// <summary>Fault rates; null draws them from each run's seed (a sweep then covers many mixes).</summary>
    public SimulationFaults? Faults { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        if (FaultRounds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FaultRounds), FaultRounds, Message(nameof(FaultRounds), "must be >= 0", FaultRounds));
        }

        if (LivenessRounds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(LivenessRounds), LivenessRounds, Message(nameof(LivenessRounds), "must be >= 1", LivenessRounds));
        }

        if (CheckInterval < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckInterval), CheckInterval, Message(nameof(CheckInterval), "must be >= 1", CheckInterval));
        }

        Faults?.Validate();
    }

    private static string Message(string name, string rule, int value) =>
        string.Create(CultureInfo.InvariantCulture, $"SimulationSettings.{name} {rule}; it was {value}.");
}
