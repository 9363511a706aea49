namespace Tina.Supervision;

/// <summary>What <see cref="WatchRegistry"/> asks of its shard, and nothing more. Shard-thread only.</summary>
internal interface IWatchHost
{
    /// <summary>This shard's index.</summary>
    int ShardId { get; }

    /// <summary>The watched-by chain head in the metadata of <paramref name="target"/> if it is live here, else a null ref.</summary>
    ref int WatchHeadOf(Handle target);

    /// <summary>The watching chain head of <paramref name="watcher"/> if it is a live isolate of this shard, else a null ref.</summary>
    ref int WatchingHeadOf(Handle watcher);

    /// <summary>True only when <paramref name="watcher"/> (of another shard) can no longer be alive; never for a live one.</summary>
    bool HasWatcherDefinitelyExited(Handle watcher);

    /// <summary>
    /// Copies a system envelope into the mailbox of its target, a local isolate (pool reserve, mailbox headroom):
    /// Ok, StaleHandle when the target is not live, or PoolExhausted / MailboxFull with nothing taken.
    /// </summary>
    SendResult DeliverSystem(ref Message envelope);

    /// <summary>True when <paramref name="target"/> is live here (a Down for it can still be delivered).</summary>
    bool IsLiveHere(Handle target);

    /// <summary>True when a system delivery to <paramref name="target"/> would succeed now, or it is no longer live.</summary>
    bool CanDeliverSystemOrGone(Handle target);

    /// <summary>A system-lane slot toward <paramref name="shard"/>, or a null ref when it no longer runs (counted).</summary>
    ref Message ClaimSystem(int shard);

    /// <summary>Answers a watch request from <paramref name="requester"/> that produced no Down.</summary>
    void AckRequest(int requester);
}
