using System.Globalization;

namespace Tina.Simulation;

/// <summary>
/// The fault rates of one run, in parts per million, drawn per seed from the swarm stream (swarm testing: each
/// class is switched off for a quarter of the seeds, so bugs that one fault class masks still surface) and printed
/// with the seed. Immutable.
/// </summary>
internal sealed class FaultRates
{
    /// <summary>Largest handler-exception rate drawn: 1 % of invocations.</summary>
    public const int HandlerFaultPpmMax = 10_000;
    /// <summary>Largest spawn-failure rate drawn: 5 % of spawns.</summary>
    public const int SpawnFailurePpmMax = 50_000;
    /// <summary>Largest forced-RingFull rate drawn: 5 % of remote sends.</summary>
    public const int RingRefusalPpmMax = 50_000;
    /// <summary>Largest partition rate drawn: a new partition in 3 % of rounds.</summary>
    public const int PartitionPpmMax = 30_000;
    /// <summary>Heal rate range: each partitioned pair heals with 1 % to 20 % per round.</summary>
    public const int HealPpmMin = 10_000;
    /// <summary>Largest heal rate drawn.</summary>
    public const int HealPpmMax = 200_000;
    /// <summary>Largest forced-MailboxFull rate drawn: 5 % of deliveries.</summary>
    public const int MailboxRefusalPpmMax = 50_000;

    /// <summary>No faults.</summary>
    public static readonly FaultRates None = new(0, 0, 0, 0, HealPpmMax, 0);

    public FaultRates(int handlerFaultPpm, int spawnFailurePpm, int ringRefusalPpm, int partitionPpm, int healPpm, int mailboxRefusalPpm)
    {
        HandlerFaultPpm = handlerFaultPpm;
        SpawnFailurePpm = spawnFailurePpm;
        RingRefusalPpm = ringRefusalPpm;
        PartitionPpm = partitionPpm;
        HealPpm = healPpm;
        MailboxRefusalPpm = mailboxRefusalPpm;
    }

    /// <summary>Handler invocations that throw (outcome Panicked), per million eligible invocations.</summary>
    public int HandlerFaultPpm { get; }

    /// <summary>Spawns that fail as if the isolate's start failed, per million eligible spawns.</summary>
    public int SpawnFailurePpm { get; }

    /// <summary>Remote user sends refused with RingFull, per million.</summary>
    public int RingRefusalPpm { get; }

    /// <summary>Chance per round, per million, that a new pair of shards is partitioned (sends get ShardUnavailable).</summary>
    public int PartitionPpm { get; }

    /// <summary>Chance per round, per million, that a partitioned pair heals.</summary>
    public int HealPpm { get; }

    /// <summary>Deliveries refused with MailboxFull (local sends and inbound ring messages), per million eligible.</summary>
    public int MailboxRefusalPpm { get; }

    /// <summary>Draws one run's rates from the swarm stream.</summary>
    public static FaultRates Draw(ref Xoshiro256StarStar swarm)
    {
        int handler = DrawKnob(ref swarm, HandlerFaultPpmMax);
        int spawn = DrawKnob(ref swarm, SpawnFailurePpmMax);
        int ring = DrawKnob(ref swarm, RingRefusalPpmMax);
        int partition = DrawKnob(ref swarm, PartitionPpmMax);
        int heal = swarm.NextInclusive(HealPpmMin, HealPpmMax);
        int mailbox = DrawKnob(ref swarm, MailboxRefusalPpmMax);
        return new FaultRates(handler, spawn, ring, partition, heal, mailbox);
    }

    /// <summary>
    /// One swarm knob: on with probability 3/4, then uniform in [1, max]. Also draws the simulated network's knobs
    /// (<c>NetworkFaultRates</c>), so both switch their fault classes off for the same share of seeds.
    /// </summary>
    public static int DrawKnob(ref Xoshiro256StarStar swarm, int max) =>
        swarm.NextBelow(4) == 0 ? 0 : swarm.NextInclusive(1, max);

    /// <summary>One line, integers only (ppm), for the failure line.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"handler={HandlerFaultPpm}ppm spawn={SpawnFailurePpm}ppm ring={RingRefusalPpm}ppm partition={PartitionPpm}ppm/round heal={HealPpm}ppm/round mailbox={MailboxRefusalPpm}ppm");
}
