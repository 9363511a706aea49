namespace Tina;

/// <summary>
/// Per-shard counters. Each is written only by its shard's thread (except <see cref="ExternalInboxFull"/>, written
/// atomically by outside senders) and may be read from any thread.
/// </summary>
public enum ShardCounter
{
    /// <summary>Sends that returned Ok (local deliveries and remote enqueues).</summary>
    MessagesSent,
    /// <summary>Messages handed to a handler (user mail, calls, replies, timers, resumes, starts).</summary>
    MessagesHandled,
    /// <summary>Remote messages received from rings (or the external inbox) and placed in a mailbox.</summary>
    MessagesReceivedRemote,
    /// <summary>Sends refused because the target's mailbox was full.</summary>
    SendMailboxFull,
    /// <summary>Sends refused because the message pool had only its reserve left.</summary>
    SendPoolExhausted,
    /// <summary>Sends refused because the handle was stale or invalid.</summary>
    SendStaleHandle,
    /// <summary>Sends refused because the ring to the target shard was full.</summary>
    SendRingFull,
    /// <summary>Sends refused because the target shard was unavailable.</summary>
    SendShardUnavailable,
    /// <summary>Calls from other shards failed back here (CallStatus.MailboxFull) because the target mailbox was full.</summary>
    InboundMailboxFull,
    /// <summary>Calls from other shards failed back here (CallStatus.PoolExhausted) because this shard's pool was at its reserve.</summary>
    InboundPoolExhausted,
    /// <summary>Messages from other shards dropped here because the target handle was stale.</summary>
    InboundStaleHandle,
    /// <summary>
    /// Calls started (on the caller's shard). Every call ends exactly once, counted on the caller's shard when the
    /// caller accepts the outcome, or as <see cref="CallsAbandoned"/> when the caller is torn down while waiting:
    /// <c>CallsStarted = CallsReplied + CallsTimedOut + CallsFailedFast + CallsNoReply + CallsFailedByCallee
    /// + CallsAbandoned + calls still waiting</c>.
    /// </summary>
    CallsStarted,
    /// <summary>Calls that ended with a reply (counted on the caller's shard).</summary>
    CallsReplied,
    /// <summary>Calls that ended by timeout (counted on the caller's shard).</summary>
    CallsTimedOut,
    /// <summary>Calls that ended without waiting for the timeout: request dropped, target gone (caller's shard).</summary>
    CallsFailedFast,
    /// <summary>
    /// Calls that ended with NoReply because the callee neither replied nor deferred, or exited owing them
    /// (caller's shard).
    /// </summary>
    CallsNoReply,
    /// <summary>Calls that ended because the callee failed them explicitly (caller's shard).</summary>
    CallsFailedByCallee,
    /// <summary>Replies (or failures) that arrived after their call had ended, or twice: dropped.</summary>
    RepliesLateDropped,
    /// <summary>
    /// No longer incremented: call outcomes travel in the system lane, which never refuses them (a full ring used to
    /// drop the reply and leave the caller to its timeout). Kept so counter numbering stays stable.
    /// </summary>
    RepliesRingFull,
    /// <summary>Deferrals refused because the isolate already owed its maximum.</summary>
    OwedRepliesFull,
    /// <summary>Queued messages discarded because their isolate exited.</summary>
    TeardownDrops,
    /// <summary>Isolates spawned.</summary>
    IsolatesSpawned,
    /// <summary>Isolates that exited with outcome Ok.</summary>
    IsolatesExitedOk,
    /// <summary>Isolates that exited with outcome Error.</summary>
    IsolatesCrashed,
    /// <summary>Isolates that exited because their handler threw.</summary>
    IsolatesPanicked,
    /// <summary>Isolates cancelled.</summary>
    IsolatesCancelled,
    /// <summary>Spawns refused (no free slot, no pool slot for the start message, unknown type).</summary>
    SpawnFailures,
    /// <summary>User timers fired.</summary>
    TimersFired,
    /// <summary>Timer registrations refused because the timer table was full.</summary>
    TimersExhausted,
    /// <summary>Timer firings dropped because the owner's mailbox had no room even in its system headroom.</summary>
    TimersDropped,
    /// <summary>Shard ticks run.</summary>
    Ticks,
    /// <summary>Times the shard parked (blocked) after its poll budget of empty ticks.</summary>
    Parks,
    /// <summary>Log records dropped because the log ring was full.</summary>
    LogDropped,
    /// <summary>
    /// Messages posted from outside the runtime and refused because the external inbox was full. The one counter
    /// written by outside threads (the refused senders), with an interlocked increment: exact under any number of them.
    /// </summary>
    ExternalInboxFull,
    /// <summary>Shard buffers rented.</summary>
    BuffersRented,
    /// <summary>Buffer rents refused because the buffer pool was empty.</summary>
    BuffersExhausted,
    /// <summary>Buffers reclaimed because their owner exited without releasing them.</summary>
    BuffersReclaimed,
    /// <summary>Restarts performed by supervisors.</summary>
    SupervisorRestarts,
    /// <summary>Supervisors that exhausted their restart budget and escalated.</summary>
    SupervisorEscalations,
    /// <summary>Shard rebuilds after the root supervisor escalated.</summary>
    ShardRebuilds,
    /// <summary>Times the shard was quarantined.</summary>
    ShardQuarantines,
    /// <summary>Messages that reached this shard while it was quarantined and were dropped (calls failed back).</summary>
    QuarantineDrops,
    /// <summary>Cancelled isolates torn down because they did not finish within their drain budget.</summary>
    IsolatesForced,
    /// <summary>
    /// Down messages sent: each is then delivered, waits (mailbox, pending-Down queue, system ring or backlog), or is
    /// dropped with <see cref="DownsToExitedWatcher"/> or <see cref="DownsDropped"/>.
    /// </summary>
    DownsSent,
    /// <summary>Watches refused because the watch table was full.</summary>
    WatchesExhausted,
    /// <summary>
    /// Envelopes taken from the external inbox (posts from outside the runtime); each is then placed in a mailbox
    /// (<see cref="MessagesReceivedRemote"/>), dropped with an inbound counter, or run as a spawn request.
    /// </summary>
    ExternalMessagesReceived,
    /// <summary>Start messages queued into a new isolate's mailbox by a spawn.</summary>
    StartMessagesQueued,
    /// <summary>Spawn requests taken from a ring or the external inbox (each then spawns or counts a spawn failure).</summary>
    SpawnRequestsReceived,
    /// <summary>Calls whose caller was torn down while waiting (rebuild, forced shutdown, a supervisor's strategy).</summary>
    CallsAbandoned,
    /// <summary>
    /// Drains of an inbound ring (or the external inbox) that stopped at a one-way message whose target had no room:
    /// the message stays at the ring's head and the producer is back-pressured with RingFull.
    /// </summary>
    InboundHeld,
    /// <summary>Yields after a RingFull refusal that waited for room in that ring instead of resuming next tick.</summary>
    RoomWaits,
    /// <summary>
    /// Sends, cancels and calls from this shard refused with <see cref="SendResult.ForeignHandle"/> (or, for a call,
    /// <see cref="CallStatus.StaleHandle"/>) because the target handle was issued by another runtime.
    /// </summary>
    SendForeignHandle,
    /// <summary>
    /// Downs that could not be delivered to a live watcher: its mailbox had no room even in the system headroom, this
    /// shard's pool was empty, or (remote) the way to its shard was full. Counted on the shard that gave up.
    /// </summary>
    DownsDropped,
    /// <summary>Downs that found their watcher's mailbox full (even its system headroom) and waited in the pending-Down queue.</summary>
    DownsQueued,
    /// <summary>Downs that reached this shard for a watcher that had exited meanwhile (nobody left to tell).</summary>
    DownsToExitedWatcher,
    /// <summary>Watch, unwatch or cancel requests to another shard refused because this shard's request credit toward it was used up.</summary>
    SystemRequestsRefused,
    /// <summary>System messages (outcomes, Downs, acks, releases) not sent because their shard no longer runs (stopped or quarantined).</summary>
    SystemToUnavailableShard,
    /// <summary>System messages that found their system ring full and waited in the backlog (then moved at a later flush).</summary>
    SystemBacklogged,
    /// <summary>System messages refused because a backlog was over its derived bound: a broken invariant, expected to stay 0.</summary>
    SystemBacklogOverflows,
    /// <summary>The most user messages one mailbox on this shard has held at once (a high-water mark, not a sum).</summary>
    MailboxHighWater,
    /// <summary>
    /// Time spent in ticks that did work, in nanoseconds (each measured from its start to the next tick's start, so
    /// it costs no extra clock read). With <see cref="WorkingTicks"/> it gives the mean working-tick duration.
    /// </summary>
    BusyNanoseconds,
    /// <summary>Ticks that did work (the denominator of <see cref="BusyNanoseconds"/>).</summary>
    WorkingTicks,
    /// <summary>Number of counters (not a counter).</summary>
    Count,
}
