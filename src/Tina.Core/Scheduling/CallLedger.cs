using System.Runtime.CompilerServices;
using Tina.Diagnostics;
using Tina.Isolates;
using Tina.Timers;

namespace Tina.Scheduling;

/// <summary>
/// The bookkeeping of calls on one shard: the correlation counter, the caller's wait (its state, pending
/// correlation and timeout timer in <see cref="IsolateMeta"/>), the acceptance of an outcome, the per-isolate reply
/// slot, and the owed-reply list of an isolate that deferred a call. The shard routes (sends requests, replies and
/// failures); this decides what an outcome means and counts how each call ended.
/// </summary>
/// <remarks>
/// <para>Invariants. An isolate has at most one outstanding call: state WaitingForReply, its correlation in
/// <see cref="IsolateMeta.PendingCorrelation"/>, its timeout in <see cref="IsolateMeta.CallTimer"/>. An outcome is
/// accepted only while the caller waits with that correlation (<see cref="TryAccept"/>); anything else is late or
/// duplicate, dropped and counted. Every call ends exactly once (reply, explicit failure, fast failure, timeout) and
/// is counted once, where the caller accepts it. Outcomes go to the caller's reply slot, never through the mailbox or
/// the user pool region, so a full mailbox or pool cannot eat them; the reply slot is dispatched before any mail.
/// Correlations are never 0 (0 means "no call") and wrap. An isolate owes at most
/// <see cref="IsolateTable.OwedMax"/> deferred replies; the owed list is dense (swap-remove).</para>
/// <para>Threads. Owned by one shard; every field here and the call fields of its isolates' metadata are touched only
/// by its thread.</para>
/// </remarks>
internal sealed class CallLedger
{
    private readonly ShardCounters _counters;
    private uint _nextCorrelation;   // the last correlation handed out; wraps, skips 0

    public CallLedger(ShardCounters counters, uint lastCorrelation = 0)
    {
        _counters = counters;
        _nextCorrelation = lastCorrelation;
    }

    /// <summary>The next call correlation: never 0, wraps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextCorrelation()
    {
        uint next = _nextCorrelation + 1;
        if (next == 0)
        {
            next = 1;
        }

        _nextCorrelation = next;
        return next;
    }

    /// <summary>The caller now waits on <paramref name="correlation"/>, with its timeout <paramref name="timer"/> armed.</summary>
    public static void BeginWait(ref IsolateMeta meta, uint correlation, TimerId timer)
    {
        meta.State = IsolateState.WaitingForReply;
        meta.PendingCorrelation = correlation;
        meta.CallTimer = timer;
    }

    /// <summary>The isolate stops waiting on its call: its timeout timer is already cancelled or fired.</summary>
    public static void EndWait(ref IsolateMeta meta)
    {
        meta.CallTimer = TimerId.None;
        meta.PendingCorrelation = 0;
        meta.State = IsolateState.Receiving;
    }

    /// <summary>True while the isolate waits on its call with <paramref name="correlation"/>.</summary>
    public static bool IsWaitingOn(in IsolateMeta meta, uint correlation) =>
        meta.State == IsolateState.WaitingForReply && meta.PendingCorrelation == correlation;

    /// <summary>
    /// Puts a status-only outcome of the isolate's own call in its reply slot, to be dispatched before any mail.
    /// The caller has already ended the wait (or the call never started).
    /// </summary>
    public static void PostOutcome(IsolateTable table, int slot, Handle self, Handle source, uint correlation, CallStatus status)
    {
        table.ReplySlots[slot].SetCallFailure(self, source, correlation, status);
        table.Meta[slot].Flags |= IsolateFlags.ReplyReady;
        table.Schedule(slot);
    }

    /// <summary>
    /// An outcome for the live caller (table, slot): accepted (the wait ends, its timer is cancelled, the outcome goes
    /// to the reply slot and is counted) only while the caller waits on its correlation; otherwise counted late.
    /// </summary>
    public bool TryAccept(IsolateTable table, int slot, in Message reply, TimerWheel timers)
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        if (!IsWaitingOn(in meta, reply.Correlation))
        {
            _counters.Increment(ShardCounter.RepliesLateDropped);
            return false;
        }

        timers.Cancel(meta.CallTimer, ref meta.TimerHead);
        EndWait(ref meta);
        Message.CopyCompact(ref table.ReplySlots[slot], in reply);
        meta.Flags |= IsolateFlags.ReplyReady;
        table.Schedule(slot);
        CountOutcome(reply.StatusValue);
        return true;
    }

    /// <summary>The caller's timeout fired: ends the call with Timeout if it is still the one waiting.</summary>
    public bool TryTimeout(IsolateTable table, int slot, Handle owner, uint correlation)
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        if (!IsWaitingOn(in meta, correlation))
        {
            return false;
        }

        EndWait(ref meta);
        PostOutcome(table, slot, owner, Handle.None, correlation, CallStatus.Timeout);
        CountOutcome(CallStatus.Timeout);
        return true;
    }

    /// <summary>Counts how an accepted call ended, on the caller's shard.</summary>
    public void CountOutcome(CallStatus status)
    {
        switch (status)
        {
            case CallStatus.Ok:
                _counters.Increment(ShardCounter.CallsReplied);
                break;
            case CallStatus.Timeout:
                _counters.Increment(ShardCounter.CallsTimedOut);
                break;
            case CallStatus.NoReply:
                _counters.Increment(ShardCounter.CallsNoReply);
                break;
            case CallStatus.Failed:
                _counters.Increment(ShardCounter.CallsFailedByCallee);
                break;
            default:
                _counters.Increment(ShardCounter.CallsFailedFast);
                break;
        }
    }

    /// <summary>How a refused send of a call request ends the call.</summary>
    public static CallStatus ToCallStatus(SendResult result) => result switch
    {
        SendResult.MailboxFull => CallStatus.MailboxFull,
        SendResult.PoolExhausted => CallStatus.PoolExhausted,
        SendResult.StaleHandle => CallStatus.StaleHandle,
        SendResult.RingFull => CallStatus.RingFull,
        SendResult.ShardUnavailable => CallStatus.ShardUnavailable,
        _ => CallStatus.Failed,
    };

    /// <summary>Records a call the isolate (table, slot) owes; false (counted) when it owes its maximum already.</summary>
    public bool TryOwe(IsolateTable table, int slot, ReplyToken token)
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        if (meta.OwedCount >= table.OwedMax)
        {
            _counters.Increment(ShardCounter.OwedRepliesFull);
            return false;
        }

        table.Owed[(slot * table.OwedMax) + meta.OwedCount] = token;
        meta.OwedCount++;
        return true;
    }

    /// <summary>Removes a token from the isolate's owed list; false when it is not owed (answered already).</summary>
    public static bool TryDischarge(IsolateTable table, int slot, ReplyToken token)
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        int baseIndex = slot * table.OwedMax;
        for (int i = 0; i < meta.OwedCount; i++)
        {
            if (table.Owed[baseIndex + i] == token)
            {
                int last = meta.OwedCount - 1;
                table.Owed[baseIndex + i] = table.Owed[baseIndex + last];
                table.Owed[baseIndex + last] = default;
                meta.OwedCount--;
                return true;
            }
        }

        return false;
    }
}
