using System;
using Tina.Io.Buffers;
using Tina.Io.Interop;

namespace Tina.Io.Reactor;

/// <remarks>
/// <para>Multishot accept (backends with <see cref="IoBackendCapabilities.MultishotAccept"/>: io_uring). The first Accept
/// on a listener arms one <see cref="IoOpCode.AcceptMultishot"/> that stays armed for the listener's life. Its token is
/// internal (no isolate waits on the submission itself) and carries <see cref="IoOpCode.Accept"/> in its 3-bit op
/// field, so it never matches a lane. Each descriptor it brings goes to the isolate waiting on the listener's read
/// lane (a lane in <see cref="LaneState.WaitingOnArm"/>: waiting on the arm, not on a timer), or, when none waits, into
/// the listener's queue; an Accept effect takes from the queue first.</para>
/// <para><b>Nothing the kernel accepted is dropped for want of queue room.</b> The queue is bounded by the connection
/// table, not by the backlog: a descriptor is kept while the table has an entry for it (free entries less the
/// descriptors already queued on every listener, <see cref="_acceptQueuedTotal"/>). The backlog is only the queue's
/// <i>high-water mark</i>: reaching it pauses the arm (its cancel is handed to the backend at once, not at the next
/// Flush, so the kernel stops accepting as soon as it can; what it accepted meanwhile is still kept) and the arm is
/// re-armed only when Accepts have drained the queue to the <i>low-water mark</i> (half the high-water mark), so a
/// listener under a flood does not flap between armed and cancelled on every Accept. Paused, new connections wait in
/// the kernel's backlog.</para>
/// <para><b>Real overload</b> (no entry left for a new descriptor) follows <see cref="IoOptions.AcceptOverflowPolicy"/>:
/// Pause (default) keeps the descriptor (it was accepted; it gets an entry when one frees) and pauses the arm until
/// the table has room; Close closes it (<see cref="IoCounter.AcceptsRefusedTableFull"/>) and keeps the arm running,
/// shedding the load. Pauses count <see cref="IoCounter.AcceptPauses"/>; either kind of overload logs one warning per
/// second at most, with the number of refusals since the last one.</para>
/// <para>A completion without More ends the arm: it is re-armed at once if the marks allow, except after EMFILE/ENFILE
/// (back-off: no re-arm before <see cref="IoOptions.AcceptBackoff"/> has passed). An Accept that finds neither a queued
/// descriptor nor an arm it can wait on (paused on overload, backing off) pauses on the back-off timer and tries again
/// then. The entry is freed only when the arm's last completion is back.</para>
/// </remarks>
internal sealed unsafe partial class IoReactor
{
    /// <summary>
    /// Fewest descriptors a listener queues before its arm pauses (the high-water mark is the listen backlog, clamped
    /// to [<see cref="AcceptQueueMinimum"/>, <see cref="AcceptQueueMaximum"/>]).
    /// </summary>
    internal const int AcceptQueueMinimum = 16;

    /// <summary>Largest high-water mark (Linux's default somaxconn caps the backlog there).</summary>
    internal const int AcceptQueueMaximum = 4096;

    /// <summary>Entries the table can still give to descriptors not yet accepted: free entries less those promised to queued ones.</summary>
    private int AcceptRoom => _table.FreeCount - _acceptQueuedTotal;

