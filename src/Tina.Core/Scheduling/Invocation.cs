namespace Tina.Scheduling;

/// <summary>
/// The isolate invocation a shard is running: one value instead of seven loose <c>_current*</c> fields (issue 11).
/// Written and read only by the shard thread. The staged call and I/O (Shard.Calls.cs, Shard.Io.cs) are not in it
/// yet.
/// </summary>
/// <remarks>Invariants: <see cref="Type"/> is -1 exactly outside an invocation; <see cref="Caller"/>,
/// <see cref="Correlation"/> and <see cref="CallResolved"/> mean something only while <see cref="Kind"/> is a
/// call.</remarks>
internal struct Invocation
{
    /// <summary>Outside any invocation.</summary>
    public static readonly Invocation None = new() { Type = -1 };

    public int Type;                  // type of the isolate being invoked, -1 outside an invocation
    public int Slot;                  // its slot
    public Handle Handle;             // its handle
    public MessageKind Kind;          // kind of the message it is handling
    public Handle Caller;             // for a call: the caller
    public uint Correlation;          // for a call: the correlation
    public bool CallResolved;         // for a call: replied, deferred or failed
}
