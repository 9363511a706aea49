namespace Tina;

/// <summary>How a call ended, as seen by the caller in <see cref="Message.Status"/>.</summary>
public enum CallStatus : byte
{
    /// <summary>The callee replied; the payload is the reply.</summary>
    Ok = 0,
    /// <summary>No reply arrived before the call's timeout.</summary>
    Timeout = 1,
    /// <summary>The callee handled the call (or exited) without replying or deferring the reply.</summary>
    NoReply = 2,
    /// <summary>The callee failed the call explicitly.</summary>
    Failed = 3,
    /// <summary>The request was dropped: the callee's mailbox was full.</summary>
    MailboxFull = 4,
    /// <summary>The request was dropped: a message pool had no free slot.</summary>
    PoolExhausted = 5,
    /// <summary>The request was dropped: the callee handle is stale.</summary>
    StaleHandle = 6,
    /// <summary>The request was dropped: the ring to the callee's shard was full.</summary>
    RingFull = 7,
    /// <summary>The request was dropped: the callee's shard is not accepting work.</summary>
    ShardUnavailable = 8,
    /// <summary>The runtime is shutting down and the call was abandoned.</summary>
    ShuttingDown = 9,
    /// <summary>An outside call's token was cancelled before the call ended; a later reply is dropped and counted.</summary>
    Cancelled = 10,
    /// <summary>An outside call was refused at once: <see cref="TinaSpec.OutsideCallCapacity"/> calls were in flight.</summary>
    OutsideCallsFull = 11,
    /// <summary>An outside call was refused at once: the callee shard's external inbox (<see cref="TinaSpec.ExternalInboxCapacity"/>) was full.</summary>
    ExternalInboxFull = 12,
}
