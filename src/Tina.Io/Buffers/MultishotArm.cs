namespace Tina.Io.Buffers;

/// <summary>
/// A multishot operation armed on a connection entry (a listener's accept, a connection's receive): one submission,
/// many completions under one internal token, until one arrives without More. Shard-thread only.
/// </summary>
internal struct MultishotArm
{
    public ulong Token;      // the internal token of the arm in flight, 0 when none (the entry is not freed before)
    public ushort Sequence;  // bumped on every arm (token bits 15..0), so a re-arm never matches an older one's token
    public bool Cancelled;   // a cancel of the arm is queued: its last completion is on the way

    /// <summary>True while the arm's last completion has not come back.</summary>
    public readonly bool IsArmed => Token != 0;
}
