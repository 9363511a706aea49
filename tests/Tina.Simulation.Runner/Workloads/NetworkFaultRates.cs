using System.Globalization;

namespace Tina.Simulation.Workloads;

/// <summary>
/// The simulated network's knobs for one run, drawn per seed from the network component's own stream (swarm
/// testing, like <see cref="FaultRates"/>: each fault class is off for a quarter of the seeds, else uniform in its
/// range). Rates are parts per million; times are nanoseconds. Immutable.
/// </summary>
internal sealed class NetworkFaultRates
{
    /// <summary>Largest one-way delay drawn: 4 ms (four timer-resolution steps).</summary>
    public const long MaxDelayNanosecondsMax = 4_000_000;
    /// <summary>Largest segment loss drawn: 10 % (a lost segment is retransmitted later).</summary>
    public const int DropPpmMax = 100_000;
    /// <summary>Largest retransmission delay drawn: 5 ms.</summary>
    public const long RetransmitNanosecondsMax = 5_000_000;
    /// <summary>Largest reorder rate drawn: 20 % of segments held back.</summary>
    public const int ReorderPpmMax = 200_000;
    /// <summary>Largest hold-back of a reordered segment: 2 ms.</summary>
    public const long ReorderNanosecondsMax = 2_000_000;
    /// <summary>Largest reset rate drawn: 2 % of sends reset their connection.</summary>
    public const int ResetPpmMax = 20_000;
    /// <summary>Largest injected-error rate drawn: 2 % of operations fail with EIO.</summary>
    public const int ErrorPpmMax = 20_000;
    /// <summary>Largest partition rate drawn: the echo port is cut off in 1 % of rounds.</summary>
    public const int PartitionPpmMax = 10_000;
    /// <summary>Largest injected-EMFILE rate drawn: 2 % of the connections a multishot accept arm takes end it first.</summary>
    public const int AcceptEmfilePpmMax = 20_000;
    /// <summary>Heal rate range: a partition heals with 1 % to 20 % per round.</summary>
    public const int HealPpmMin = 10_000;
    /// <summary>Largest heal rate drawn.</summary>
    public const int HealPpmMax = 200_000;

    private NetworkFaultRates()
    {
    }

    /// <summary>Shortest one-way delay (kept after the faults stop: it is the network, not a fault).</summary>
    public long MinDelayNanoseconds { get; private init; }

    /// <summary>Longest one-way delay (kept after the faults stop).</summary>
    public long MaxDelayNanoseconds { get; private init; }

    public int DropPpm { get; private init; }

    public long RetransmitNanoseconds { get; private init; }

    public int ReorderPpm { get; private init; }

    public long ReorderNanoseconds { get; private init; }

    public int ResetPpm { get; private init; }

    public int ErrorPpm { get; private init; }

    public int PartitionPpm { get; private init; }

    public int HealPpm { get; private init; }

    /// <summary>EMFILE ending a multishot accept arm (only runs with multishot accept on see it).</summary>
    public int AcceptEmfilePpm { get; private init; }

    /// <summary>Draws one run's knobs from the component's stream.</summary>
    public static NetworkFaultRates Draw(ref Xoshiro256StarStar random)
    {
        long maxDelay = (long)random.NextBelow((uint)(MaxDelayNanosecondsMax / 1000) + 1) * 1000;
        long minDelay = (long)random.NextBelow((uint)(maxDelay / 2000) + 1) * 1000;
        return new NetworkFaultRates
        {
            MinDelayNanoseconds = minDelay,
            MaxDelayNanoseconds = maxDelay,
            DropPpm = FaultRates.DrawKnob(ref random, DropPpmMax),
            RetransmitNanoseconds = random.NextInclusive(1, (int)(RetransmitNanosecondsMax / 1000)) * 1000L,
            ReorderPpm = FaultRates.DrawKnob(ref random, ReorderPpmMax),
            ReorderNanoseconds = random.NextInclusive(1, (int)(ReorderNanosecondsMax / 1000)) * 1000L,
            ResetPpm = FaultRates.DrawKnob(ref random, ResetPpmMax),
            ErrorPpm = FaultRates.DrawKnob(ref random, ErrorPpmMax),
            PartitionPpm = FaultRates.DrawKnob(ref random, PartitionPpmMax),
            HealPpm = random.NextInclusive(HealPpmMin, HealPpmMax),
            AcceptEmfilePpm = FaultRates.DrawKnob(ref random, AcceptEmfilePpmMax),
        };
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"delay={MinDelayNanoseconds / 1000}-{MaxDelayNanoseconds / 1000}us drop={DropPpm}ppm(+{RetransmitNanoseconds / 1000}us) reorder={ReorderPpm}ppm(+{ReorderNanoseconds / 1000}us) reset={ResetPpm}ppm error={ErrorPpm}ppm partition={PartitionPpm}ppm/round heal={HealPpm}ppm/round accept-emfile={AcceptEmfilePpm}ppm");
}
