using Tina.Isolates;
using Tina.Messaging;

namespace Tina.Scheduling;

/// <remarks>
/// Inbound delivery. Each tick drains every inbound ring up to what its producer had published when the drain
/// began (bounded by the ring capacity), starting from a rotating source, then the external inbox. A message
/// that cannot be delivered is dropped here and counted by reason; a dropped call is failed back to its caller at
/// once, so the caller does not wait for its timeout.
/// </remarks>
internal sealed partial class Shard
{
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
            if (ring is not null && DrainRing(ring) > 0)
            {
                received = true;
            }
        }

        _inboundRotation = _inboundRotation + 1 >= count ? 0 : _inboundRotation + 1;
        return received;
    }

    private bool DrainExternal()
    {
        int received = DrainRing(_external.Ring);
        if (received == 0)
        {
            return false;
        }

        Counters.Add(ShardCounter.ExternalMessagesReceived, received);
        return true;
    }

    /// <summary>Delivers what the ring's producer had published when the drain began; returns how many.</summary>
    private int DrainRing(SpscRing ring)
    {
        int available = ring.BeginRead();
        for (int i = 0; i < available; i++)
        {
            DeliverInbound(ref ring.ReadAt(i));
        }

        ring.EndRead(available);
        return available;
    }

    /// <summary>Delivers one envelope that arrived from another shard or from outside.</summary>
    private void DeliverInbound(ref Message envelope)
    {
        if (Status == ShardStatus.Quarantined)
        {
            DropWhileQuarantined(ref envelope);
            return;
        }

        switch (envelope.KindValue)
        {
            case MessageKind.WatchRequest:
                AddWatch(envelope.TargetHandle, envelope.SourceHandle);
                return;
            case MessageKind.UnwatchRequest:
                RemoveLocalWatches(envelope.TargetHandle, envelope.SourceHandle);
                return;
            case MessageKind.CancelRequest:
                CancelIfParent(envelope.TargetHandle, envelope.SourceHandle, (int)envelope.ReadWord0());
                return;
            case MessageKind.Down:
                DeliverSystemEnvelope(ref envelope);
                return;
            case MessageKind.Reply:
                AcceptReply(in envelope);
                return;
            case MessageKind.SpawnRequest:
                SpawnFromRequest(ref envelope);
                return;
            case MessageKind.BufferRelease:
                Buffers.AcceptRelease(in envelope);
                return;
            default:
                DeliverToMailbox(ref envelope);
                return;
        }
    }

    private void DeliverToMailbox(ref Message envelope)
    {
        if (!TryResolve(envelope.TargetHandle, out IsolateTable table, out int slot))
        {
            Counters.Increment(ShardCounter.InboundStaleHandle);
            FailDroppedCall(ref envelope, CallStatus.StaleHandle);
            return;
        }

        var writer = new CopyWriter(ref envelope);
        switch (DeliverUserCore(table, slot, envelope.TargetHandle, ref writer))
        {
            case SendResult.Ok:
                Counters.Increment(ShardCounter.MessagesReceivedRemote);
                return;
            case SendResult.MailboxFull:
                Counters.Increment(ShardCounter.InboundMailboxFull);
                FailDroppedCall(ref envelope, CallStatus.MailboxFull);
                return;
            default:
                Counters.Increment(ShardCounter.InboundPoolExhausted);
                FailDroppedCall(ref envelope, CallStatus.PoolExhausted);
                return;
        }
    }

    /// <summary>A quarantined shard dispatches nothing: calls fail back at once, everything else is dropped and counted.</summary>
    private void DropWhileQuarantined(ref Message envelope)
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
                SendDown(envelope.SourceHandle, new Down(envelope.TargetHandle, ExitOutcome.Cancelled, 0, WasStale: true));
                return;
            case MessageKind.UnwatchRequest:
                return; // a quarantined shard holds no watches
            default:
                Counters.Increment(ShardCounter.QuarantineDrops);
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

        if (_shutdownStage != ShutdownStage.None)
        {
            status = CallStatus.ShuttingDown; // its target drained and left: the shutdown is the reason
        }

        Handle previous = _currentHandle;
        _currentHandle = envelope.TargetHandle;
        SendFailure(envelope.SourceHandle, envelope.Correlation, status);
        _currentHandle = previous;
    }
}
