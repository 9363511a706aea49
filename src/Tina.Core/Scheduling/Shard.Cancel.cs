using System;
using Tina.Isolates;
using Tina.Supervision;
using Tina.Timers;

namespace Tina.Scheduling;

/// <remarks>
/// Cancellation: a cancelled isolate gets a Cancel (or Shutdown) message before any other mail (the notice and its
/// budget are <see cref="CancelNotices"/>'s, <c>Supervision/CancelNotices.cs</c>), a drain budget armed on the wheel,
/// and ends with outcome Cancelled when it returns Done (Ok for a shutdown drain). One that is still running when the
/// budget ends is torn down and counted (<see cref="ShardCounter.IsolatesForced"/>), inside a forcing scope of
/// <see cref="ShutdownSequence"/>. A call it was waiting on is abandoned (a late reply is dropped as stale). Cancelling a
/// supervisor group cascades deepest first; that cascade is <see cref="SupervisionTree"/>'s.
/// </remarks>
internal sealed partial class Shard
{
    /// <summary>Cancels a child this isolate spawned (local), or asks its shard to (remote).</summary>
    public SendResult CancelChild(Handle target, int reason)
    {
        Handle caller = _invocation.Handle;
        if (target.Shard != Id)
        {
            if ((uint)target.Shard >= (uint)_peers.Length || target.IsNone)
            {
                return SendResult.StaleHandle;
            }

            if (_peers[target.Shard].Status != ShardStatus.Running)
            {
                return SendResult.ShardUnavailable;
            }

            // The system lane: user traffic cannot refuse a cancel. Only a used-up request credit can (RingFull).
            ref Message slot = ref ClaimRequest(target.Shard);
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot))
            {
                return SendResult.RingFull;
            }

            slot.SetHeader(target, caller, MessageKind.CancelRequest, 0);
            slot.SetWord0(reason);
            return SendResult.Ok;
        }

        return CancelIfParent(target, caller, reason) ? SendResult.Ok : SendResult.StaleHandle;
    }

    private bool CancelIfParent(Handle target, Handle parent, int reason)
    {
        if (!TryResolve(target, out IsolateTable table, out int slot) || table.Meta[slot].Parent != parent || parent.IsNone)
        {
            return false;
        }

        BeginCancel(table, slot, target, reason, shutdown: false, _notices.BudgetTicks(shutdown: false));
        return true;
    }

    /// <summary>Marks an isolate cancelled, queues its notice first, and arms its drain deadline.</summary>
    private void BeginCancel(IsolateTable table, int slot, Handle handle, int reason, bool shutdown, long budgetTicks)
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        if ((meta.Flags & IsolateFlags.Cancelling) != 0)
        {
            return;
        }

        meta.Flags |= IsolateFlags.Cancelling | IsolateFlags.CancelNotice | (shutdown ? IsolateFlags.ShuttingDown : 0);
        meta.CancelReason = reason;
        if (meta.State == IsolateState.WaitingForReply)
        {
            // The call it waits on ends now, as a failure it sees before its notice; a late reply is dropped as stale.
            Timers.Cancel(meta.CallTimer, ref meta.TimerHead);
            uint correlation = meta.PendingCorrelation;
            EndWait(ref meta);
            PostCallOutcome(table, slot, handle, Handle.None, correlation, shutdown ? CallStatus.ShuttingDown : CallStatus.Failed);
            Counters.Increment(ShardCounter.CallsFailedFast);
        }

        if (meta.State == IsolateState.WaitingForIo)
        {
            AbandonIo(table, slot, handle, IoAbandonReason.Cancelled); // completes it with a Cancelled error
        }

        TimerId deadline = Timers.Register(budgetTicks, TimerKind.CancelDeadline, handle, reason, ref meta.TimerHead, TimerBaseTick);
        if (deadline.IsNone)
        {
            Counters.Increment(ShardCounter.TimersExhausted);
            ForceExit(table, slot, handle);
            return;
        }

        table.Schedule(slot);
    }

    /// <summary>The notice handed to the isolate: what, why, and how long it has left.</summary>
    private ref Message BuildNotice(ref IsolateMeta meta, Handle self) =>
        ref _notices.Build(self, meta.CancelReason, (meta.Flags & IsolateFlags.ShuttingDown) != 0);

    private void OnCancelDeadline(Handle owner)
    {
        if (TryResolve(owner, out IsolateTable table, out int slot) && (table.Meta[slot].Flags & IsolateFlags.Cancelling) != 0)
        {
            ForceExit(table, slot, owner);
        }
    }

    private void ForceExit(IsolateTable table, int slot, Handle handle)
    {
        Counters.Increment(ShardCounter.IsolatesForced);
        bool shutdown = (table.Meta[slot].Flags & IsolateFlags.ShuttingDown) != 0;
        bool wasForcing = _shutdown.BeginForcing();
        Exit(table, slot, handle, ExitOutcome.Cancelled, table.Meta[slot].CancelReason, null, shutdown ? CallStatus.ShuttingDown : CallStatus.NoReply);
        _shutdown.EndForcing(wasForcing);
    }
}
