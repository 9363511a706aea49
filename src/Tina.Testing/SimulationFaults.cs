using System;
using System.Globalization;
using Tina.Advanced;

namespace Tina.Testing;

/// <summary>
/// Fault rates for a <see cref="Simulation"/> run, in parts per million. Validated when a run starts: a rate out of
/// range throws <see cref="ArgumentOutOfRangeException"/> naming the property.
/// </summary>
public sealed class SimulationFaults
{
    /// <summary>No faults at all.</summary>
    public static SimulationFaults None { get; } = new() { HealPpm = 1_000_000 };

    /// <summary>Handler invocations of the fault-target types that throw, per million. [0, 1 000 000].</summary>
    public int HandlerFaultPpm { get; init; }

    /// <summary>Spawns of the fault-target types that fail, per million. [0, 1 000 000].</summary>
    public int SpawnFailurePpm { get; init; }

    /// <summary>Remote sends refused with RingFull, per million. [0, 1 000 000].</summary>
    public int RingRefusalPpm { get; init; }

    /// <summary>Chance per round, per million, that a new pair of shards is partitioned. [0, 1 000 000].</summary>
    public int PartitionPpm { get; init; }

    /// <summary>Chance per round, per million, that a partitioned pair heals. [1, 1 000 000] (a partition must heal).</summary>
    public int HealPpm { get; init; } = 100_000;

    /// <summary>Deliveries to the fault-target types refused with MailboxFull, per million. [0, 1 000 000].</summary>
    public int MailboxRefusalPpm { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        Check(HandlerFaultPpm, 0, nameof(HandlerFaultPpm));
        Check(SpawnFailurePpm, 0, nameof(SpawnFailurePpm));
        Check(RingRefusalPpm, 0, nameof(RingRefusalPpm));
        Check(PartitionPpm, 0, nameof(PartitionPpm));
        Check(HealPpm, 1, nameof(HealPpm));
        Check(MailboxRefusalPpm, 0, nameof(MailboxRefusalPpm));
    }

    /// <summary>The replay line's form: <c>handler=…,spawn=…,ring=…,partition=…,heal=…,mailbox=…</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"handler={HandlerFaultPpm},spawn={SpawnFailurePpm},ring={RingRefusalPpm},partition={PartitionPpm},heal={HealPpm},mailbox={MailboxRefusalPpm}");

    internal SimulatedFaultRates ToEngine() =>
        new(HandlerFaultPpm, SpawnFailurePpm, RingRefusalPpm, PartitionPpm, HealPpm, MailboxRefusalPpm);

    internal static SimulationFaults FromEngine(SimulatedFaultRates rates) => new()
    {
        HandlerFaultPpm = rates.HandlerFaultPpm,
        SpawnFailurePpm = rates.SpawnFailurePpm,
        RingRefusalPpm = rates.RingRefusalPpm,
        PartitionPpm = rates.PartitionPpm,
        HealPpm = rates.HealPpm,
        MailboxRefusalPpm = rates.MailboxRefusalPpm,
    };

    private static void Check(int value, int min, string name)
    {
        if (value < min || value > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(
                name,
                value,
                string.Create(CultureInfo.InvariantCulture, $"SimulationFaults.{name} must be in [{min}, 1000000] parts per million; it was {value}."));
        }
    }
}
