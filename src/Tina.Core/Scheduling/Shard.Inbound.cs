using Tina.Isolates;
using Tina.Messaging;

namespace Tina.Scheduling;

/// <remarks>
/// <para>Inbound delivery. Each tick drains every inbound ring up to what its producer had published when the drain
/// began (bounded by the ring capacity), starting from a rotating source, then the external inbox.</para>
/// <para>Back-pressure, not loss. A one-way message whose target mailbox is full (or whose delivery finds this
/// shard's pool at its reserve) is not dropped: the drain of that ring stops at it and it stays at the ring's head
/// (<see cref="_inboundHeld"/>), so the ring fills and its producer learns <see cref="SendResult.RingFull"/> at the
/// send site. The target makes room only by running on this shard (or by exiting, which makes the held message
/// stale), so a held ring is not counted as pending work for the park decision; the tick after the target ran
/// retries it. A call to a full mailbox is not held: it fails back at once (<see cref="CallStatus.MailboxFull"/>),
/// which is what a caller that sheds load wants. A message to a target that has exited is dropped and counted
/// (its watchers and callers learn of the exit as usual).</para>
/// </remarks>
internal sealed partial class Shard
{
    // [source shard] true while that ring's head waits for room at its target; written and read by this shard only.
    private bool[] _inboundHeld = System.Array.Empty<bool>();
    private bool _externalHeld;   // the same for the external inbox

    /// <summary>True when a ring (or the external inbox) has published envelopes this shard can take now.</summary>
    private bool HasDeliverableInbound()
    {
        if ((!_externalHeld && _external.Ring.HasPublished()) || HasSystemInbound())
        {
            return true;
        }

        for (int source = 0; source < _inbound.Length; source++)
        {
            SpscRing? ring = _inbound[source];
            if (ring is not null && !_inboundHeld[source] && ring.HasPublished())
            {
                return true;
            }
        }

        return false;
    }

    private bool DrainInbound()
    {
        bool received = false;
        int count = _inbound.Length;
        for (int k = 0; k < count; k++)
        {
            int source = _inboundRotation + k;
            if (source >= count)
            {
                source -= count;
            }

            SpscRing? ring = _inbound[source];
            if (ring is not null && DrainRing(ring, source, out _inboundHeld[source]) > 0)
            {
                received = true;
                if (ring.ProducerWaiting)
                {
                    _peers[source].Signal.Wake(); // its yielder waits for the room this drain just made
                }
            }
        }

        _inboundRotation = _inboundRotation + 1 >= count ? 0 : _inboundRotation + 1;
        return received;
    }

    private bool DrainExternal()
    {
        int received = DrainRing(_external.Ring, -1, out _externalHeld);
        if (received == 0)
        {
            return false;
        }

        Counters.Add(ShardCounter.ExternalMessagesReceived, received);
        return true;
    }

    /// <summary>
    /// Delivers what the ring's producer had published when the drain began, stopping at a message that must wait
    /// for room (<paramref name="held"/> is then true and that message stays at the head); returns how many were taken.
    /// </summary>
    private int DrainRing(SpscRing ring, int source, out bool held)
    {
        int available = ring.BeginRead();
        int taken = 0;
        held = false;
        while (taken < available)
        {
            if (!DeliverInbound(ref ring.ReadAt(taken), source))
            {
                held = true;
                Counters.Increment(ShardCounter.InboundHeld);
                break;
            }

            taken++;
        }

        ring.EndRead(taken);
        return taken;
    }

    /// <summary>
    /// Delivers one envelope that arrived from shard <paramref name="source"/> (-1: from outside). False when it is a
    /// one-way message whose target has no room now: the caller leaves it in the ring and stops the drain (user rings
    /// and the external inbox only; system kinds always return true). Every request is answered exactly once
    /// (a Down or an ack), which returns the requester's credit (see <c>Shard.SystemLane.cs</c>).
    /// </summary>
    private bool DeliverInbound(ref Message envelope, int source)
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
            OnDroppedFromPeer(in envelope); // it may have carried a buffer lent to the gone target
            FailDroppedCall(ref envelope, CallStatus.StaleHandle);
            return true;
        }

        var writer = new CopyWriter(ref envelope);
        SendResult delivered = DeliverUserCore(table, slot, envelope.TargetHandle, ref writer);
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
                OnDroppedFromPeer(in envelope);
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
