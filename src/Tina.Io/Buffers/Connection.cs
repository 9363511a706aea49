namespace Tina.Io.Buffers;

/// <summary>One entry of a shard's connection table. Shard-thread only.</summary>
internal struct Connection
{
    public ConnectionState State;
    public bool CloseDone;          // Closing: the backend has completed the close
    public bool StashEndOfStream;   // an abandoned receive saw the peer close: the next receive returns 0
    public int Descriptor;          // the OS descriptor (a simulated socket id on the simulated backend), -1 when none
    public uint Generation;         // 32-bit, never 0; bumped when the entry starts closing (or is detached)
    public Handle Owner;            // the isolate whose exit closes it, None for none
    public int OwnerNext;           // owner's list of connections, -1 ends
    public int OwnerPrevious;       // -1 = head
    public Lane Read;               // Accept / Receive
    public Lane Write;              // Connect / Send
    public Handle Closer;           // the isolate waiting for the close, None for none
    public uint CloserSequence;
    public ulong CloseToken;        // the internal token of the close in flight
    public int StashBuffer;         // bytes an abandoned receive brought in late, kept for the next receive (-1 none)
    public int StashLength;
    public int NextFree;            // free-list link while Free
    public byte SendZeroWrites;     // consecutive 0-byte completions of the send in flight (the second fails it)
    public bool InBufferQueue;      // listed in the reactor's buffer-waiter queue (at most once)

    // Listener with multishot accept (io_uring): see IoReactor.Multishot.cs.
    public MultishotArm AcceptArm;  // the AcceptMultishot armed on it (cancelled at the high-water mark, overload, or closing)
    public long AcceptRearmAt;      // EMFILE/ENFILE ended the arm: no re-arm before this time
    public int[]? AcceptQueue;      // descriptors accepted while no isolate waited (ring; grows; kept when the entry is reused)
    public int AcceptHighWater;     // the listen backlog, clamped: the queue length that pauses the arm
    public bool AcceptPaused;       // paused at the high-water mark or on overload: re-armed at the low-water mark
    public int AcceptQueueHead;
    public int AcceptQueueCount;

    // Connection with multishot receive (provided buffers): see IoReactor.MultishotReceive.cs.
    public MultishotArm ReceiveArm; // the ReceiveMultishot armed on it (cancelled when the held queue is full, or closing)
    public int ReceiveError;        // errno that ended the stream (reset...), reported once the held bytes are out; 0 none
    public int HeldHead;            // provided buffers received but not handed out yet, in stream order (-1 none)
    public int HeldTail;
    public int HeldCount;

    // Lifecycle limits: see IoReactor.Deadlines.cs.
    public long LastActivity;       // shard time (ns) a byte last moved either way, or the entry opened
}
