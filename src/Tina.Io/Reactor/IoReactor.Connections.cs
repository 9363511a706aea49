using System;
using System.Diagnostics;
using Tina.Io.Buffers;
using Tina.Scheduling;

namespace Tina.Io.Reactor;

/// <remarks>
/// Connections. An entry is opened by Listen, Accept (into an entry reserved when the accept was submitted), Connect
/// or Adopt, and is owned by one isolate: when that isolate exits, its connections are closed. Closing bumps the
/// generation at once (every handle goes stale), completes the operations others wait on as Cancelled, cancels them
/// in the backend and submits the close; the entry is freed only when the close and every lane's last completion
/// are back, so a late completion always finds its own lane. An accept that cannot get an entry (full table) or a
/// descriptor (EMFILE, ENFILE) pauses on a timer instead of spinning.
/// </remarks>
internal sealed unsafe partial class IoReactor
{
    private void Install(int index, int descriptor, ConnectionState state, Handle owner)
    {
        ref Connection c = ref _table[index];
        c.State = state;
        c.Descriptor = descriptor;
        c.CloseDone = false;
        c.StashEndOfStream = false;
        c.StashBuffer = -1;
        c.StashLength = 0;
        c.AcceptArm.Cancelled = false;
        c.AcceptRearmAt = 0;
        c.AcceptQueueHead = 0;
        c.AcceptQueueCount = 0;
        c.AcceptPaused = false;
        c.ReceiveArm.Cancelled = false;
        c.ReceiveError = 0;
        c.SendZeroWrites = 0;
        c.HeldHead = -1;
        c.HeldTail = -1;
        c.HeldCount = 0;
        c.Read.Reset();
        c.Write.Reset();
        c.Owner = Handle.None;
        SetOwner(index, owner);
        Count(IoCounter.ConnectionsOpened);
        c.LastActivity = _shard.NowNanoseconds;
        if (_idleTimeoutNanoseconds > 0 && state == ConnectionState.Open)
        {
            NoteDeadline(c.LastActivity + _idleTimeoutNanoseconds);
        }
    }

    /// <summary>Links the entry into its owner's list (an isolate of this shard; others own nothing).</summary>
    private void SetOwner(int index, Handle owner)
    {
        RemoveOwner(index);
        if (!IsOwnIsolate(owner) || !_shard.IsAlive(owner))
        {
            return;
        }

        ref Connection c = ref _table[index];
        ref IsolateIo record = ref RecordOf(owner);
        c.Owner = owner;
        c.OwnerPrevious = -1;
        c.OwnerNext = record.OwnedHead;
        if (record.OwnedHead >= 0)
        {
            _table[record.OwnedHead].OwnerPrevious = index;
        }

        record.OwnedHead = index;
    }

    private void RemoveOwner(int index)
    {
        ref Connection c = ref _table[index];
        if (c.Owner.IsNone)
        {
            return;
        }

        if (c.OwnerPrevious >= 0)
        {
            _table[c.OwnerPrevious].OwnerNext = c.OwnerNext;
        }
        else
        {
            RecordOf(c.Owner).OwnedHead = c.OwnerNext;
        }

        if (c.OwnerNext >= 0)
        {
            _table[c.OwnerNext].OwnerPrevious = c.OwnerPrevious;
        }

        c.Owner = Handle.None;
        c.OwnerNext = -1;
        c.OwnerPrevious = -1;
    }

    /// <summary>
    /// Starts closing an entry: stale at once, waiting operations completed as Cancelled and cancelled in the
    /// backend, the close submitted. <paramref name="closer"/> (if any) gets the Close completion; waiters get
    /// <paramref name="reason"/> (Cancelled, or TimedOut when a lifecycle limit closes it).
    /// </summary>
    private void BeginClose(int index, Handle closer, uint closerSequence, IoErrorKind reason = IoErrorKind.Cancelled)
    {
        ref Connection c = ref _table[index];
        Debug.Assert(c.State is ConnectionState.Open or ConnectionState.Listener, "close a live entry");
        SocketHandle old = HandleOf(index);
        RemoveOwner(index);
        c.State = ConnectionState.Closing;
        c.Generation = ConnectionTable.NextGeneration(c.Generation);
        c.CloseDone = false;
        CancelLane(index, read: true, old, reason);
        CancelLane(index, read: false, old, reason);
        DisarmAccept(index);
        DisarmReceive(index);
        c.Closer = closer;
        c.CloserSequence = closerSequence;
        RecordWaiter(index, closer, closerSequence, IsolateIoRole.Close);

        c.CloseToken = IoToken.Pack(isInternal: true, IoOpCode.Close, index, c.Generation, 0);
        Enqueue(new IoSubmission { Token = c.CloseToken, Op = IoOpCode.Close, Descriptor = c.Descriptor });
    }

