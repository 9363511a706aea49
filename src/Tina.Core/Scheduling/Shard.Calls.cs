using System.Runtime.CompilerServices;
using Tina.Isolates;
using Tina.Timers;

namespace Tina.Scheduling;

/// <remarks>
/// Call/Reply routing: staging and sending the request, sending replies and failures to a caller on this shard, on
/// another shard (through the system lane, <see cref="SystemLane.ClaimOutcome"/>) or outside, and the obligations of
/// the isolate handling a call. What an outcome means (the caller's wait, acceptance, counting, owed replies) is
/// <see cref="CallLedger"/>'s; its invariants are stated there. Every call ends exactly once: reply, explicit failure,
/// fast failure (request refused, callee gone, call not answered by its handler) or timeout.
/// </remarks>
internal sealed partial class Shard
{
    /// <summary>Stages the current invocation's call (see <see cref="Invocation.StageCall{T}"/>).</summary>
    public void StageCall<T>(Handle target, in T request, long timeoutTicks)
        where T : unmanaged => _invocation.StageCall(target, in request, timeoutTicks);

    /// <summary>Sends the staged request and suspends the caller, or fails the call at once.</summary>
    private void StartCall(IsolateTable table, int slot, Handle self)
    {
        _invocation.CallStaged = false;
        ref IsolateMeta meta = ref table.Meta[slot];
        uint correlation = _calls.NextCorrelation();
        Counters.Increment(ShardCounter.CallsStarted);

        TimerId timer = Timers.Register(
            _invocation.StagedTimeoutTicks, TimerKind.CallTimeout, self, correlation, ref meta.TimerHead, TimerBaseTick);
        if (timer.IsNone)
        {
            Counters.Increment(ShardCounter.TimersExhausted);
            FailOwnCallNow(table, slot, self, correlation, CallStatus.PoolExhausted);
            return;
        }

        _invocation.StagedRequest.Correlation = correlation;
        SendResult sent = SendEnvelope(ref _invocation.StagedRequest);
        if (sent != SendResult.Ok)
        {
            Timers.Cancel(timer, ref meta.TimerHead);
            FailOwnCallNow(table, slot, self, correlation, CallLedger.ToCallStatus(sent));
            return;
        }

        CallLedger.BeginWait(ref meta, correlation, timer);
    }

    /// <summary>The request never left: the caller gets the failure as its next message.</summary>
    private void FailOwnCallNow(IsolateTable table, int slot, Handle self, uint correlation, CallStatus status)
    {
        if (_shutdown.Stage != ShutdownStage.None && status is CallStatus.StaleHandle or CallStatus.ShardUnavailable)
        {
            status = CallStatus.ShuttingDown;
        }

        CallLedger.PostOutcome(table, slot, self, _invocation.StagedRequest.TargetHandle, correlation, status);
        _calls.CountOutcome(status);
    }

    // The supervision side ends a waiting caller's call through these (a cancel of the caller).
    private static void PostCallOutcome(IsolateTable table, int slot, Handle self, Handle source, uint correlation, CallStatus status) =>
        CallLedger.PostOutcome(table, slot, self, source, correlation, status);

    private static void EndWait(ref IsolateMeta meta) => CallLedger.EndWait(ref meta);

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

        ref Message slot = ref _systemLane.ClaimOutcome(caller, correlation, out bool superseded);
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
    /// (<see cref="CallLedger.TryAccept"/>), so a failure that arrives after the call ended is not counted as an ending twice.
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

        ref Message slot = ref _systemLane.ClaimOutcome(caller, correlation, out bool superseded);
        if (Unsafe.IsNullRef(ref slot))
        {
            return superseded ? SendResult.Ok : SendResult.ShardUnavailable;
        }

        slot.SetCallFailure(caller, _invocation.Handle, correlation, status);
        return SendResult.Ok;
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
            _bufferReclaim.OnDroppedFromPeer(in reply); // a reply may carry a buffer lent to the gone caller
            return false;
        }

        return _calls.TryAccept(table, slot, in reply, Timers);
    }

    /// <summary>The caller's timeout fired: end the call with Timeout if it is still the one waiting.</summary>
    private void OnCallTimeout(Handle owner, uint correlation)
    {
        if (!TryResolve(owner, out IsolateTable table, out int slot))
        {
            return;
        }

        _calls.TryTimeout(table, slot, owner, correlation);
    }

    // ---- obligations of the isolate currently handling a call ----

    /// <summary>Records the current call as owed later; false when the isolate owes its maximum already.</summary>
    public bool TryDeferCurrentCall(out ReplyToken token)
    {
        if (_invocation.Kind != MessageKind.Call || _invocation.CallResolved)
        {
            ThrowHelper.ThrowInvalidOperation("TryDeferReply is only valid while handling a call that is not yet answered.");
        }

        var owed = new ReplyToken(_invocation.Caller, _invocation.Correlation);
        if (!_calls.TryOwe(_types[_invocation.Type], _invocation.Slot, owed))
        {
            token = default;
            return false;
        }

        token = owed;
        _invocation.CallResolved = true;
        return true;
    }

    /// <summary>Removes a token from the current isolate's owed list; false when it is not owed (answered already).</summary>
    public bool TryDischarge(ReplyToken token) => CallLedger.TryDischarge(_types[_invocation.Type], _invocation.Slot, token);

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
