namespace Tina.Simulation;

/// <summary>
/// The named streams of the PRNG tree. Append only: a stream's number is its index in the SplitMix64 sequence of the
/// run's seed, so renumbering one would change every seed's run.
/// </summary>
internal enum SimulationStream
{
    /// <summary>The swarm draw: which fault classes are on for this seed, and at what rates.</summary>
    Swarm = 0,
    /// <summary>The shard order of each round, and the clock's starting point.</summary>
    Scheduler = 1,
    /// <summary>Handler exceptions.</summary>
    FaultHandler = 2,
    /// <summary>Spawn (init) failures.</summary>
    FaultSpawn = 3,
    /// <summary>Forced RingFull on remote sends.</summary>
    FaultRing = 4,
    /// <summary>Partitions between shard pairs, and their heals.</summary>
    FaultPartition = 5,
    /// <summary>Forced MailboxFull on deliveries (mailbox pressure).</summary>
    FaultMailbox = 6,
    /// <summary>The workload: its sizes and whatever it seeds its isolates with.</summary>
    Workload = 7,
    /// <summary>The first simulation component (<see cref="ISimulationComponent"/>); component i uses this + i.</summary>
    Component0 = 16,
}
