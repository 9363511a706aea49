namespace Tina;

/// <summary>What a <see cref="Message"/> is, as the runtime delivers it.</summary>
public enum MessageKind : byte
{
    /// <summary>A one-way message sent with <see cref="Context.Send{T}(Handle, in T)"/>.</summary>
    User = 0,
    /// <summary>A request made with <see cref="Context.Call{T}(Handle, in T, System.TimeSpan)"/>; the handler owes a reply.</summary>
    Call = 1,
    /// <summary>The outcome of this isolate's own call: see <see cref="Message.Status"/>.</summary>
    Reply = 2,
    /// <summary>A timer registered by this isolate fired: see <see cref="Message.TimerTag"/>.</summary>
    Timer = 3,
    /// <summary>The isolate returned <see cref="Effect.Yield"/> and is being resumed; carries no payload.</summary>
    Resume = 4,
    /// <summary>The first message of an isolate spawned with a start message.</summary>
    Start = 5,
    /// <summary>The isolate is being cancelled (payload <see cref="CancelReason"/>): finish or hand off, then return Done.</summary>
    Cancel = 6,
    /// <summary>The runtime is shutting down (payload <see cref="CancelReason"/>): finish, then return Done.</summary>
    Shutdown = 7,
    /// <summary>A watched isolate exited (payload <see cref="Down"/>).</summary>
    Down = 8,
    /// <summary>This isolate's I/O operation completed (payload defined by Tina.Io).</summary>
    IoCompleted = 9,

    /// <summary>Internal: a request to spawn an isolate on the receiving shard.</summary>
    SpawnRequest = 16,
    /// <summary>Internal: a buffer transferred across shards is handed back to its owner.</summary>
    BufferRelease = 17,
    /// <summary>Internal: register a watch on an isolate of the receiving shard.</summary>
    WatchRequest = 18,
    /// <summary>Internal: a parent on another shard cancels its child.</summary>
    CancelRequest = 19,
    /// <summary>Internal: remove the watches the source holds on an isolate of the receiving shard.</summary>
    UnwatchRequest = 20,
    /// <summary>Internal: answers a watch, unwatch or cancel request that produced no Down (returns the sender's credit).</summary>
    RequestAck = 21,
}
