namespace Tina.Io;

/// <summary>Per-shard I/O counters. Each is written only by its shard's thread; read them with <see cref="IoRuntimeExtensions.GetIoStats"/>.</summary>
public enum IoCounter
{
    /// <summary>Operations handed to the backend (resubmissions of partial sends included).</summary>
    Submissions,
    /// <summary>Completions collected from the backend.</summary>
    Completions,
    /// <summary>Completions delivered to isolates (IoCompleted messages).</summary>
    Delivered,
    /// <summary>Completions that matched no waiting operation (abandoned, timed out, closed): what they carried was released.</summary>
    StaleCompletions,
    /// <summary>Sends refused because the shard's I/O buffers were all in use (receives wait instead: <see cref="BufferWaits"/>).</summary>
    BuffersExhausted,
    /// <summary>Times an Accept was paused on a timer (full table, EMFILE, ENFILE, ENOBUFS, ENOMEM).</summary>
    AcceptBackoffs,
    /// <summary>Sends that wrote part of their payload and were resubmitted for the rest.</summary>
    PartialSends,
    /// <summary>Connections and listeners that entered the table (listen, accept, connect, adopt).</summary>
    ConnectionsOpened,
    /// <summary>Table entries freed after a close or detach.</summary>
    ConnectionsClosed,
    /// <summary>Listen, Connect or Adopt refused, or a one-shot accept paused, because the connection table was full.</summary>
    ConnectionTableFull,
    /// <summary>Bytes that a receive brought in after it was abandoned, kept for the connection's next receive.</summary>
    LateReceivesKept,
    /// <summary>Operations cancelled by the backend without being asked for that one (cancel-all) and resubmitted.</summary>
    Resubmissions,
    /// <summary>Operations that completed with a timeout.</summary>
    TimedOut,
    /// <summary>Operations that completed as cancelled (close with the operation in flight, isolate cancellation).</summary>
    Cancelled,
    /// <summary>Connections detached for another shard.</summary>
    Detached,
    /// <summary>Connections adopted from another shard.</summary>
    Adopted,
    /// <summary>Multishot receives armed on connections (the first Receive, and re-arms after a pause or an end).</summary>
    ReceiveArms,
    /// <summary>Multishot receives paused because their connection held its most provided buffers unread.</summary>
    ReceivePauses,
    /// <summary>Multishot receives ended by an empty provided-buffer ring (ENOBUFS).</summary>
    ReceiveBuffersExhausted,
    /// <summary>Receives served by a one-shot receive into the reactor's pool because the provided-buffer ring was empty.</summary>
    ReceiveFallbacks,
    /// <summary>
    /// Times a listener's multishot accept was paused (its arm cancelled): its queue of accepted connections reached
    /// the high-water mark (the listen backlog), or the connection table was truly full under
    /// <see cref="AcceptOverflowPolicy.Pause"/>. It is re-armed once the queue is down to the low-water mark.
    /// </summary>
    AcceptPauses,
    /// <summary>
    /// Connections the kernel had accepted that the reactor closed on purpose because the connection table was truly
    /// full (<see cref="AcceptOverflowPolicy.Close"/>; under Pause only if a listener's queue could hold no more).
    /// </summary>
    AcceptsRefusedTableFull,
    /// <summary>
    /// Operations whose completion the kernel dropped (found by the resync after an io_uring EBADR) and which were
    /// failed with <see cref="IoErrorKind.CompletionLost"/> (or, nobody waiting, released), plus the streams whose
    /// multishot receive was armed at the loss (they report CompletionLost after the bytes they hold).
    /// </summary>
    CompletionsLost,
    /// <summary>Times the backend reported dropped completions and the reactor resynced its operations in flight.</summary>
    CompletionResyncs,
    /// <summary>Sends failed with <see cref="IoErrorKind.NoProgress"/>: two 0-byte writes in a row for a non-empty payload.</summary>
    SendsWithoutProgress,
    /// <summary>
    /// Receives that found the I/O pool empty and waited for a buffer (bounded by their timeout) instead of failing
    /// with <see cref="IoErrorKind.BuffersExhausted"/>.
    /// </summary>
    BufferWaits,
    /// <summary>Connections closed because no byte moved either way for <see cref="IoOptions.IdleTimeout"/>.</summary>
    IdleTimeoutCloses,
    /// <summary>Connections closed because a send timed out (the peer did not read; the stream is undefined).</summary>
    SendTimeoutCloses,
    /// <summary>Connections closed abortively (SO_LINGER 0: the peer sees a reset).</summary>
    AbortiveCloses,
    /// <summary>Receives that asked for more than one buffer holds and were served as <c>MaxReceiveBytes</c>.</summary>
    ReceivesClamped,
    /// <summary>ReceivedData asked for the bytes of a successful receive that are no longer (or never were) the caller's.</summary>
    ReceivedDataRefused,
    /// <summary>Bytes handed to isolates by completed receives.</summary>
    BytesReceived,
    /// <summary>Bytes written to sockets by sends (complete or not).</summary>
    BytesSent,
    /// <summary>Copying sends refused with <see cref="IoErrorKind.TooLarge"/>: over <see cref="IoOptions.SendBuffersPerConnection"/>.</summary>
    SendsTooLarge,
    /// <summary>Number of counters (not a counter).</summary>
    Count,
}
