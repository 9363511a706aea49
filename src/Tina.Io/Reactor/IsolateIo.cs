namespace Tina.Io.Reactor;

/// <summary>
/// The reactor's record of one isolate slot: where its operation in flight is (so the shard can abandon it by
/// handle and sequence) and the head of the list of connections it owns (closed when it exits). Shard-thread only.
/// </summary>
internal struct IsolateIo
{
    public uint Sequence;         // the isolate's I/O sequence of the operation recorded here
    public int Connection;        // its connection entry, -1 for none
    public IsolateIoRole Role;    // which part of that entry
    public int OwnedHead;         // first connection this isolate owns, -1 for none
}
