using System.Diagnostics;
using Tina.Io.Buffers;
using Tina.Io.Interop;

namespace Tina.Io.Reactor;

/// <remarks>
/// Multishot accept (backends with <see cref="IoBackendCapabilities.MultishotAccept"/>: io_uring). The first Accept on a
/// listener arms one <see cref="IoOpCode.AcceptMultishot"/> that stays armed for the listener's life. Its token is
/// internal (no isolate waits on the submission itself) and carries <see cref="IoOpCode.Accept"/> in its 3-bit op field,
/// so it never matches a lane. Each descriptor it brings goes to the isolate waiting on the listener's read lane (a
/// lane in <see cref="LaneState.WaitingOnArm"/>: waiting on the arm, not on a timer), or, when none
/// waits, into the listener's bounded queue (its listen backlog, clamped); an Accept effect takes from the queue
/// first. When the queue fills, the arm is cancelled (the kernel backlog holds further connections) and re-armed once
/// an Accept drains it; a descriptor that still arrives with the queue full is closed and counted as
/// <see cref="IoCounter.ConnectionTableFull"/>. A completion without More ends the arm: it is re-armed at once, except
/// after EMFILE/ENFILE (back-off: no re-arm before <see cref="IoOptions.AcceptBackoff"/> has passed, and a waiting
/// Accept pauses on the timer as before). The entry is freed only when the arm's last completion is back.
/// </remarks>
internal sealed unsafe partial class IoReactor
{
    /// <summary>
    /// Fewest descriptors a listener's queue holds for Accepts to come. Each listener's queue holds its listen backlog
    /// (clamped to [<see cref="AcceptQueueMinimum"/>, <see cref="AcceptQueueMaximum"/>]): an armed multishot accept
    /// drains the whole backlog at once, so a smaller queue would drop connections the backlog had held.
    /// </summary>
    internal const int AcceptQueueMinimum = 16;

    /// <summary>Most descriptors a listener's queue holds (Linux's default somaxconn caps the backlog there).</summary>
    internal const int AcceptQueueMaximum = 4096;

    /// <summary>An Accept with the read lane idle and its isolate recorded: take a queued connection, or wait on the arm.</summary>
    private void ServeAccept(int listener)
    {
        ref Connection c = ref _table[listener];
        if (c.AcceptQueueCount > 0)
        {
            if (!_table.TryAllocate(out int index))
            {
                Count(IoCounter.ConnectionTableFull);
                EnterBackoff(listener);
                return;
            }

            int descriptor = c.AcceptQueue![c.AcceptQueueHead];
            c.AcceptQueueHead = (c.AcceptQueueHead + 1) % c.AcceptQueueCapacity;
            c.AcceptQueueCount--;
            DeliverAccepted(listener, index, descriptor);
            ArmAccept(listener);
            return;
        }

        if (!c.AcceptArm.IsArmed && c.AcceptRearmAt > _shard.NowNanoseconds)
        {
            EnterBackoff(listener, c.AcceptRearmAt);
            return;
        }

        ArmAccept(listener);
        WaitOnArm(listener, IoOpCode.Accept);
    }

    /// <summary>
    /// Records the read lane's isolate as waiting for what the entry's arm brings next (a descriptor, bytes): no timer,
    /// nothing of its own in the backend.
    /// </summary>
    private void WaitOnArm(int index, IoOpCode op)
    {
        ref Lane lane = ref _table[index].Read;
        lane.State = LaneState.WaitingOnArm;
        lane.Op = op;
        RecordWaiter(index, lane.Isolate, lane.IsolateSequence, IsolateIoRole.Read);
    }

    /// <summary>Arms the listener's multishot accept unless it is armed, its queue is full or it is backing off.</summary>
    private void ArmAccept(int listener)
    {
        ref Connection c = ref _table[listener];
        if (c.State != ConnectionState.Listener || c.AcceptArm.IsArmed || c.AcceptQueueCount >= c.AcceptQueueCapacity
            || c.AcceptRearmAt > _shard.NowNanoseconds)
        {
            return;
        }

        if (c.AcceptQueue is null || c.AcceptQueue.Length < c.AcceptQueueCapacity)
        {
            c.AcceptQueue = new int[c.AcceptQueueCapacity]; // once per listener (an entry reused by a listener keeps it)
        }
        StartArm(ref c.AcceptArm, listener, IoOpCode.Accept, IoOpCode.AcceptMultishot);
    }

    /// <summary>
    /// Puts a multishot operation in flight on entry <paramref name="index"/> under a fresh internal token whose op
    /// field is <paramref name="tokenOp"/> (Accept or Receive: the 3-bit field cannot hold the multishot codes).
    /// </summary>
    private void StartArm(ref MultishotArm arm, int index, IoOpCode tokenOp, IoOpCode op)
    {
        ref Connection c = ref _table[index];
        arm.Sequence++;
        arm.Cancelled = false;
        arm.Token = IoToken.Pack(isInternal: true, tokenOp, index, c.Generation, arm.Sequence);
        Enqueue(new IoSubmission { Token = arm.Token, Op = op, Descriptor = c.Descriptor });
    }

