using System.Runtime.CompilerServices;
using Tina.Isolates;
using Tina.Timers;

namespace Tina.Scheduling;

/// <remarks>
/// Call/Reply. An isolate has at most one outstanding call (state WaitingForReply, correlation in its metadata,
/// timeout timer armed). Call outcomes go to a per-isolate reply slot, never through the mailbox or the user pool
/// region, so a full mailbox or pool cannot eat them; the slot is dispatched before any mail. An outcome is
/// accepted only while the caller waits with that correlation; anything else is late or duplicate and is dropped
/// and counted. Every call ends exactly once: reply, explicit failure, fast failure (request refused, callee gone,
/// call not answered by its handler) or timeout.
/// </remarks>
internal sealed partial class Shard
{
    private bool _callStaged;            // a Context.Call built a request during the current invocation
    private Message _stagedRequest;      // that request; target in its header
    private long _stagedTimeoutTicks;    // its timeout in timer ticks

    public void StageCall<T>(Handle target, in T request, long timeoutTicks)
        where T : unmanaged
    {
        if (_callStaged)
        {
            ThrowHelper.ThrowInvalidOperation("A handler may make one call per invocation; return the Effect of the first.");
        }

        _callStaged = true;
        _stagedRequest.SetHeader(target, _invocation.Handle, MessageKind.Call, 0);
        _stagedRequest.SetPayload(in request);
        _stagedTimeoutTicks = timeoutTicks;
    }

    /// <summary>Sends the staged request and suspends the caller, or fails the call at once.</summary>
    private void StartCall(IsolateTable table, int slot, Handle self)
    {
        _callStaged = false;
        ref IsolateMeta meta = ref table.Meta[slot];
        uint correlation = NextCorrelation();
        Counters.Increment(ShardCounter.CallsStarted);

        TimerId timer = Timers.Register(
            _stagedTimeoutTicks, TimerKind.CallTimeout, self, correlation, ref meta.TimerHead, TimerBaseTick);
        if (timer.IsNone)
        {
            Counters.Increment(ShardCounter.TimersExhausted);
            FailOwnCallNow(table, slot, self, correlation, CallStatus.PoolExhausted);
            return;
        }

        _stagedRequest.Correlation = correlation;
        SendResult sent = SendEnvelope(ref _stagedRequest);
        if (sent != SendResult.Ok)
        {
            Timers.Cancel(timer, ref meta.TimerHead);
            FailOwnCallNow(table, slot, self, correlation, ToCallStatus(sent));
            return;
        }

        meta.State = IsolateState.WaitingForReply;
        meta.PendingCorrelation = correlation;
        meta.CallTimer = timer;
    }

    /// <summary>The request never left: the caller gets the failure as its next message.</summary>
    private void FailOwnCallNow(IsolateTable table, int slot, Handle self, uint correlation, CallStatus status)
    {
        if (_shutdown.Stage != ShutdownStage.None && status is CallStatus.StaleHandle or CallStatus.ShardUnavailable)
        {
            status = CallStatus.ShuttingDown;
        }

        PostCallOutcome(table, slot, self, _stagedRequest.TargetHandle, correlation, status);
        CountOutcome(status);
    }

    /// <summary>
    /// Puts a status-only outcome of the isolate's own call in its reply slot, to be dispatched before any mail.
    /// The caller has already ended the wait (or the call never started).
    /// </summary>
    private static void PostCallOutcome(IsolateTable table, int slot, Handle self, Handle source, uint correlation, CallStatus status)
    {
        table.ReplySlots[slot].SetCallFailure(self, source, correlation, status);
        table.Meta[slot].Flags |= IsolateFlags.ReplyReady;
        table.Schedule(slot);
    }

    /// <summary>The isolate stops waiting on its call: its timeout timer is already cancelled or fired.</summary>
    private static void EndWait(ref IsolateMeta meta)
    {
        meta.CallTimer = TimerId.None;
        meta.PendingCorrelation = 0;
        meta.State = IsolateState.Receiving;
    }

    private static CallStatus ToCallStatus(SendResult result) => result switch
    {
        SendResult.MailboxFull => CallStatus.MailboxFull,
        SendResult.PoolExhausted => CallStatus.PoolExhausted,
        SendResult.StaleHandle => CallStatus.StaleHandle,
        SendResult.RingFull => CallStatus.RingFull,
        SendResult.ShardUnavailable => CallStatus.ShardUnavailable,
        _ => CallStatus.Failed,
    };

    /// <summary>Sends a successful reply carrying <paramref name="payload"/> to a waiting caller.</summary>
    public SendResult SendReply<T>(Handle caller, uint correlation, in T payload)
        where T : unmanaged
    {
        if (caller.Shard == Id || caller.Shard == Handle.OutsideShard)
        {
            // No ring to claim: the reply is built here and handed to the local caller or to the outside-call table.
            Message reply = default;
            reply.SetHeader(caller, _invocation.Handle, MessageKind.Reply, correlation);
            reply.SetPayload(in payload);
            if (caller.Shard == Id)
            {
                return AcceptReply(in reply) ? SendResult.Ok : SendResult.StaleHandle;
            }

            Runtime.OutsideCalls.Complete(caller, correlation, CallStatus.Ok, in reply);
            return SendResult.Ok;
        }

        ref Message slot = ref ClaimOutcome(caller, correlation, out bool superseded);
        if (Unsafe.IsNullRef(ref slot))
        {
            return superseded ? SendResult.Ok : SendResult.ShardUnavailable;
        }

        slot.SetHeader(caller, _invocation.Handle, MessageKind.Reply, correlation);
        slot.SetPayload(in payload);
        return SendResult.Ok;
    }

