namespace Tina;

/// <summary>
/// The result of a send. Sends never throw, block or allocate: a full mailbox, pool or ring is a value here.
/// </summary>
public enum SendResult : byte
{
    /// <summary>
    /// Delivered to a local mailbox, or enqueued on the ring to a remote shard (the receiving shard counts any
    /// later drop, and fails a dropped call back to its caller).
    /// </summary>
    Ok = 0,
    /// <summary>The target's mailbox is at capacity.</summary>
    MailboxFull = 1,
    /// <summary>The shard's message pool has no free slot outside its system reserve.</summary>
    PoolExhausted = 2,
    /// <summary>The handle is none, out of range, or names an isolate that has exited.</summary>
    StaleHandle = 3,
    /// <summary>The ring to the target's shard is full.</summary>
    RingFull = 4,
    /// <summary>The target's shard is stopped or quarantined.</summary>
    ShardUnavailable = 5,
    /// <summary>
    /// <see cref="Context.SpawnOn{TIsolate, TStart}(int, in TStart)"/> on the caller's own shard ran the spawn and it
    /// failed for a reason no other result names (no free slot, the constructor threw, the start failed); the overload
    /// with an <c>out SpawnStatus</c> says which.
    /// </summary>
    SpawnFailed = 6,
    /// <summary>
    /// The handle was issued by another <see cref="TinaRuntime"/> (its runtime tag is not this runtime's): it names no
    /// isolate here, and the message is not delivered to whatever isolate holds that shard, type and slot.
    /// </summary>
    ForeignHandle = 7,
    /// <summary>
    /// A send or spawn request from outside the runtime (<see cref="TinaRuntime.Send{T}"/>, <see cref="TinaRuntime.PostSpawn{TIsolate, TStart}"/>)
    /// found the target shard's external inbox (its bounded queue for outside threads, <see cref="TinaSpec.ExternalInboxCapacity"/>) full.
    /// Nothing was enqueued; the shard counts it as <c>ExternalInboxFull</c>.
    /// </summary>
    ExternalInboxFull = 8,
}
