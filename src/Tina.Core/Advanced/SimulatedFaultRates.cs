using System.ComponentModel;

namespace Tina.Advanced;

/// <summary>
/// Fault rates for <see cref="SimulationEngine"/>, parts per million, unvalidated (the engine clamps nothing; the
/// caller validates: <c>Tina.Testing.SimulationFaults</c> does).
/// </summary>
/// <param name="HandlerFaultPpm">Handler invocations that throw, per million.</param>
/// <param name="SpawnFailurePpm">Spawns that fail, per million.</param>
/// <param name="RingRefusalPpm">Remote sends refused with RingFull, per million.</param>
/// <param name="PartitionPpm">Chance per round, per million, that a pair of shards is partitioned.</param>
/// <param name="HealPpm">Chance per round, per million, that a partitioned pair heals.</param>
/// <param name="MailboxRefusalPpm">Deliveries refused with MailboxFull, per million.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly record struct SimulatedFaultRates(
    int HandlerFaultPpm,
    int SpawnFailurePpm,
    int RingRefusalPpm,
    int PartitionPpm,
    int HealPpm,
    int MailboxRefusalPpm);
