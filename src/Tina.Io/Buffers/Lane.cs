using Tina.Io.Reactor;

namespace Tina.Io.Buffers;

/// <summary>
/// One direction of a connection: the read lane carries Accept and Receive, the write lane Connect and Send. At most
/// one operation per lane is in the backend, and the lane keeps its exact token until that operation's completion
/// comes back. Shard-thread only.
/// </summary>
internal struct Lane
{
    public LaneState State;
    public IoOpCode Op;             // the operation in flight
    public ushort Sequence;         // bumped on every submission on this lane (token bits 15..0)
    public ulong Token;             // the token of the operation in flight
    public Handle Isolate;          // who waits (None once abandoned)
    public uint IsolateSequence;    // the isolate's I/O sequence for it
    public int Buffer;              // the I/O buffer in flight, -1 for none
    public int Offset;              // Send: bytes already written
    public int Length;              // Send: payload length; Receive: room asked for
    public int Reserved;            // Accept: the table entry reserved for the new connection, -1 for none
    public long DeadlineNanoseconds;// BackingOff: when to try again
    public nint External;           // Send: memory the isolate owns (no copy), 0 when the payload is in Buffer's chain
    public long TimeoutAt;          // the waiting operation times out at this shard time (ns), 0 for never

    public void Reset()
    {
        State = LaneState.Idle;
        Op = IoOpCode.None;
        Isolate = Handle.None;
        IsolateSequence = 0;
        Buffer = -1;
        Offset = 0;
        Length = 0;
        Reserved = -1;
        DeadlineNanoseconds = 0;
        TimeoutAt = 0;
        External = 0;
    }
}
