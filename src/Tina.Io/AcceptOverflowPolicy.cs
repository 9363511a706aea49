namespace Tina.Io;

/// <summary>
/// What a listener does with connections when the shard's connection table is truly full (every entry in use, or
/// promised to a connection already accepted and queued). Set with <see cref="IoOptions.AcceptOverflowPolicy"/>.
/// </summary>
public enum AcceptOverflowPolicy
{
    /// <summary>
    /// Stop accepting: the listener's multishot accept is cancelled, so new connections wait in the kernel's listen
    /// backlog (and beyond it the client's SYN is retried) until entries free up. Connections the kernel had already
    /// accepted are kept, never closed. The default.
    /// </summary>
    Pause = 0,

    /// <summary>
    /// Shed load: keep accepting, and close each connection that finds no entry at once (counted in
    /// <see cref="IoCounter.AcceptsRefusedTableFull"/>), so clients learn of the overload instead of waiting.
    /// </summary>
    Close = 1,
}
