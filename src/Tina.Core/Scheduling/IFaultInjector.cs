namespace Tina.Scheduling;

/// <summary>
/// The simulator's fault seam. Null in production (one null check at each site). Every decision must come from the
/// simulator's seeded PRNG so a seed replays exactly. Faults stay within the runtime's contracts: an injected fault
/// looks exactly like the real condition (a full ring, a full mailbox, a throwing handler), and is counted the same.
/// </summary>
internal interface IFaultInjector
{
    /// <summary>Before a handler runs: true makes the invocation throw (outcome Panicked).</summary>
    bool FailHandler(int shard, Handle isolate);

    /// <summary>At a spawn: true makes it fail as if its start failed (the spawn is refused).</summary>
    bool FailSpawn(int shard, int typeIndex);

    /// <summary>At a remote send: true refuses it as if the ring were full.</summary>
    bool RefuseRing(int fromShard, int toShard);

    /// <summary>At a remote send: true refuses it as if the target shard were unavailable (a partition).</summary>
    bool Partitioned(int fromShard, int toShard);

    /// <summary>At a local delivery: true refuses it as if the mailbox were full (mailbox pressure).</summary>
    bool RefuseMailbox(int shard, Handle target);
}
