namespace Tina.Io.Reactor;

/// <summary>One outstanding operation of an isolate (see <see cref="IsolateIo"/>). Shard-thread only.</summary>
internal struct IoOpSlot
{
    public IoOpSlotState State;
    public uint Sequence;           // the I/O sequence the operation was staged under: its identity
    public int Connection;          // InFlight: its connection entry, -1 for none
    public IsolateIoRole Role;      // InFlight: which part of that entry
    public uint ReadyStamp;         // Ready: its place in the isolate's order of Ready completions
    public IoCompletion Completion; // Ready: what the isolate gets when it next waits

    public void Clear()
    {
        State = IoOpSlotState.Free;
        Sequence = 0;
        Connection = -1;
        Role = IsolateIoRole.None;
        ReadyStamp = 0;
        Completion = default;
    }
}
