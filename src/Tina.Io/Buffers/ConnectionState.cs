namespace Tina.Io.Buffers;

/// <summary>The life of a connection-table entry.</summary>
internal enum ConnectionState : byte
{
    /// <summary>On the free list.</summary>
    Free = 0,
    /// <summary>Held for an Accept in flight; becomes Open when it completes, Free when it fails.</summary>
    Reserved = 1,
    /// <summary>A listening socket.</summary>
    Listener = 2,
    /// <summary>A connection (accepted, connected or adopted).</summary>
    Open = 3,
    /// <summary>Closed by an isolate or by its owner's exit: the handle is stale; the entry waits for its close and
    /// for every lane's last completion before it is freed.</summary>
    Closing = 4,
}