    /// <summary>An Accept with the read lane idle and its isolate recorded: take a queued connection, or wait on the arm.</summary>
    private void ServeAccept(int listener)
    {
        ref Connection c = ref _table[listener];
        if (c.AcceptQueueCount > 0)
        {
            if (!_table.TryAllocate(out int index))
            {
                EnterBackoff(listener); // every entry is in use: the queued descriptor waits for one
                return;
            }

            int descriptor = Dequeue(ref c);
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
        if (!c.AcceptArm.IsArmed)
        {
            EnterBackoff(listener); // paused on overload: nothing would wake the waiter, so try again on the timer
            return;
        }

        WaitOnArm(listener, IoOpCode.Accept);
    }

    private int Dequeue(ref Connection c)
    {
        int descriptor = c.AcceptQueue![c.AcceptQueueHead];
        c.AcceptQueueHead = (c.AcceptQueueHead + 1) % c.AcceptQueue.Length;
        c.AcceptQueueCount--;
        _acceptQueuedTotal--;
        return descriptor;
    }

    /// <summary>Queues an accepted descriptor; false when the listener's queue is at its hard bound (the table plus slack).</summary>
    private bool TryQueue(ref Connection c, int descriptor)
    {
        int[] queue = c.AcceptQueue!;
        if (c.AcceptQueueCount == queue.Length)
        {
            if (queue.Length >= _acceptQueueLimit)
            {
                return false;
            }

            // Grows to the listener's high-water mark of queued descriptors only (like the pending list).
            var grown = new int[Math.Min(_acceptQueueLimit, queue.Length * 2)];
            for (int i = 0; i < c.AcceptQueueCount; i++)
            {
                grown[i] = queue[(c.AcceptQueueHead + i) % queue.Length];
            }

            c.AcceptQueue = queue = grown;
            c.AcceptQueueHead = 0;
        }

        queue[(c.AcceptQueueHead + c.AcceptQueueCount) % queue.Length] = descriptor;
        c.AcceptQueueCount++;
        _acceptQueuedTotal++;
        return true;
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

    /// <summary>
    /// Arms the listener's multishot accept unless it is armed or backing off, its queue is above the mark that allows
    /// it (below the high-water mark; at most the low-water mark once paused), or the table is truly full under the
    /// Pause policy.
    /// </summary>
    private void ArmAccept(int listener)
    {
        ref Connection c = ref _table[listener];
        if (c.State != ConnectionState.Listener || c.AcceptArm.IsArmed || c.AcceptRearmAt > _shard.NowNanoseconds)
        {
            return;
        }

        int mark = c.AcceptPaused ? c.AcceptHighWater / 2 : c.AcceptHighWater - 1;
        if (c.AcceptQueueCount > mark || (_acceptOverflow == AcceptOverflowPolicy.Pause && AcceptRoom <= 0))
        {
            return;
        }

        c.AcceptPaused = false;
        c.AcceptQueue ??= new int[c.AcceptHighWater]; // once per listener entry (it grows only under overflow)
        StartArm(ref c.AcceptArm, listener, IoOpCode.Accept, IoOpCode.AcceptMultishot);
    }

    /// <summary>
    /// Pauses the listener's arm: its cancel goes to the backend now (not at the next Flush) so the kernel stops
    /// accepting as soon as it can; descriptors it still brings are kept. Counted once per pause.
    /// </summary>
    private void PauseAccept(int listener, bool overload)
    {
        ref Connection c = ref _table[listener];
        if (!c.AcceptArm.IsArmed || c.AcceptArm.Cancelled)
        {
            c.AcceptPaused = true;
            return;
        }

        c.AcceptPaused = true;
        c.AcceptArm.Cancelled = true;
        Count(IoCounter.AcceptPauses);
        if (overload)
        {
            NoteOverload(listener);
        }

        Span<IoSubmission> one = stackalloc IoSubmission[1];
        one[0] = new IoSubmission
        {
            Token = IoToken.Pack(isInternal: true, IoOpCode.Cancel, listener, 0, 0),
            Op = IoOpCode.Cancel,
            Descriptor = c.Descriptor,
            TargetToken = c.AcceptArm.Token,
        };
        if (_pendingCount == 0 && _backend.Submit(one) == 1)
        {
            Count(IoCounter.Submissions);
            _backend.Flush(); // one extra enter, only at a pause: the kernel sees the cancel now
        }
        else
        {
            Enqueue(in one[0]); // behind submissions the backend refused earlier: keep their order
        }
    }

    /// <summary>Overload (no entry for a new connection): a warning at most once a second, with the count since the last.</summary>
    private void NoteOverload(int listener)
    {
        _overloadSinceLog++;
        long now = _shard.NowNanoseconds;
        if (now < _overloadLogAt)
        {
            return;
        }

        _overloadLogAt = now + 1_000_000_000;
        _shard.Log(
            TinaLogLevel.Warning, _table[listener].Owner,
            _acceptOverflow == AcceptOverflowPolicy.Pause
                ? "I/O: connection table full; accepting paused (connections wait in the kernel backlog); listener entry, overloads since the last warning"
                : "I/O: connection table full; accepted connections closed (AcceptOverflowPolicy.Close); listener entry, overloads since the last warning",
            listener, _overloadSinceLog, TinaEvent.AcceptOverflow);
        _overloadSinceLog = 0;
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
            _sockets.CloseUnregistered(Dequeue(ref c)); // the listener closes: nobody will accept them
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
            OnAcceptedByArm(listener, result, waiting);
            if (c.AcceptQueueCount >= c.AcceptHighWater && more)
            {
                PauseAccept(listener, overload: false); // the backlog holds the rest until Accepts drain the queue
            }

            if (!more)
            {
                AfterArmEnded(listener);
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
            if (!c.AcceptPaused)
            {
                Count(IoCounter.Resubmissions); // a cancel nobody asked for (a paused arm's cancel is ours)
            }

            AfterArmEnded(listener); // a paused arm stays disarmed until Accepts drain the queue to the low-water mark
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

    /// <summary>A descriptor the arm brought: to the waiter, into the queue, or (overload under Close) closed on purpose.</summary>
    private void OnAcceptedByArm(int listener, int descriptor, bool waiting)
    {
        ref Connection c = ref _table[listener];
        if (waiting && AcceptRoom > 0 && _table.TryAllocate(out int index))
        {
            DeliverAccepted(listener, index, descriptor);
            return;
        }

        bool room = AcceptRoom > 0;
        if (!room && _acceptOverflow == AcceptOverflowPolicy.Close)
        {
            RefuseAccepted(listener, descriptor);
            return;
        }

        // Room, or Pause: keep it (the kernel accepted it; under Pause it gets an entry when one frees).
        if (!TryQueue(ref c, descriptor))
        {
            RefuseAccepted(listener, descriptor); // the hard bound: the queue already holds a table's worth
            return;
        }

        if (!room)
        {
            PauseAccept(listener, overload: true);
        }

        if (waiting)
        {
            EnterBackoff(listener); // table full: the waiter takes it from the queue after the pause
        }
    }

    /// <summary>Closes an accepted descriptor because the table is truly full: counted, and warned about once a second.</summary>
    private void RefuseAccepted(int listener, int descriptor)
    {
        _sockets.CloseUnregistered(descriptor);
        Count(IoCounter.AcceptsRefusedTableFull);
        NoteOverload(listener);
    }

    /// <summary>The arm's last completion came: re-arm if the marks allow; a waiter left without an arm pauses on the timer.</summary>
    private void AfterArmEnded(int listener)
    {
        ArmAccept(listener);
        ref Connection c = ref _table[listener];
        if (!c.AcceptArm.IsArmed && c.Read.State == LaneState.WaitingOnArm)
        {
            EnterBackoff(listener, c.AcceptRearmAt);
        }
    }
}