    /// <summary>
    /// Ends a caller's call with a failure status (no payload). Counted where the caller accepts it
    /// (<see cref="AcceptReply"/>), so a failure that arrives after the call ended is not counted as an ending twice.
    /// </summary>
    public SendResult SendFailure(Handle caller, uint correlation, CallStatus status)
    {
        if (caller.Shard == Handle.OutsideShard)
        {
            Runtime.OutsideCalls.Complete(caller, correlation, status, default);
            return SendResult.Ok;
        }

        if (caller.Shard == Id)
        {
            Message reply = default;
            reply.SetCallFailure(caller, _invocation.Handle, correlation, status);
            return AcceptReply(in reply) ? SendResult.Ok : SendResult.StaleHandle;
        }

        ref Message slot = ref ClaimOutcome(caller, correlation, out bool superseded);
        if (Unsafe.IsNullRef(ref slot))
        {
            return superseded ? SendResult.Ok : SendResult.ShardUnavailable;
        }

        slot.SetCallFailure(caller, _invocation.Handle, correlation, status);
        return SendResult.Ok;
    }

    /// <summary>Counts how an accepted call ended, on the caller's shard.</summary>
    private void CountOutcome(CallStatus status)
    {
        switch (status)
        {
            case CallStatus.Ok:
                Counters.Increment(ShardCounter.CallsReplied);
                break;
            case CallStatus.Timeout:
                Counters.Increment(ShardCounter.CallsTimedOut);
                break;
            case CallStatus.NoReply:
                Counters.Increment(ShardCounter.CallsNoReply);
                break;
            case CallStatus.Failed:
                Counters.Increment(ShardCounter.CallsFailedByCallee);
                break;
            default:
                Counters.Increment(ShardCounter.CallsFailedFast);
                break;
        }
    }

    /// <summary>
    /// Delivers a call outcome to a caller on this shard. Accepted only while the caller waits on that correlation;
    /// otherwise it is late or duplicate and is dropped and counted.
    /// </summary>
    private bool AcceptReply(in Message reply)
    {
        if (!TryResolve(reply.TargetHandle, out IsolateTable table, out int slot))
        {
            Counters.Increment(ShardCounter.RepliesLateDropped);
            OnDroppedFromPeer(in reply); // a reply may carry a buffer lent to the gone caller
            return false;
        }

        ref IsolateMeta meta = ref table.Meta[slot];
        if (meta.State != IsolateState.WaitingForReply || meta.PendingCorrelation != reply.Correlation)
        {
            Counters.Increment(ShardCounter.RepliesLateDropped);
            return false;
        }

        Timers.Cancel(meta.CallTimer, ref meta.TimerHead);
        EndWait(ref meta);
        table.ReplySlots[slot] = reply;
        meta.Flags |= IsolateFlags.ReplyReady;
        table.Schedule(slot);
        CountOutcome(reply.StatusValue);
        return true;
    }

    /// <summary>The caller's timeout fired: end the call with Timeout if it is still the one waiting.</summary>
    private void OnCallTimeout(Handle owner, uint correlation)
    {
        if (!TryResolve(owner, out IsolateTable table, out int slot))
        {
            return;
        }

        ref IsolateMeta meta = ref table.Meta[slot];
        if (meta.State != IsolateState.WaitingForReply || meta.PendingCorrelation != correlation)
        {
            return;
        }

        EndWait(ref meta);
        PostCallOutcome(table, slot, owner, Handle.None, correlation, CallStatus.Timeout);
        CountOutcome(CallStatus.Timeout);
    }

    // ---- obligations of the isolate currently handling a call ----

    /// <summary>Records the current call as owed later; false when the isolate owes its maximum already.</summary>
    public bool TryDeferCurrentCall(out ReplyToken token)
    {
        if (_invocation.Kind != MessageKind.Call || _invocation.CallResolved)
        {
            ThrowHelper.ThrowInvalidOperation("TryDeferReply is only valid while handling a call that is not yet answered.");
        }

        IsolateTable table = _types[_invocation.Type];
        ref IsolateMeta meta = ref table.Meta[_invocation.Slot];
        if (meta.OwedCount >= table.OwedMax)
        {
            Counters.Increment(ShardCounter.OwedRepliesFull);
            token = default;
            return false;
        }

        token = new ReplyToken(_invocation.Caller, _invocation.Correlation);
        table.Owed[(_invocation.Slot * table.OwedMax) + meta.OwedCount] = token;
        meta.OwedCount++;
        _invocation.CallResolved = true;
        return true;
    }

    /// <summary>Removes a token from the current isolate's owed list; false when it is not owed (answered already).</summary>
    public bool TryDischarge(ReplyToken token)
    {
        IsolateTable table = _types[_invocation.Type];
        ref IsolateMeta meta = ref table.Meta[_invocation.Slot];
        int baseIndex = _invocation.Slot * table.OwedMax;
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

    /// <summary>Answers the current call; at most once per call.</summary>
    public void ReplyCurrent<T>(in T payload)
        where T : unmanaged
    {
        ResolveCurrent();
        SendReply(_invocation.Caller, _invocation.Correlation, in payload);
    }

    /// <summary>Fails the current call explicitly.</summary>
    public void FailCurrent()
    {
        ResolveCurrent();
        SendFailure(_invocation.Caller, _invocation.Correlation, CallStatus.Failed);
    }

    private void ResolveCurrent()
    {
        if (_invocation.Kind != MessageKind.Call)
        {
            ThrowHelper.ThrowInvalidOperation("Reply is only valid while handling a call (message.Kind == Call).");
        }

        if (_invocation.CallResolved)
        {
            ThrowHelper.ThrowInvalidOperation("This call has already been answered or deferred.");
        }

        _invocation.CallResolved = true;
    }
}
