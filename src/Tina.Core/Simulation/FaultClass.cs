namespace Tina.Simulation;

/// <summary>The kinds of fault the simulator injects (trace events and hit counts).</summary>
internal enum FaultClass : byte
{
    /// <summary>A handler threw (outcome Panicked).</summary>
    HandlerException = 0,
    /// <summary>A spawn failed as if the isolate's start failed.</summary>
    SpawnFailure = 1,
    /// <summary>A remote send was refused with RingFull.</summary>
    RingRefusal = 2,
    /// <summary>A remote send was refused with ShardUnavailable (the pair is partitioned).</summary>
    PartitionRefusal = 3,
    /// <summary>A delivery was refused with MailboxFull.</summary>
    MailboxRefusal = 4,
    /// <summary>A pair of shards was partitioned.</summary>
    PartitionStarted = 5,
    /// <summary>A partitioned pair healed.</summary>
    PartitionHealed = 6,
}
