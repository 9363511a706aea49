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

    private long _stagingDeadline;   // the deadline of the operation being staged (set by PrepareStage)

    /// <summary>
    /// Called by a context method before it stages: marks the start of the invocation's operations (the first one)
    /// and computes the deadline of the operation about to be staged.
    /// </summary>
    public void PrepareStage(bool firstInInvocation, TimeSpan timeout)
    {
        if (firstInInvocation)
        {
            _invocationStart = _stagedCount;
        }

        _stagingDeadline = timeout > TimeSpan.Zero ? _shard.NowNanoseconds + (timeout.Ticks * 100) : 0;
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
        for (int index = 0; index < _table.Capacity; index++)
        {
            ref Connection c = ref _table[index];
            if (c.State is not (ConnectionState.Open or ConnectionState.Listener))
            {
                continue;
            }

            next = Math.Min(next, SweepLane(index, read: true, now));
            next = Math.Min(next, SweepLane(index, read: false, now));
        }

        for (int i = 0; i < _stagedCount; i++)
        {
            if (_staged[i].Deadline > 0)
            {
                next = Math.Min(next, _staged[i].Deadline); // carried ones: ProcessStaged times them out
            }
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
        if (IsOwnIsolate(isolate) && FindLane(ref RecordOf(isolate), sequence) >= 0)
        {
            AbandonOperation(isolate, sequence, IoErrorKind.TimedOut);
        }
        else
        {
            lane.TimeoutAt = 0; // nobody of this shard waits on it: nothing to time out
        }

        return long.MaxValue;
    }
}
