using System;
using Tina.Io.Buffers;

namespace Tina.Io.Reactor;

/// <remarks>
/// Deadlines: operation timeouts are the reactor's, not the Core's (an isolate may have a receive and a send
/// outstanding at once, and each has its own). A waiting lane keeps its operation's deadline
/// (<see cref="Lane.TimeoutAt"/>); <c>_nextDeadlineAt</c> is a lower bound of every armed deadline, reported to the
/// shard through <see cref="NextDeadlineNanoseconds"/> so a parked shard (or the simulator's clock jump) comes back
/// for it. When it is due, Collect sweeps the table once: each expired operation is abandoned (cancelled in the
/// backend) and its isolate gets TimedOut; the next bound is the earliest deadline left, but at least
/// <see cref="SweepFloorNanoseconds"/> ahead, so many deadlines close together cost one sweep, not one each.
/// </remarks>
internal sealed unsafe partial class IoReactor
{
    /// <summary>Sweeps are at least this far apart (1 ms): a timeout fires up to this late.</summary>
    internal const long SweepFloorNanoseconds = 1_000_000;

    private readonly long _idleTimeoutNanoseconds;    // IoOptions.IdleTimeout, 0 = off
    private readonly long _receiveTimeoutNanoseconds; // IoOptions.ReceiveTimeout: a Receive's default, 0 = none
    private readonly long _sendTimeoutNanoseconds;    // IoOptions.SendTimeout: a Send's default, 0 = none
    private long _stagingDeadline;   // the deadline of the operation being staged (set by PrepareStage)

    /// <summary>
    /// Called by a context method before it stages: marks the start of the invocation's operations (the first one)
    /// and computes the deadline of the operation about to be staged. A zero timeout takes the options' default for
    /// Receive and Send (none for the others); <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means none.
    /// </summary>
    public void PrepareStage(bool firstInInvocation, IoOperation operation, TimeSpan timeout)
    {
        if (firstInInvocation)
        {
            _invocationStart = _stagedCount;
        }

        long nanoseconds = timeout > TimeSpan.Zero ? timeout.Ticks * 100
            : timeout != TimeSpan.Zero ? 0
            : operation == IoOperation.Receive ? _receiveTimeoutNanoseconds
            : operation == IoOperation.Send ? _sendTimeoutNanoseconds
            : 0;
        _stagingDeadline = nanoseconds > 0 ? _shard.NowNanoseconds + nanoseconds : 0;
    }

    /// <summary>
    /// Fire-and-forget close from a handler (no completion, no Io effect): stale at once, everything waiting on it
    /// completes with Cancelled (the caller's own operations on it too, held until it next waits), the close goes
    /// to the backend at this tick's Flush. Abortive: SO_LINGER 0 first, so the peer sees a reset.
    /// </summary>
    public bool CloseNow(SocketHandle socket, bool abortive)
    {
        if (!Resolve(socket, out int index))
        {
            return false;
        }

        if (abortive)
        {
            SetAbortive(index);
        }

        BeginClose(index, Handle.None, 0);
        return true;
    }

    private void SetAbortive(int index)
    {
        if (_table[index].State == ConnectionState.Open)
        {
            _sockets.SetAbortiveClose(_table[index].Descriptor);
            Count(IoCounter.AbortiveCloses);
        }
    }

    /// <summary>A byte moved on the connection: its idle deadline moves on (the sweep reads it; no bound to lower).</summary>
    private void Touch(SocketHandle socket)
    {
        int index = socket.Index;
        if ((uint)index < (uint)_table.Capacity && _table[index].Generation == socket.Generation)
        {
            _table[index].LastActivity = _shard.NowNanoseconds;
        }
    }

