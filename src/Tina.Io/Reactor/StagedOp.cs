namespace Tina.Io.Reactor;

/// <summary>An operation staged by a context method during dispatch, turned into a submission (or a completion) at Flush.</summary>
internal struct StagedOp
{
    public Handle Isolate;
    public uint Sequence;
    public IoOperation Kind;
    public IoErrorKind ImmediateError;   // not None: complete with this error at Flush
    public bool ReusePort;
    public SocketHandle Socket;
    public int Buffer;                   // Send: the reactor-owned buffer holding the payload, -1 for none
    public int Length;                   // Send: payload bytes; Receive: room asked for
    public IoAddress Address;            // Listen, Connect
    public int Port;
    public int Backlog;
    public nint External;                // Send from memory the isolate owns (a pinned shard buffer): no copy, Buffer -1
    public bool Abortive;                // Close: SO_LINGER 0 first (the peer sees a reset)
    public long Deadline;                // the operation times out at this shard time (ns), 0 for never
}
