using System.Diagnostics;
using System.Runtime.CompilerServices;
using Tina.Io.Buffers;
using Tina.Scheduling;

namespace Tina.Io.Reactor;

/// <remarks>
/// Isolates' outstanding operations (full duplex). Each isolate has three lanes (<see cref="IsolateIo"/>): read
/// (Accept, Receive), write (Connect, Send) and control (Listen, Close), with at most one operation outstanding on
/// each. An operation is named by the I/O sequence it was staged under; it is delivered under the sequence the
/// isolate waits on when it completes (the Core's check then holds), or held Ready in its lane until the isolate next
/// returns the Io effect, oldest first. A buffer lent by a held completion stays lent until the isolate has handled it.
/// </remarks>
internal sealed unsafe partial class IoReactor
{
    /// <summary>True when the isolate has no operation outstanding on the lane that <paramref name="operation"/> uses.</summary>
    public bool IsLaneFree(Handle isolate, IoOperation operation) =>
        !IsOwnIsolate(isolate) || Slot(ref RecordOf(isolate), IsolateIo.LaneOf(operation)).State == IoOpSlotState.Free;

    /// <summary>True when the isolate has any operation outstanding (staged, in flight, or completed and held).</summary>
    public bool HasOutstanding(Handle isolate) => IsOwnIsolate(isolate) && RecordOf(isolate).HasOutstanding;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref IoOpSlot Slot(ref IsolateIo record, IoLaneKind lane)
    {
        if (lane == IoLaneKind.Read)
        {
            return ref record.Read;
        }

        return ref lane == IoLaneKind.Write ? ref record.Write : ref record.Control;
    }

    /// <summary>The lane whose outstanding operation has that sequence, or -1.</summary>
    private static int FindLane(ref IsolateIo record, uint sequence)
    {
        if (record.Read.State != IoOpSlotState.Free && record.Read.Sequence == sequence)
        {
            return (int)IoLaneKind.Read;
        }

        if (record.Write.State != IoOpSlotState.Free && record.Write.Sequence == sequence)
        {
            return (int)IoLaneKind.Write;
        }

        if (record.Control.State != IoOpSlotState.Free && record.Control.Sequence == sequence)
        {
            return (int)IoLaneKind.Control;
        }

        return -1;
    }

    private static bool IsHeldReady(ref IsolateIo record, uint sequence)
    {
        int lane = FindLane(ref record, sequence);
        return lane >= 0 && Slot(ref record, (IoLaneKind)lane).State == IoOpSlotState.Ready;
    }

    /// <summary>Staging: the operation takes its lane (the context checked it was free).</summary>
    private void ClaimLane(Handle isolate, uint sequence, IoOperation kind)
    {
        if (!IsOwnIsolate(isolate) || kind == IoOperation.None)
        {
            return;
        }

        ref IoOpSlot slot = ref Slot(ref RecordOf(isolate), IsolateIo.LaneOf(kind));
        Debug.Assert(slot.State == IoOpSlotState.Free, "at most one outstanding operation per lane and isolate");
        slot.Clear();
        slot.State = IoOpSlotState.Staged;
        slot.Sequence = sequence;
    }

    /// <summary>True while the staged operation still owns its lane (not abandoned, dropped or completed).</summary>
    private bool IsStagedLive(in StagedOp op)
    {
        if (op.Kind == IoOperation.None)
        {
            return _shard.IsWaitingForIo(op.Isolate, op.Sequence); // a bare wait
        }

        if (!IsOwnIsolate(op.Isolate) || !_shard.IsAlive(op.Isolate))
        {
            return false;
        }

        ref IoOpSlot slot = ref Slot(ref RecordOf(op.Isolate), IsolateIo.LaneOf(op.Kind));
        return slot.State == IoOpSlotState.Staged && slot.Sequence == op.Sequence;
    }

    /// <summary>Notes where (entry, role) the isolate's operation of that sequence waits, so it can be abandoned.</summary>
    private void RecordWaiter(int index, Handle isolate, uint sequence, IsolateIoRole role)
    {
        if (!IsOwnIsolate(isolate))
        {
            return;
        }

        ref IsolateIo record = ref RecordOf(isolate);
        int lane = FindLane(ref record, sequence);
        if (lane < 0)
        {
            return;
        }

        ref IoOpSlot slot = ref Slot(ref record, (IoLaneKind)lane);
        if (slot.State == IoOpSlotState.Ready)
        {
            return;
        }

        slot.State = IoOpSlotState.InFlight;
        slot.Connection = index;
        slot.Role = role;
    }

