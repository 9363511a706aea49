namespace Tina.Io.Reactor;

/// <summary>
/// The reactor's record of one isolate slot: its outstanding operations, at most one per lane (<see cref="Read"/>:
/// Accept, Receive; <see cref="Write"/>: Connect, Send; <see cref="Control"/>: Listen, Close), and the head of the list
/// of connections it owns (closed when it exits). Shard-thread only.
/// </summary>
/// <remarks>
/// Several outstanding operations make a connection full duplex: an isolate may wait for its next request while its
/// last response is still being written. The isolate waits on one I/O sequence at a time (the Core's); each
/// operation keeps the sequence it was staged under as its identity, and its completion is delivered under the
/// sequence the isolate waits on at that moment, or, when the isolate is not waiting, held in its slot
/// (<see cref="IoOpSlotState.Ready"/>) until the isolate next waits for I/O. Ready completions leave oldest first.
/// </remarks>
internal struct IsolateIo
{
    public IoOpSlot Read;         // Accept, Receive
    public IoOpSlot Write;        // Connect, Send
    public IoOpSlot Control;      // Listen, Close
    public uint ReadyClock;       // orders Ready completions (the next stamp)
    public int OwnedHead;         // first connection this isolate owns, -1 for none

    /// <summary>The lane an operation of this kind occupies.</summary>
    public static IoLaneKind LaneOf(IoOperation operation) => operation switch
    {
        IoOperation.Accept or IoOperation.Receive => IoLaneKind.Read,
        IoOperation.Connect or IoOperation.Send => IoLaneKind.Write,
        _ => IoLaneKind.Control,
    };

    public readonly bool HasOutstanding => Read.State != IoOpSlotState.Free || Write.State != IoOpSlotState.Free || Control.State != IoOpSlotState.Free;
}
