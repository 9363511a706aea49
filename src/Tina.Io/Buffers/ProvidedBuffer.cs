namespace Tina.Io.Buffers;

/// <summary>
/// The reactor's record of one provided receive buffer (multishot receive): what the kernel wrote into it, how much
/// of that has been handed out, which connection's queue holds the rest and which isolate the last part was lent
/// to. Shard-thread only; see <see cref="ProvidedBufferLedger"/>.
/// </summary>
internal struct ProvidedBuffer
{
    public uint Generation;     // bumped every time the kernel fills it, never 0: a stale completion reads nothing
    public int Length;          // bytes the kernel wrote
    public int Offset;          // bytes already handed out (the next Receive starts here)
    public int Next;            // the next buffer of the same connection's held queue, -1 ends
    public bool Held;           // in a connection's held queue: bytes from Offset on are not handed out yet
    public bool Listed;         // in the reactor's lent list (returned once its isolate has handled the completion)
    public Handle LentTo;       // the isolate the last part was lent to, None when none
    public uint LentSequence;   // that isolate's I/O sequence for it
}
