using System.Runtime.CompilerServices;

namespace Tina.Scheduling;

/// <summary>
/// The isolate invocation a shard is running and the effect it has staged: one value instead of loose
/// <c>_current*</c> and <c>_staged*</c> fields. Held by the shard in one field; written and read only by the shard
/// thread.
/// </summary>
/// <remarks>
/// <para>Invariants. <see cref="Type"/> is -1 exactly outside an invocation (<see cref="Begin"/> and <see cref="End"/>
/// are the only writers of the identity fields, except <c>FailDroppedCall</c>, which borrows <see cref="Handle"/> as the
/// source of a failure it sends outside any invocation and restores it). <see cref="Caller"/>,
/// <see cref="Correlation"/> and <see cref="CallResolved"/> mean something only while <see cref="Kind"/> is a call.</para>
/// <para>Staged effect. <see cref="CallStaged"/> (with <see cref="StagedRequest"/>, <see cref="StagedTimeoutTicks"/>)
/// and <see cref="IoStaged"/> (with <see cref="StagedIoTimeoutTicks"/>) are set by the handler's context during an
/// invocation and are both false again before the invocation ends: the effect either applies them (the shard's
/// <c>StartCall</c>/<c>StartIo</c>) or clears them (<c>ClearStaged</c>) — nothing staged reaches the next isolate.
/// At most one call is staged per invocation (<see cref="StageCall{T}"/> refuses a second).</para>
/// </remarks>
internal struct Invocation
{
    /// <summary>Outside any invocation.</summary>
    public static readonly Invocation None = new() { Type = -1, RefusedRing = -1 };

    public int Type;                  // type of the isolate being invoked, -1 outside an invocation
    public int Slot;                  // its slot
    public Handle Handle;             // its handle
    public MessageKind Kind;          // kind of the message it is handling
    public Handle Caller;             // for a call: the caller
    public uint Correlation;          // for a call: the correlation
    public bool CallResolved;         // for a call: replied, deferred or failed
    public int RefusedRing;           // target shard of this invocation's last RingFull refusal, or -1 (Yield waits on it)

    public bool CallStaged;           // a Context.Call built a request during this invocation
    public bool IoStaged;             // an I/O method staged an operation during this invocation
    public long StagedTimeoutTicks;   // the staged call's timeout in timer ticks
    public long StagedIoTimeoutTicks; // the staged operation's timeout in wheel ticks (0 = none)
    public Message StagedRequest;     // the staged call's request; target in its header, correlation set when sent

    /// <summary>True while a call or an I/O operation is staged.</summary>
    public readonly bool HasStaged => CallStaged || IoStaged;

    /// <summary>Starts the invocation of <paramref name="self"/> (type, slot) with <paramref name="message"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Begin(int type, int slot, Handle self, in Message message)
    {
        Type = type;
        Slot = slot;
        Handle = self;
        Kind = message.KindValue;
        Caller = message.SourceHandle;
        Correlation = message.Correlation;
        CallResolved = false;
        RefusedRing = -1;
    }

    /// <summary>Ends the invocation; what it staged has already been applied or cleared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void End()
    {
        Type = -1;
        Handle = Handle.None;
        Kind = MessageKind.User;
    }

    /// <summary>Stages the one call of this invocation; a second is an <see cref="System.InvalidOperationException"/>.</summary>
    public void StageCall<T>(Handle target, in T request, long timeoutTicks)
        where T : unmanaged
    {
        if (CallStaged)
        {
            ThrowHelper.ThrowInvalidOperation("A handler may make one call per invocation; return the Effect of the first.");
        }

        CallStaged = true;
        StagedRequest.SetHeader(target, Handle, MessageKind.Call, 0);
        StagedRequest.SetPayload(in request);
        StagedTimeoutTicks = timeoutTicks;
    }

    /// <summary>Records that an I/O operation was staged, with its timeout (0 = none); the last one staged wins.</summary>
    public void StageIo(long timeoutTicks)
    {
        IoStaged = true;
        StagedIoTimeoutTicks = timeoutTicks;
    }
}
