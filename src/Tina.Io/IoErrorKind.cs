namespace Tina.Io;

/// <summary>
/// Framework-level I/O failures. They live in their own enum, apart from OS error numbers and byte counts, so the
/// three can never be confused (the Odin original's negative framework codes collided with −errno).
/// </summary>
public enum IoErrorKind : byte
{
    /// <summary>No error: the result carries a byte count.</summary>
    None = 0,
    /// <summary>The operating system reported an error; see <see cref="IoResult.OsError"/>.</summary>
    Os = 1,
    /// <summary>No buffer was free in the shard's I/O pool.</summary>
    BuffersExhausted = 2,
    /// <summary>The connection handle is stale (closed and reused).</summary>
    StaleConnection = 3,
    /// <summary>The submission queue had no room this tick.</summary>
    SubmissionFull = 4,
    /// <summary>The operation's timeout fired first.</summary>
    TimedOut = 5,
    /// <summary>The operation was cancelled (close with the operation in flight).</summary>
    Cancelled = 6,
    /// <summary>The connection table is full.</summary>
    ConnectionTableFull = 7,
    /// <summary>Another isolate's operation of the same direction (receive/accept, or send/connect) is in flight on this socket.</summary>
    Busy = 8,
    /// <summary>
    /// The kernel dropped the operation's completion (io_uring CQ overflow it could not buffer). What the operation did
    /// is unknown (bytes may have been received or sent), so the stream is undefined: close the connection.
    /// </summary>
    CompletionLost = 9,
    /// <summary>
    /// A send of a non-empty payload wrote 0 bytes twice in a row (resubmitted once): the socket takes no bytes, so the
    /// send fails instead of spinning; <see cref="IoCompletion.Transferred"/> says how much was written before.
    /// </summary>
    NoProgress = 10,
    /// <summary>
    /// A copying send needs more pool buffers than one send may take (<see cref="IoOptions.SendBuffersPerConnection"/>
    /// times <see cref="IoOptions.BufferSize"/>). Nothing was sent and the connection stays open: send the payload in
    /// parts, or from a shard buffer the isolate owns (no pool buffer at all).
    /// </summary>
    TooLarge = 11,
}