    /// <summary>
    /// Delivers the completion of the isolate's operation <paramref name="sequence"/>: to the isolate now if it waits
    /// for I/O, else held Ready in its lane. False when no such operation is outstanding (stale).
    /// </summary>
    private bool Deliver(Handle isolate, uint sequence, in IoCompletion completion)
    {
        if (!IsOwnIsolate(isolate))
        {
            Count(IoCounter.StaleCompletions);
            return false;
        }

        ref IsolateIo record = ref RecordOf(isolate);
        int lane = FindLane(ref record, sequence);
        if (lane < 0 || !_shard.IsAlive(isolate))
        {
            Count(IoCounter.StaleCompletions);
            return false;
        }

        ref IoOpSlot slot = ref Slot(ref record, (IoLaneKind)lane);
        if (slot.State == IoOpSlotState.Ready)
        {
            Count(IoCounter.StaleCompletions); // one completion per operation
            return false;
        }

        Count(IoCounter.Delivered);
        if (completion.Transferred > 0 && completion.Operation == IoOperation.Receive)
        {
            Touch(completion.Socket); // sends touch as they write (OnSend)
        }

        if (_shard.TryGetIoWait(isolate, out uint waiting) && _shard.CompleteIo(isolate, waiting, in completion))
        {
            Relend(isolate, in completion, waiting);
            slot.Clear();
            return true;
        }

        slot.State = IoOpSlotState.Ready;
        slot.Completion = completion;
        slot.ReadyStamp = record.ReadyClock++;
        slot.Connection = -1;
        slot.Role = IsolateIoRole.None;
        return true;
    }

    /// <summary>If the isolate waits for I/O and has a completion held Ready, delivers the oldest one.</summary>
    private void DeliverReady(Handle isolate)
    {
        if (!IsOwnIsolate(isolate))
        {
            return;
        }

        ref IsolateIo record = ref RecordOf(isolate);
        int best = -1;
        uint stamp = 0;
        for (int lane = 0; lane < 3; lane++)
        {
            ref IoOpSlot slot = ref Slot(ref record, (IoLaneKind)lane);
            if (slot.State == IoOpSlotState.Ready && (best < 0 || (int)(slot.ReadyStamp - stamp) < 0))
            {
                best = lane;
                stamp = slot.ReadyStamp;
            }
        }

        if (best < 0 || !_shard.TryGetIoWait(isolate, out uint waiting))
        {
            return;
        }

        ref IoOpSlot ready = ref Slot(ref record, (IoLaneKind)best);
        IoCompletion completion = ready.Completion;
        if (_shard.CompleteIo(isolate, waiting, in completion))
        {
            Relend(isolate, in completion, waiting);
            ready.Clear();
        }
    }

    /// <summary>A delivered receive's buffer is now pending under the sequence the isolate got it with.</summary>
    private void Relend(Handle isolate, in IoCompletion completion, uint sequence)
    {
        int buffer = completion.Buffer;
        if (buffer < 0 || completion.Operation != IoOperation.Receive)
        {
            return;
        }

        if (buffer < _buffers.Count)
        {
            if (_buffers.OwnerOf(buffer) == IoBufferOwner.Isolate && _buffers.LentTo(buffer) == isolate)
            {
                _buffers.Lend(buffer, isolate, sequence);
            }

            return;
        }

        ref ProvidedBuffer b = ref _provided![buffer - _buffers.Count];
        if (b.LentTo == isolate && b.Generation == completion.BufferGeneration)
        {
            b.LentSequence = sequence;
        }
    }

    // ---- abandon and exit ----------------------------------------------------------------------------------------

    /// <summary>
    /// The shard stops waiting for (isolate, sequence): the isolate exited (every outstanding operation is abandoned
    /// silently) or was cancelled (every outstanding operation completes with Cancelled, the first under
    /// <paramref name="newSequence"/>, the others held). Operation timeouts are the reactor's own
    /// (<see cref="SweepDeadlines"/>); a Core timeout, should one come, is treated like a cancellation with TimedOut.
    /// </summary>
    public void Abandon(Handle isolate, uint sequence, uint newSequence, IoAbandonReason reason)
    {
        if (!IsOwnIsolate(isolate))
        {
            return;
        }

        if (reason == IoAbandonReason.Exited)
        {
            AbandonAll(isolate, IoErrorKind.None);
            return;
        }

        IoErrorKind kind = reason == IoAbandonReason.Timeout ? IoErrorKind.TimedOut : IoErrorKind.Cancelled;
        AbandonAll(isolate, kind);
        DeliverReady(isolate);
        if (_shard.IsWaitingForIo(isolate, newSequence))
        {
            // Nothing was outstanding (cannot happen through the context, which refuses a wait on nothing).
            DeliverErrorNow(isolate, newSequence, kind);
        }
    }

    private void DeliverErrorNow(Handle isolate, uint sequence, IoErrorKind kind)
    {
        Count(kind == IoErrorKind.TimedOut ? IoCounter.TimedOut : IoCounter.Cancelled);
        if (_shard.CompleteIo(isolate, sequence, new IoCompletion(IoOperation.None, IoResult.FromError(kind), SocketHandle.None, 0, -1, 0)))
        {
            Count(IoCounter.Delivered);
        }
    }

