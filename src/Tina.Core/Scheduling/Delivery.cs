using System;
using System.Runtime.CompilerServices;
using Tina.Diagnostics;
using Tina.Isolates;
using Tina.Memory;
using Tina.Messaging;

namespace Tina.Scheduling;

/// <summary>
/// Where a user envelope lands: a slot in one of this shard's outbound user rings (a send to another shard), or a pool
/// slot queued in a local mailbox. Owns the outbound user rings and the mailbox high-water mark.
/// </summary>
/// <remarks>
/// <para>Invariants. Every delivery writes the envelope once, in place (the writer fills the claimed slot). A local
/// delivery takes a mailbox entry within the user capacity and a pool slot outside the system reserve, or takes
/// nothing and says why (MailboxFull, PoolExhausted); the system twin (reserve and headroom) is the shard's
/// <c>DeliverSystemCore</c>. A remote claim refuses a stale target, a shard that is not running (or partitioned by the
/// fault injector) and a full ring, each counted, and records the refused ring for the current invocation so a Yield
/// waits for room (<see cref="RoomWaitList"/>). The high-water mark only grows.</para>
/// <para>Threads. Owned by one shard: the producer sides of the outbound rings and the mark are touched only by its
/// thread; <see cref="Publish"/> (the ring's release) makes claimed envelopes visible to the consumer. Peers' status is
/// read volatile, through the padded cells taken at Connect, never through the peer's Shard object (its lines are
/// written by the peer every tick; see <see cref="Shard.StatusCell"/>).</para>
/// </remarks>
internal sealed class Delivery
{
    private readonly int _id;
    private readonly TinaRuntime _runtime;      // for its fault injector (null unless testing faults)
    private readonly MessagePool _pool;
    private readonly ShardCounters _counters;
    private readonly SpscRing?[] _outbound;     // [target shard] user rings this shard produces into; null for itself
    private PaddedInt[] _peerStatus = Array.Empty<PaddedInt>(); // the peers' status cells (Shard.StatusCell)
    private int _mailboxHighWater;              // the deepest mailbox seen on this shard

    public Delivery(int id, TinaRuntime runtime, MessagePool pool, ShardCounters counters, int shardCount)
    {
        _id = id;
        _runtime = runtime;
        _pool = pool;
        _counters = counters;
        _outbound = new SpscRing?[shardCount];
    }

    /// <summary>The outbound user rings; the room-wait list reads their free space and sets their waiting flags.</summary>
    public SpscRing?[] OutboundRings => _outbound;

    /// <summary>The deepest mailbox seen on this shard.</summary>
    public int MailboxHighWater => _mailboxHighWater;

    /// <summary>Wires the rings this shard produces into and the peers whose status a claim reads; once at boot.</summary>
    public void Connect(Shard[] peers, SpscRing?[] outbound)
    {
        _peerStatus = Shard.StatusCellsOf(peers);
        Array.Copy(outbound, _outbound, outbound.Length);
    }

    /// <summary>Publishes the user ring to <paramref name="target"/>; true when it had new envelopes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Publish(int target) => _outbound[target] is { } ring && ring.Publish();

    /// <summary>
    /// The one user-delivery path into a local mailbox (local sends, and envelopes taken from a ring or the external
    /// inbox): the mailbox's user capacity (or an injected refusal), a pool slot outside the system reserve, the
    /// writer fills it in place, then the isolate is queued if it is receiving. Returns MailboxFull or PoolExhausted
    /// (nothing taken) when refused; the caller counts by its own side.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SendResult DeliverUser<TWriter>(IsolateTable table, int slot, Handle target, scoped ref TWriter writer)
        where TWriter : struct, IEnvelopeWriter, allows ref struct
    {
        ref IsolateMeta meta = ref table.Meta[slot];
        if (meta.MailboxCount >= table.MailboxCapacity || (_runtime.Faults is { } faults && faults.RefuseMailbox(_id, target)))
        {
            return SendResult.MailboxFull;
        }

        int index = _pool.TryRentUser();
        if (index < 0)
        {
            return SendResult.PoolExhausted;
        }

        writer.Write(ref _pool.Slots[index]);
        table.MailboxPush(slot, index);
        if (meta.MailboxCount > _mailboxHighWater)
        {
            _mailboxHighWater = meta.MailboxCount;
            _counters.Set(ShardCounter.MailboxHighWater, _mailboxHighWater);
        }

        if (meta.State == IsolateState.Receiving)
        {
            table.Schedule(slot);
        }

        return SendResult.Ok;
    }

    /// <summary>
    /// Claims a slot in the ring to the target's shard, or returns a null ref and the refusal; a full ring is
    /// recorded in <paramref name="refusedRing"/> (the current invocation's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Message ClaimRemote(Handle target, out SendResult result, ref int refusedRing)
    {
        int shard = target.Shard;
        if ((uint)shard >= (uint)_peerStatus.Length || target.IsNone)
        {
            _counters.Increment(ShardCounter.SendStaleHandle);
            result = SendResult.StaleHandle;
            return ref Unsafe.NullRef<Message>();
        }

        IFaultInjector? faults = _runtime.Faults;
        if (Shard.ReadStatus(_peerStatus[shard]) != ShardStatus.Running || (faults is not null && faults.Partitioned(_id, shard)))
        {
            _counters.Increment(ShardCounter.SendShardUnavailable);
            result = SendResult.ShardUnavailable;
            return ref Unsafe.NullRef<Message>();
        }

        ref Message slot = ref (faults is not null && faults.RefuseRing(_id, shard))
            ? ref Unsafe.NullRef<Message>()
            : ref _outbound[shard]!.TryClaim();
        if (Unsafe.IsNullRef(ref slot))
        {
            refusedRing = shard; // a Yield from this invocation waits for room in this ring
            _counters.Increment(ShardCounter.SendRingFull);
            result = SendResult.RingFull;
            return ref Unsafe.NullRef<Message>();
        }

        result = SendResult.Ok;
        return ref slot;
    }
}
