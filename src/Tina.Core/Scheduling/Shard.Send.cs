using System.Runtime.CompilerServices;
using Tina.Isolates;
using Tina.Messaging;

namespace Tina.Scheduling;

internal sealed partial class Shard
{
    /// <summary>
    /// Sends a payload from an isolate of this shard (or from the runtime) to any isolate. Never throws, blocks or
    /// allocates; the envelope is written in place (pool slot or ring slot), never copied twice.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SendResult Send<T>(Handle source, Handle target, in T payload, MessageKind kind, uint correlation)
        where T : unmanaged
    {
        var writer = new PayloadWriter<T>(source, target, in payload, kind, correlation);
        return SendCore(target, ref writer);
    }

    /// <summary>Copies a prepared envelope (a staged call, a spawn request) to its target (local mailbox or remote ring).</summary>
    public SendResult SendEnvelope(ref Message prepared)
    {
        var writer = new CopyWriter(ref prepared);
        return SendCore(prepared.TargetHandle, ref writer);
    }

    /// <summary>
    /// The one send path: resolve the target, check capacity, take a pool or ring slot, let the writer fill it in
    /// place, and queue the target. Specialised per writer, so the payload is written exactly once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SendResult SendCore<TWriter>(Handle target, scoped ref TWriter writer)
        where TWriter : struct, IEnvelopeWriter, allows ref struct
    {
        if (target.Shard != Id)
        {
            ref Message slot = ref ClaimRemote(target, out SendResult result);
            if (Unsafe.IsNullRef(ref slot))
            {
                _bufferReclaim.OnRemoteSendRefused();
                return result;
            }

            writer.Write(ref slot);
            Counters.Increment(ShardCounter.MessagesSent);
            return SendResult.Ok;
        }

        if (!TryResolve(target, out IsolateTable table, out int targetSlot))
        {
            Counters.Increment(ShardCounter.SendStaleHandle);
            return SendResult.StaleHandle;
        }

        SendResult delivered = DeliverUserCore(table, targetSlot, target, ref writer);
        Counters.Increment(delivered switch
        {
            SendResult.Ok => ShardCounter.MessagesSent,
            SendResult.MailboxFull => ShardCounter.SendMailboxFull,
            _ => ShardCounter.SendPoolExhausted,
        });
        return delivered;
    }

    /// <summary>
    /// The one user-delivery path into a local mailbox (local sends, and envelopes taken from a ring or the external
    /// inbox): the mailbox's user capacity (or an injected refusal), a pool slot outside the system reserve, the
    /// writer fills it in place, then the isolate is queued if it is receiving. Returns MailboxFull or PoolExhausted
    /// (nothing taken) when refused; the caller counts by its own side. The system twin is
    /// <see cref="DeliverSystemCore"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SendResult DeliverUserCore<TWriter>(IsolateTable table, int slot, Handle target, scoped ref TWriter writer)
        where TWriter : struct, IEnvelopeWriter, allows ref struct
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        if (meta.MailboxCount >= table.MailboxCapacity || (_runtime.Faults is { } faults && faults.RefuseMailbox(Id, target)))
        {
            return SendResult.MailboxFull;
        }

        int index = Pool.TryRentUser();
        if (index < 0)
        {
            return SendResult.PoolExhausted;
        }

        writer.Write(ref Pool.Slots[index]);
        table.MailboxPush(slot, index);
        if (meta.MailboxCount > _mailboxHighWater)
        {
            _mailboxHighWater = meta.MailboxCount;
            Counters.Set(ShardCounter.MailboxHighWater, _mailboxHighWater);
        }

        if (meta.State == IsolateState.Receiving)
        {
            table.Schedule(slot);
        }

        return SendResult.Ok;
    }

    /// <summary>Claims a slot in the ring to the target's shard, or returns a null ref and the refusal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Message ClaimRemote(Handle target, out SendResult result)
    {
        int shard = target.Shard;
        if ((uint)shard >= (uint)_peers.Length || target.IsNone)
        {
            Counters.Increment(ShardCounter.SendStaleHandle);
            result = SendResult.StaleHandle;
            return ref Unsafe.NullRef<Message>();
        }

        IFaultInjector? faults = _runtime.Faults;
        if (_peers[shard].Status != ShardStatus.Running || (faults is not null && faults.Partitioned(Id, shard)))
        {
            Counters.Increment(ShardCounter.SendShardUnavailable);
            result = SendResult.ShardUnavailable;
            return ref Unsafe.NullRef<Message>();
        }

        ref Message slot = ref (faults is not null && faults.RefuseRing(Id, shard))
            ? ref Unsafe.NullRef<Message>()
            : ref _outbound[shard]!.TryClaim();
        if (Unsafe.IsNullRef(ref slot))
        {
            _invocation.RefusedRing = shard; // a Yield from this invocation waits for room in this ring
            Counters.Increment(ShardCounter.SendRingFull);
            result = SendResult.RingFull;
            return ref Unsafe.NullRef<Message>();
        }

        result = SendResult.Ok;
        return ref slot;
    }
}