    /// <summary>The handler did not return the Io effect: forget every operation it staged and release what they hold.</summary>
    public void DropStaged(Handle isolate, uint sequence)
    {
        int kept = _invocationStart;
        for (int i = _invocationStart; i < _stagedCount; i++)
        {
            ref StagedOp op = ref _staged[i];
            if (op.Isolate != isolate)
            {
                _staged[kept++] = op;
                continue;
            }

            ReleaseStaged(ref op);
            if (IsOwnIsolate(isolate) && op.Kind != IoOperation.None)
            {
                ref IoOpSlot slot = ref Slot(ref RecordOf(isolate), IsolateIo.LaneOf(op.Kind));
                if (slot.State == IoOpSlotState.Staged && slot.Sequence == op.Sequence)
                {
                    slot.Clear();
                }
            }
        }

        _stagedCount = kept;
    }

    private void ArmTimeout(ref Lane lane, long deadline)
    {
        lane.TimeoutAt = deadline;
        NoteDeadline(deadline);
    }

    private void NoteDeadline(long deadline)
    {
        if (deadline > 0 && deadline < _nextDeadlineAt)
        {
            _nextDeadlineAt = deadline;
        }
    }

    /// <summary>Collect, when a deadline is due: time out every expired operation and find the next deadline.</summary>
    private void SweepDeadlines()
    {
        long now = _shard.NowNanoseconds;
        long next = long.MaxValue;
        long idleNext = long.MaxValue;
        for (int index = 0; index < _table.Capacity; index++)
        {
            ref Connection c = ref _table[index];
            if (c.State is not (ConnectionState.Open or ConnectionState.Listener))
            {
                continue;
            }

            next = Math.Min(next, SweepLane(index, read: true, now));
            next = Math.Min(next, SweepLane(index, read: false, now));
            if (_idleTimeoutNanoseconds > 0 && c.State == ConnectionState.Open)
            {
                long idleAt = c.LastActivity + _idleTimeoutNanoseconds;
                if (idleAt <= now)
                {
                    Count(IoCounter.IdleTimeoutCloses);
                    BeginClose(index, Handle.None, 0, IoErrorKind.TimedOut);
                }
                else
                {
                    idleNext = Math.Min(idleNext, idleAt);
                }
            }
        }

        for (int i = 0; i < _stagedCount; i++)
        {
            if (_staged[i].Deadline > 0)
            {
                next = Math.Min(next, _staged[i].Deadline); // carried ones: ProcessStaged times them out
            }
        }

        if (idleNext != long.MaxValue)
        {
            // Idle deadlines are many and spread out: check them at most every 1/16 of the idle timeout, so a table
            // of idle-ish connections costs a few sweeps per timeout, not one per connection (closes up to that late).
            next = Math.Min(next, Math.Max(idleNext, now + (_idleTimeoutNanoseconds / 16)));
        }

        _nextDeadlineAt = next == long.MaxValue ? next : Math.Max(next, now + SweepFloorNanoseconds);
    }

    /// <summary>Times the lane's operation out if its deadline has passed; returns the deadline still to come.</summary>
    private long SweepLane(int index, bool read, long now)
    {
        ref Connection c = ref _table[index];
        ref Lane lane = ref read ? ref c.Read : ref c.Write;
        if (lane.TimeoutAt == 0 || lane.Isolate.IsNone
            || lane.State is not (LaneState.Submitted or LaneState.WaitingOnArm or LaneState.BackingOff))
        {
            return long.MaxValue;
        }

        if (lane.TimeoutAt > now)
        {
            return lane.TimeoutAt;
        }

        Handle isolate = lane.Isolate;
        uint sequence = lane.IsolateSequence;
        bool send = lane.Op == IoOpCode.Send;
        if (IsOwnIsolate(isolate) && FindLane(ref RecordOf(isolate), sequence) >= 0)
        {
            AbandonOperation(isolate, sequence, IoErrorKind.TimedOut);
        }
        else
        {
            lane.TimeoutAt = 0; // nobody of this shard waits on it: nothing to time out
        }

        if (send && c.State == ConnectionState.Open)
        {
            // Part of the payload may be written: the stream is undefined, and a peer that does not read would hold
            // the connection and its buffers. Close it; its other waiters get TimedOut.
            Count(IoCounter.SendTimeoutCloses);
            BeginClose(index, Handle.None, 0, IoErrorKind.TimedOut);
        }

        return long.MaxValue;
    }
}
