namespace Tina.Simulation.Workloads;

/// <summary>
/// Start of a lifecycle peer: its seed (mixed with its handle, so every incarnation of a supervised child differs),
/// how many actions it takes, its self-crash rate (per mille of actions) and the largest flood burst it sends.
/// </summary>
internal readonly record struct PeerStart(ulong Seed, int Actions, int CrashPerMille, int FloodMax);

/// <summary>Start of a lifecycle driver: its seed, the steps of its script, the children it keeps, its cancel rate (per mille of steps).</summary>
internal readonly record struct DriverStart(ulong Seed, int Steps, int Children, int CancelPerMille);

/// <summary>How a peer answers a <see cref="PeerAsk"/>.</summary>
internal enum PeerAskMode
{
    /// <summary>Reply at once with <c>Sequence + 1</c>.</summary>
    Reply = 0,
    /// <summary>Fail the call.</summary>
    Fail = 1,
    /// <summary>Return without replying (NoReply).</summary>
    Ignore = 2,
    /// <summary>Defer the reply by <see cref="PeerAsk.DelayMilliseconds"/> (maybe past the caller's timeout).</summary>
    Defer = 3,
}

/// <summary>A call between lifecycle isolates.</summary>
internal readonly record struct PeerAsk(int Sequence, PeerAskMode Mode, int DelayMilliseconds);

/// <summary>The answer to a <see cref="PeerAsk"/>: <c>Sequence + 1</c>.</summary>
internal readonly record struct PeerAnswer(int Value);

/// <summary>One message of a flood burst.</summary>
internal readonly record struct Flood(int Index);

/// <summary>A buffer handed over: the receiver now owns <see cref="Buffer"/>, whose first 8 bytes hold <see cref="Pattern"/>.</summary>
internal readonly record struct BufferNote(ulong Buffer, ulong Pattern);