    /// <summary>The lane's waiter (if any) gets Cancelled; an operation in the backend is cancelled there.</summary>
    private void CancelLane(int index, bool read, SocketHandle socket, IoErrorKind reason)
    {
        ref Connection c = ref _table[index];
        ref Lane lane = ref read ? ref c.Read : ref c.Write;
        switch (lane.State)
        {
            case LaneState.Submitted:
                Handle isolate = lane.Isolate;
                uint sequence = lane.IsolateSequence;
                lane.State = LaneState.Abandoned;
                lane.Isolate = Handle.None;
                EnqueueCancel(c.Descriptor, index, lane.Token);
                DeliverError(isolate, sequence, OperationOf(lane.Op), IoResult.FromError(reason), socket, lane.Offset);
                break;
            case LaneState.BackingOff or LaneState.WaitingOnArm:
                Handle waiter = lane.Isolate;
                uint waiterSequence = lane.IsolateSequence;
                IoOperation operation = OperationOf(lane.Op);
                lane.Reset();
                DeliverError(waiter, waiterSequence, operation, IoResult.FromError(reason), socket);
                break;
            default:
                break; // idle, or abandoned with its cancel already queued
        }
    }

    /// <summary>Frees a closing entry once its close and both lanes are done.</summary>
    private void TryFree(int index)
    {
        ref Connection c = ref _table[index];
        if (c.State != ConnectionState.Closing || !c.CloseDone || c.Read.State != LaneState.Idle || c.Write.State != LaneState.Idle
            || c.AcceptArm.IsArmed || c.ReceiveArm.IsArmed)
        {
            return;
        }

        if (c.StashBuffer >= 0)
        {
            _buffers.Return(c.StashBuffer);
            c.StashBuffer = -1;
            c.StashLength = 0;
        }

        _table.Free(index);
        Count(IoCounter.ConnectionsClosed);
    }

    // ---- accept and its back-off -------------------------------------------------------------------------------

    /// <summary>Reserves an entry for the next connection and submits the accept, or pauses it when the table is full.</summary>
    private void TrySubmitAccept(int listener)
    {
        if (_multishotAccept)
        {
            ServeAccept(listener);
            return;
        }

        ref Lane lane = ref _table[listener].Read;
        if (!_table.TryAllocate(out int reserved))
        {
            Count(IoCounter.ConnectionTableFull);
            EnterBackoff(listener);
            return;
        }

        _table[reserved].State = ConnectionState.Reserved;
        _reservedCount++;
        lane.Reserved = reserved;
        SubmitOnLane(listener, read: true, IoOpCode.Accept, lane.Isolate, lane.IsolateSequence, buffer: -1, 0, 0, 0, 0);
    }

    private void ReleaseReservation(ref Lane lane)
    {
        if (lane.Reserved >= 0)
        {
            Debug.Assert(_table[lane.Reserved].State == ConnectionState.Reserved, "a reservation is reserved");
            _table[lane.Reserved].State = ConnectionState.Closing;
            _table[lane.Reserved].CloseDone = true;
            _table.Free(lane.Reserved);
            _reservedCount--;
            lane.Reserved = -1;
        }
    }

    private void EnterBackoff(int listener, long deadlineNanoseconds = 0)
    {
        ref Lane lane = ref _table[listener].Read;
        lane.State = LaneState.BackingOff;
        lane.Op = IoOpCode.Accept;
        lane.DeadlineNanoseconds = deadlineNanoseconds > 0 ? deadlineNanoseconds : _shard.NowNanoseconds + _acceptBackoffNanoseconds;
        RecordWaiter(listener, lane.Isolate, lane.IsolateSequence, IsolateIoRole.Read);

        Count(IoCounter.AcceptBackoffs);
        for (int i = 0; i < _backoffCount; i++)
        {
            if (_backoff[i] == listener)
            {
                return;
            }
        }

        _backoff[_backoffCount++] = listener;
    }