    /// <summary>Queues the cancel of an arm once; its last completion (ECANCELED, no More) ends it.</summary>
    private void CancelArm(ref MultishotArm arm, int index)
    {
        if (arm.IsArmed && !arm.Cancelled)
        {
            arm.Cancelled = true;
            EnqueueCancel(_table[index].Descriptor, index, arm.Token);
        }
    }

    /// <summary>Closing the listener: cancel the arm, close the descriptors nobody accepted.</summary>
    private void DisarmAccept(int listener)
    {
        ref Connection c = ref _table[listener];
        CancelArm(ref c.AcceptArm, listener);

        while (c.AcceptQueueCount > 0)
        {
            _sockets.CloseUnregistered(c.AcceptQueue![c.AcceptQueueHead]);
            c.AcceptQueueHead = (c.AcceptQueueHead + 1) % c.AcceptQueueCapacity;
            c.AcceptQueueCount--;
        }

        c.AcceptQueueHead = 0;
    }

    /// <summary>Installs an accepted descriptor into <paramref name="index"/> and completes the lane's Accept with it.</summary>
    private void DeliverAccepted(int listener, int index, int descriptor)
    {
        ref Lane lane = ref _table[listener].Read;
        Handle isolate = lane.Isolate;
        uint sequence = lane.IsolateSequence;
        lane.Reset();
        _sockets.ConfigureConnection(descriptor);
        Install(index, descriptor, ConnectionState.Open, isolate);
        if (!Deliver(isolate, sequence, new IoCompletion(IoOperation.Accept, IoResult.FromBytes(0), HandleOf(index), 0, -1, 0)))
        {
            BeginClose(index, Handle.None, 0);
        }
    }

    private void OnArmedAccept(int listener, in IoCompletionEntry entry)
    {
        ref Connection c = ref _table[listener];
        int result = entry.Result;
        if (c.AcceptArm.Token != entry.Token)
        {
            OnStale(IoOpCode.Accept, result);
            return;
        }

        bool more = entry.HasMore;
        if (!more)
        {
            c.AcceptArm.Token = 0;
        }

        if (c.State != ConnectionState.Listener)
        {
            OnStale(IoOpCode.Accept, result);
            if (!more)
            {
                TryFree(listener);
            }

            return;
        }

        ref Lane lane = ref c.Read;
        bool waiting = lane.State == LaneState.WaitingOnArm;
        if (result >= 0)
        {
            if (waiting && _table.TryAllocate(out int index))
            {
                DeliverAccepted(listener, index, result);
            }
            else if (c.AcceptQueueCount < c.AcceptQueueCapacity)
            {
                c.AcceptQueue![(c.AcceptQueueHead + c.AcceptQueueCount) % c.AcceptQueueCapacity] = result;
                c.AcceptQueueCount++;
                if (waiting)
                {
                    Count(IoCounter.ConnectionTableFull);
                    EnterBackoff(listener); // table full: the waiter takes it from the queue after the pause
                }
            }
            else
            {
                Count(IoCounter.ConnectionTableFull);
                _sockets.CloseUnregistered(result);
            }

            if (c.AcceptQueueCount >= c.AcceptQueueCapacity && more)
            {
                CancelArm(ref c.AcceptArm, listener); // the backlog holds the rest until an Accept drains the queue
            }

            if (!more)
            {
                ArmAccept(listener);
            }

            return;
        }

        int errno = -result;
        if (more)
        {
            Count(IoCounter.Resubmissions); // a transient error inside a live arm
            return;
        }

        if (Errno.IsResourceExhaustion(errno))
        {
            c.AcceptRearmAt = _shard.NowNanoseconds + _acceptBackoffNanoseconds;
            if (waiting)
            {
                EnterBackoff(listener, c.AcceptRearmAt); // the timer brings it back to ServeAccept, which re-arms
            }
            else
            {
                Count(IoCounter.AcceptBackoffs);
            }

            return;
        }

        if (Errno.IsTransientAccept(errno) || errno == Errno.ECANCELED)
        {
            Count(IoCounter.Resubmissions);
            ArmAccept(listener); // a full queue stays disarmed until an Accept takes from it
            return;
        }

        if (waiting)
        {
            Handle waiter = lane.Isolate;
            uint waiterSequence = lane.IsolateSequence;
            lane.Reset();
            DeliverError(waiter, waiterSequence, IoOperation.Accept, IoResult.FromOsError(errno), HandleOf(listener));
        }
    }
}
