namespace Tina.Io.Buffers;

/// <summary>The state of one direction of a connection.</summary>
internal enum LaneState : byte
{
    /// <summary>Nothing in flight.</summary>
    Idle = 0,
    /// <summary>An operation is in the backend and an isolate waits for it.</summary>
    Submitted = 1,
    /// <summary>An operation is in the backend but nobody waits (timeout, cancel, exit, close); its completion only
    /// releases what it carries.</summary>
    Abandoned = 2,
    /// <summary>An Accept waits on a timer because the table was full or the process was out of descriptors.</summary>
    BackingOff = 3,
    /// <summary>An isolate waits for what a multishot operation armed on the connection brings next (an accepted
    /// connection, received bytes); nothing of its own is in the backend, so abandoning it only forgets the waiter.</summary>
    WaitingOnArm = 4,
}