    /// <summary>Collect: accepts whose pause is over try again (and may pause again, counted again).</summary>
    private void RetryDueAccepts()
    {
        long now = _shard.NowNanoseconds;
        int count = _backoffCount;
        for (int i = 0; i < count; i++)
        {
            int listener = _backoff[i];
            ref Lane lane = ref _table[listener].Read;
            if (lane.State == LaneState.BackingOff && lane.DeadlineNanoseconds <= now)
            {
                lane.State = LaneState.Idle;
                TrySubmitAccept(listener); // may pause again: EnterBackoff finds it still listed and does not add it twice
            }
        }

        int kept = 0;
        for (int i = 0; i < _backoffCount; i++)
        {
            int listener = _backoff[i];
            if (_table[listener].Read.State == LaneState.BackingOff)
            {
                _backoff[kept++] = listener;
            }
        }

        _backoffCount = kept;
    }

    private long NextBackoffDeadline()
    {
        long next = long.MaxValue;
        for (int i = 0; i < _backoffCount; i++)
        {
            ref Lane lane = ref _table[_backoff[i]].Read;
            if (lane.State == LaneState.BackingOff && lane.DeadlineNanoseconds < next)
            {
                next = lane.DeadlineNanoseconds;
            }
        }

        return next;
    }

    // ---- ownership, hand-off -----------------------------------------------------------------------------------

    public bool TransferOwnership(Handle self, SocketHandle socket, Handle newOwner)
    {
        if (!Resolve(socket, out int index) || !IsOwnIsolate(newOwner) || !_shard.IsAlive(newOwner))
        {
            return false;
        }

        ref Connection c = ref _table[index];
        if (c.Owner != self && !c.Owner.IsNone)
        {
            return false;
        }

        SetOwner(index, newOwner);
        return true;
    }

    /// <summary>Takes an idle connection out of the table for another shard. The backend forgets it at once.</summary>
    public bool TryDetach(Handle self, SocketHandle socket, out DetachedSocket detached)
    {
        detached = default;
        if (!Resolve(socket, out int index))
        {
            return false;
        }

        ref Connection c = ref _table[index];
        if (c.State != ConnectionState.Open || c.Read.State != LaneState.Idle || c.Write.State != LaneState.Idle
            || c.StashBuffer >= 0 || c.ReceiveArm.IsArmed || c.HeldCount > 0 || (c.Owner != self && !c.Owner.IsNone))
        {
            return false;
        }

        Span<IoSubmission> one = stackalloc IoSubmission[1];
        one[0] = new IoSubmission
        {
            Token = IoToken.Pack(isInternal: true, IoOpCode.Detach, index, c.Generation, 0),
            Op = IoOpCode.Detach,
            Descriptor = c.Descriptor,
        };
        if (_backend.Submit(one) != 1)
        {
            return false;
        }

        Count(IoCounter.Submissions);
        detached = new DetachedSocket(c.Descriptor, _shard.ShardId);
        RemoveOwner(index);
        c.Generation = ConnectionTable.NextGeneration(c.Generation);
        c.State = ConnectionState.Closing;
        c.CloseDone = true;
        TryFree(index);
        Count(IoCounter.Detached);
        return true;
    }

    public bool TryAdopt(Handle self, in DetachedSocket detached, out SocketHandle socket)
    {
        socket = SocketHandle.None;
        if (!detached.IsValid || detached.Descriptor > int.MaxValue)
        {
            return false;
        }

        if (!_table.TryAllocate(out int index))
        {
            Count(IoCounter.ConnectionTableFull);
            return false;
        }

        Install(index, (int)detached.Descriptor, ConnectionState.Open, self);
        socket = HandleOf(index);
        Count(IoCounter.Adopted);
        return true;
    }

    public void CloseDetached(in DetachedSocket detached)
    {
        if (detached.IsValid && detached.Descriptor <= int.MaxValue)
        {
            _sockets.CloseUnregistered((int)detached.Descriptor);
        }
    }

    public int LocalPort(SocketHandle socket) => Resolve(socket, out int index) ? _sockets.LocalPort(_table[index].Descriptor) : -1;

    /// <summary>shutdown(SHUT_WR) on an open connection, synchronously (it never blocks: the FIN queues behind the sent bytes).</summary>
    public bool ShutdownSend(SocketHandle socket) =>
        Resolve(socket, out int index) && _table[index].State == ConnectionState.Open && _sockets.ShutdownSend(_table[index].Descriptor);

    public bool TryGetPeerAddress(SocketHandle socket, out IoAddress address)
    {
        address = default;
        return Resolve(socket, out int index) && _sockets.TryGetPeerAddress(_table[index].Descriptor, out address);
    }
}
