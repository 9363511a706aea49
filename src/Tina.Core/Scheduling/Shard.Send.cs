using System.Runtime.CompilerServices;
using Tina.Isolates;
using Tina.Messaging;

namespace Tina.Scheduling;

/// <remarks>
/// Sends: the one send path (<see cref="SendCore"/>) resolves the target and hands the envelope to
/// <see cref="Delivery"/> (a remote ring slot or a local mailbox), then counts by the sender's side.
/// </remarks>
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
            ref Message slot = ref _delivery.ClaimRemote(target, out SendResult result, ref _invocation.RefusedRing);
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

        SendResult delivered = _delivery.DeliverUser(table, targetSlot, target, ref writer);
        Counters.Increment(delivered switch
        {
            SendResult.Ok => ShardCounter.MessagesSent,
            SendResult.MailboxFull => ShardCounter.SendMailboxFull,
            _ => ShardCounter.SendPoolExhausted,
        });
        return delivered;
    }
}
