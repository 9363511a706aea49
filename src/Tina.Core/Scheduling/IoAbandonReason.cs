namespace Tina.Scheduling;

/// <summary>Why the shard stops waiting for an I/O operation.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public enum IoAbandonReason : byte
{
    /// <summary>The operation's timeout fired.</summary>
    Timeout = 0,
    /// <summary>The isolate was cancelled or told to shut down.</summary>
    Cancelled = 1,
    /// <summary>The isolate exited; nobody will see a completion.</summary>
    Exited = 2,
}