    /// <summary>
    /// Abandons every staged or in-flight operation of the isolate. With <paramref name="kind"/> None they vanish
    /// (exit) and held completions are dropped; otherwise each completes with that error.
    /// </summary>
    private void AbandonAll(Handle isolate, IoErrorKind kind)
    {
        ref IsolateIo record = ref RecordOf(isolate);
        for (int lane = 0; lane < 3; lane++)
        {
            ref IoOpSlot slot = ref Slot(ref record, (IoLaneKind)lane);
            switch (slot.State)
            {
                case IoOpSlotState.Staged or IoOpSlotState.InFlight:
                    AbandonOperation(isolate, slot.Sequence, kind);
                    if (kind == IoErrorKind.None)
                    {
                        slot.Clear();
                    }

                    break;
                case IoOpSlotState.Ready when kind == IoErrorKind.None:
                    slot.Clear(); // a lent buffer goes back at the next Collect (the isolate is gone)
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>
    /// Abandons one outstanding operation: an operation in the backend is cancelled there (its completion only
    /// releases what it carries), a connect in flight also closes its socket, a staged one is dropped at Flush. With
    /// an error kind the isolate gets that error for it.
    /// </summary>
    private void AbandonOperation(Handle isolate, uint sequence, IoErrorKind kind)
    {
        ref IsolateIo record = ref RecordOf(isolate);
        int laneIndex = FindLane(ref record, sequence);
        if (laneIndex < 0)
        {
            return;
        }

        ref IoOpSlot slot = ref Slot(ref record, (IoLaneKind)laneIndex);
        IoOperation operation = IoOperation.None;
        SocketHandle socket = SocketHandle.None;
        if (slot.State == IoOpSlotState.Staged)
        {
            for (int i = 0; i < _stagedCount; i++)
            {
                if (_staged[i].Isolate == isolate && _staged[i].Sequence == sequence)
                {
                    operation = _staged[i].Kind;
                    socket = _staged[i].Socket;
                    break;
                }
            }
        }
        else if (slot.State == IoOpSlotState.InFlight && slot.Connection >= 0)
        {
            AbandonInFlight(isolate, sequence, slot.Connection, slot.Role, out operation, out socket);
        }

        if (kind != IoErrorKind.None)
        {
            DeliverError(isolate, sequence, operation, IoResult.FromError(kind), socket);
        }
    }

    private void AbandonInFlight(Handle isolate, uint sequence, int index, IsolateIoRole role, out IoOperation operation, out SocketHandle socket)
    {
        ref Connection c = ref _table[index];
        operation = IoOperation.None;
        socket = c.State is ConnectionState.Open or ConnectionState.Listener ? HandleOf(index) : SocketHandle.None;
        if (role == IsolateIoRole.Close)
        {
            operation = IoOperation.Close;
            if (c.Closer == isolate && c.CloserSequence == sequence)
            {
                c.Closer = Handle.None;
            }

            return;
        }

        ref Lane lane = ref role == IsolateIoRole.Read ? ref c.Read : ref c.Write;
        if (lane.Isolate != isolate || lane.IsolateSequence != sequence)
        {
            return;
        }

        operation = OperationOf(lane.Op);
        if (lane.State is LaneState.BackingOff or LaneState.WaitingOnArm)
        {
            lane.Reset(); // nothing of its own in the backend; an arm keeps running for the next waiter
            return;
        }

        Debug.Assert(lane.State == LaneState.Submitted, "a recorded lane operation is in the backend");
        lane.State = LaneState.Abandoned;
        lane.Isolate = Handle.None;
        EnqueueCancel(c.Descriptor, index, lane.Token);
        if (lane.Op == IoOpCode.Connect && c.State == ConnectionState.Open)
        {
            socket = SocketHandle.None;
            BeginClose(index, Handle.None, 0); // the socket was never handed out
        }
    }

    /// <summary>
    /// The isolate exits: every connection it owns is closed (as before full duplex, the waiters on them are told
    /// Cancelled), then what it still has outstanding elsewhere is abandoned silently and its held completions dropped.
    /// </summary>
    public void OnIsolateExit(Handle isolate)
    {
        if (!IsOwnIsolate(isolate))
        {
            return;
        }

        ref IsolateIo record = ref RecordOf(isolate);
        while (record.OwnedHead >= 0)
        {
            int index = record.OwnedHead;
            ref Connection c = ref _table[index];
            if (c.Owner != isolate)
            {
                // A previous occupant of the slot: unlink without closing (cannot happen while exits are reported).
                RemoveOwner(index);
                continue;
            }

            BeginClose(index, Handle.None, 0); // unlinks it from the owner's list
        }

        AbandonAll(isolate, IoErrorKind.None);
    }
}
