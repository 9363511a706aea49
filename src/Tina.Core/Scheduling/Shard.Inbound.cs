using Tina.Isolates;
using Tina.Messaging;

namespace Tina.Scheduling;

/// <remarks>
/// <para>Inbound delivery: where each envelope taken from a ring (<see cref="InboundRings"/>, <see cref="SystemLane"/>)
/// goes. The rings and their held flags belong to those components; this part only routes.</para>
/// <para>Back-pressure, not loss. A one-way message whose target mailbox is full (or whose delivery finds this
/// shard's pool at its reserve) is not dropped: the drain of that ring stops at it and it stays at the ring's head
/// (held, see <see cref="InboundRings"/>), so the ring fills and its producer learns <see cref="SendResult.RingFull"/> at the
/// send site. The target makes room only by running on this shard (or by exiting, which makes the held message
/// stale), so a held ring is not counted as pending work for the park decision; the tick after the target ran
/// retries it. A call to a full mailbox is not held: it fails back at once (<see cref="CallStatus.MailboxFull"/>),
/// which is what a caller that sheds load wants. A message to a target that has exited is dropped and counted
/// (its watchers and callers learn of the exit as usual).</para>
/// </remarks>
internal sealed partial class Shard
{
    /// <summary>
    /// Delivers one envelope that arrived from shard <paramref name="source"/> (-1: from outside). False when it is a
    /// one-way message whose target has no room now: the caller leaves it in the ring and stops the drain (user rings
    /// and the external inbox only; system kinds always return true). Every request is answered exactly once
    /// (a Down or an ack), which returns the requester's credit (see <see cref="SystemLane"/>).
    /// </summary>
    internal bool DeliverInbound(ref Message envelope, int source)
    {
        if (Status == ShardStatus.Quarantined)
        {
            DropWhileQuarantined(ref envelope, source);
            return true;
        }

        switch (envelope.KindValue)
        {
            case MessageKind.WatchRequest:
                _watches.Add(envelope.TargetHandle, envelope.SourceHandle, requester: source);
                return true;
            case MessageKind.UnwatchRequest:
                _watches.RemoveLocal(envelope.TargetHandle, envelope.SourceHandle);
                AckRequest(source);
                return true;
            case MessageKind.CancelRequest:
                CancelIfParent(envelope.TargetHandle, envelope.SourceHandle, (int)envelope.ReadWord0());
                AckRequest(source);
                return true;
            case MessageKind.Down:
                DeliverSystemEnvelope(ref envelope);
                return true;
            case MessageKind.Reply:
                AcceptReply(in envelope);
                return true;
            case MessageKind.SpawnRequest:
                SpawnFromRequest(ref envelope);
                return true;
            case MessageKind.BufferRelease:
                Buffers.AcceptRelease(in envelope);
                return true;
            default:
                return DeliverToMailbox(ref envelope);
        }
    }

    private bool DeliverToMailbox(ref Message envelope)
    {
        if (!TryResolve(envelope.TargetHandle, out IsolateTable table, out int slot))
        {
            Counters.Increment(ShardCounter.InboundStaleHandle);
            _bufferReclaim.OnDroppedFromPeer(in envelope); // it may have carried a buffer lent to the gone target
            FailDroppedCall(ref envelope, CallStatus.StaleHandle);
            return true;
        }

        var writer = new CopyWriter(ref envelope);
        SendResult delivered = _delivery.DeliverUser(table, slot, envelope.TargetHandle, ref writer);
        if (delivered == SendResult.Ok)
        {
            Counters.Increment(ShardCounter.MessagesReceivedRemote);
            return true;
        }

        if (envelope.KindValue != MessageKind.Call)
        {
            return false; // held at the ring's head until the target makes room (see the remarks)
        }

        if (delivered == SendResult.MailboxFull)
        {
            Counters.Increment(ShardCounter.InboundMailboxFull);
            FailDroppedCall(ref envelope, CallStatus.MailboxFull);
        }
        else
        {
            Counters.Increment(ShardCounter.InboundPoolExhausted);
            FailDroppedCall(ref envelope, CallStatus.PoolExhausted);
        }

        return true;
    }

    /// <summary>A quarantined shard dispatches nothing: calls fail back at once, everything else is dropped and counted.</summary>
    private void DropWhileQuarantined(ref Message envelope, int source)
    {
        switch (envelope.KindValue)
        {
            case MessageKind.Reply:
                Counters.Increment(ShardCounter.RepliesLateDropped);
                return;
            case MessageKind.BufferRelease:
                Buffers.AcceptRelease(in envelope);
                return;
            case MessageKind.WatchRequest:
                _watches.SendDown(envelope.SourceHandle, new Down(envelope.TargetHandle, ExitOutcome.Cancelled, 0, WasStale: true), answersRequest: true);
                return;
            case MessageKind.UnwatchRequest:
                AckRequest(source); // a quarantined shard holds no watches
                return;
            case MessageKind.CancelRequest:
                Counters.Increment(ShardCounter.QuarantineDrops);
                AckRequest(source);
                return;
            default:
                Counters.Increment(ShardCounter.QuarantineDrops);
                _bufferReclaim.OnDroppedFromPeer(in envelope);
                FailDroppedCall(ref envelope, CallStatus.ShardUnavailable);
                return;
        }
    }

    private void FailDroppedCall(ref Message envelope, CallStatus status)
    {
        if (envelope.KindValue != MessageKind.Call || envelope.SourceHandle.IsNone)
        {
            return;
        }

        if (_shutdown.Stage != ShutdownStage.None)
        {
            status = CallStatus.ShuttingDown; // its target drained and left: the shutdown is the reason
        }

        Handle previous = _invocation.Handle;
        _invocation.Handle = envelope.TargetHandle;
        SendFailure(envelope.SourceHandle, envelope.Correlation, status);
        _invocation.Handle = previous;
    }
}
