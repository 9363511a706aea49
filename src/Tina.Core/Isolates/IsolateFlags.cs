using System;

namespace Tina.Isolates;

/// <summary>Per-slot scheduling flags.</summary>
[Flags]
internal enum IsolateFlags : byte
{
    None = 0,
    /// <summary>The slot index is in its type's run queue (at most once).</summary>
    InRunQueue = 1,
    /// <summary>The reply slot holds an undelivered call outcome; it is dispatched before any mail.</summary>
    ReplyReady = 2,
    /// <summary>The isolate yielded; it gets a Resume message before any mail.</summary>
    ResumePending = 4,
    /// <summary>The isolate has been cancelled (or told to shut down) and is draining under a deadline.</summary>
    Cancelling = 8,
    /// <summary>The cancellation came from shutdown (a Done then counts as drained, outcome Ok).</summary>
    ShuttingDown = 16,
    /// <summary>The Cancel/Shutdown notice has not been handed to the isolate yet; it goes before any mail.</summary>
    CancelNotice = 32,
    /// <summary>Yielded this tick: its Resume waits in the shard's yielded list until the next tick's dispatch.</summary>
    Yielded = 64,
}
