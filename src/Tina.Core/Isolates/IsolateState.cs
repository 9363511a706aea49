namespace Tina.Isolates;

/// <summary>Lifecycle state of an isolate slot.</summary>
internal enum IsolateState : byte
{
    /// <summary>No isolate; the slot is on its type's free list.</summary>
    Free = 0,
    /// <summary>Alive and waiting for mail (runnable when it has some).</summary>
    Receiving = 1,
    /// <summary>Suspended on its outstanding call; only the reply, failure or timeout wakes it.</summary>
    WaitingForReply = 2,
    /// <summary>Suspended on its outstanding I/O operation (Tina.Io).</summary>
    WaitingForIo = 3,
}
