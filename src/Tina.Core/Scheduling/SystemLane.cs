using System;
using System.Runtime.CompilerServices;
using Tina.Diagnostics;
using Tina.Memory;
using Tina.Messaging;

namespace Tina.Scheduling;

/// <summary>
/// One shard's side of the system lane: the system rings it produces into and consumes from, the backlogs of what
/// those rings could not take, and the request credit it holds toward each peer.
/// </summary>
/// <remarks>
/// <para>The system lane: system traffic always gets through. Every ordered shard pair (i → j) has, besides its user
/// ring, a system ring that carries only system messages: call outcomes (replies and failures), Downs, watch,
/// unwatch and cancel requests, their acks, and buffer releases. User sends, calls and spawn requests never enter it,
/// so user traffic that fills the user ring (or holds it at a full mailbox) cannot delay or refuse system traffic.</para>
/// <para>The consumer drains each system ring completely at the start of every tick, before any user ring, and never
/// holds it: no system delivery waits for room (outcomes go to the caller's reply slot; Downs take the pool reserve
/// and mailbox headroom; requests, acks and releases touch only tables).</para>
/// <para>The producer never refuses a system message it owes (an outcome, a Down, an ack, a release): when the system
/// ring is full it appends the message to the destination's <see cref="SystemBacklog"/> and the flush moves backlogs
/// into their rings, oldest first, before publishing. The backlog's bound is derived in <see cref="SystemBacklog"/>;
/// the only input it needs that is not a table size is the request credit: a shard may have at most
/// <see cref="CreditMax"/> watch/unwatch/cancel requests toward one peer that the peer has not answered, and
/// every request is answered by exactly one message (a Down with <see cref="Message.Auxiliary"/> = 1 for a stale or
/// refused watch, otherwise <see cref="MessageKind.RequestAck"/>). A request without credit is refused to the isolate
/// (counted <see cref="ShardCounter.SystemRequestsRefused"/>), never dropped.</para>
/// <para>Messages to a shard that no longer runs (stopped or quarantined) are dropped and counted
/// (<see cref="ShardCounter.SystemToUnavailableShard"/>): nothing there will read them.</para>
/// <para>Invariants. <see cref="BacklogCount"/> is the sum of the backlogs' entries; a peer's credit stays in
/// [0, <see cref="CreditMax"/>]; the system rings carry only system kinds; a backlog toward a running peer is
/// non-empty only while that ring's producer-waiting flag is set (or the flush sets it).</para>
/// <para>Threads: the outbound ring [k] is produced only by this shard, the inbound ring [k] consumed
/// only by it (the ring's own release/acquire pairs publish the envelopes); backlogs and credits are this shard's
/// alone. A backlog toward k that waits for ring space sets that ring's producer-waiting flag; k reads it after a
/// drain that freed slots and wakes this shard, and the park re-check (<see cref="AnyBacklogMovable"/>) runs after the
/// process-wide barrier, so the wake cannot be lost.</para>
/// </remarks>
internal sealed class SystemLane
{
    /// <summary>The least request credit per peer; the credit is max(this, RingCapacity / 4).</summary>
    internal const int RequestCreditMin = 64;

    private readonly int _id;
    private readonly ShardCounters _counters;
    private readonly SpscRing?[] _outbound;   // [target shard] system rings this shard produces into; created here
    private SpscRing?[] _inbound = Array.Empty<SpscRing?>();            // [source shard] the peers' rings to this shard
    private SystemBacklog?[] _backlogs = Array.Empty<SystemBacklog?>(); // [target shard] what its ring could not take
    private int[] _credit = Array.Empty<int>();  // [target shard] requests this shard may still send unanswered
    private Shard[] _peers = Array.Empty<Shard>();
    private PaddedInt[] _peerStatus = Array.Empty<PaddedInt>(); // the peers' status cells, read per claim (Shard.StatusCell)
    private int _creditMax;
    private int _backlogged;   // entries in all backlogs

    /// <summary>Creates this shard's outbound system rings; <see cref="Connect"/> wires the rest.</summary>
    public SystemLane(int id, int shardCount, int ringCapacity, ShardCounters counters)
    {
        _id = id;
        _counters = counters;
        _outbound = new SpscRing?[shardCount];
        for (int target = 0; target < shardCount; target++)
        {
            _outbound[target] = target == id ? null : new SpscRing(ringCapacity);
        }
    }

    /// <summary>The request credit per peer (set at <see cref="Connect"/>).</summary>
    public int CreditMax => _creditMax;

    /// <summary>Entries waiting in all backlogs.</summary>
    public int BacklogCount => _backlogged;

    /// <summary>The system ring this shard produces toward <paramref name="target"/> (null for itself).</summary>
    public SpscRing? RingTo(int target) => _outbound[target];

    /// <summary>The backlog toward <paramref name="target"/>, null for itself (checkers).</summary>
    public SystemBacklog? BacklogTo(int target) => (uint)target < (uint)_backlogs.Length ? _backlogs[target] : null;

    /// <summary>The request credit left toward <paramref name="target"/> (tests).</summary>
    public int CreditTo(int target) => _credit[target];

    /// <summary>
    /// Wires the lane; every shard has created its system rings (constructors run before Connect).
    /// <paramref name="slotBase"/>[type] is the first packed slot of each isolate type on this shard, its last entry
    /// the slot total; the backlog's bound is derived from it (see <see cref="SystemBacklog"/>).
    /// </summary>
    public void Connect(Shard[] peers, int[] slotBase, int ringCapacity, int bufferCount, int watchCapacity)
    {
        int shardCount = peers.Length;
        _peers = peers;
        _peerStatus = Shard.StatusCellsOf(peers);
        _inbound = new SpscRing?[shardCount];
        _backlogs = new SystemBacklog?[shardCount];
        _credit = new int[shardCount];
        _creditMax = Math.Max(RequestCreditMin, ringCapacity / 4);

        int slots = slotBase[^1];
        int bound = slots + bufferCount + watchCapacity + (3 * _creditMax);
        for (int peer = 0; peer < shardCount; peer++)
        {
            if (peer == _id)
            {
                continue;
            }

            _inbound[peer] = peers[peer].SystemLane.RingTo(_id);
            _backlogs[peer] = new SystemBacklog(bound, slotBase, slots);
            _credit[peer] = _creditMax;
        }
    }

    /// <summary>
    /// A slot for a system message this shard owes <paramref name="shard"/>: in its system ring, or (ring full, or older
    /// entries waiting) at the end of its backlog. A null ref only when that shard no longer runs (counted) or, which
    /// the bound excludes, the backlog is over its bound (counted).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Message Claim(int shard)
    {
        if ((uint)shard >= (uint)_peerStatus.Length || shard == _id || Shard.ReadStatus(_peerStatus[shard]) != ShardStatus.Running)
        {
            _counters.Increment(ShardCounter.SystemToUnavailableShard);
            return ref Unsafe.NullRef<Message>();
        }

        SystemBacklog backlog = _backlogs[shard]!;
        if (backlog.IsEmpty)
        {
            ref Message slot = ref _outbound[shard]!.TryClaim();
            if (!Unsafe.IsNullRef(ref slot))
            {
                return ref slot;
            }

            _outbound[shard]!.SetProducerWaiting(true); // its consumer wakes this shard when it frees slots
        }

        return ref AppendBacklog(backlog);
    }

    private ref Message AppendBacklog(SystemBacklog backlog)
    {
        ref Message entry = ref backlog.Append();
        if (Unsafe.IsNullRef(ref entry))
        {
            _counters.Increment(ShardCounter.SystemBacklogOverflows);
            return ref entry;
        }

        _backlogged++;
        _counters.Increment(ShardCounter.SystemBacklogged);
        return ref entry;
    }

    /// <summary>
    /// A slot for a call outcome to <paramref name="caller"/> on another shard. When an outcome for the same caller slot
    /// still waits in the backlog, the one for the older call is late (see <see cref="SystemBacklog"/>): the newer one
    /// takes its place, or the new one is dropped as late when it is the older; <paramref name="superseded"/> is then
    /// true and no slot is returned.
    /// </summary>
    public ref Message ClaimOutcome(Handle caller, uint correlation, out bool superseded)
    {
        superseded = false;
        int shard = caller.Shard;
        if ((uint)shard < (uint)_backlogs.Length && _backlogs[shard] is { IsEmpty: false } backlog)
        {
            ref Message waiting = ref backlog.FindOutcome(caller);
            if (!Unsafe.IsNullRef(ref waiting))
            {
                superseded = true;
                _counters.Increment(ShardCounter.RepliesLateDropped);
                if ((int)(correlation - waiting.Correlation) > 0)
                {
                    return ref waiting; // newer call: overwrite the late outcome in place
                }

                return ref Unsafe.NullRef<Message>(); // this outcome is the late one
            }

            ref Message entry = ref Claim(shard);
            if (!Unsafe.IsNullRef(ref entry))
            {
                backlog.NoteOutcome(caller);
            }

            return ref entry;
        }

        ref Message slot = ref Claim(shard);
        if (!Unsafe.IsNullRef(ref slot) && !_backlogs[shard]!.IsEmpty)
        {
            _backlogs[shard]!.NoteOutcome(caller); // it went to the backlog (the ring was full)
        }

        return ref slot;
    }

    /// <summary>
    /// A slot for a watch, unwatch or cancel request to <paramref name="shard"/>, holding one request credit until the
    /// answer comes back; a null ref when no credit is left (counted) or that shard no longer runs.
    /// </summary>
    public ref Message ClaimRequest(int shard)
    {
        if (!TryTakeCredit(shard))
        {
            return ref Unsafe.NullRef<Message>();
        }

        ref Message slot = ref Claim(shard);
        if (Unsafe.IsNullRef(ref slot))
        {
            _credit[shard]++; // never sent: nothing will answer it
        }

        return ref slot;
    }

    /// <summary>Takes one request credit toward <paramref name="shard"/>; false (counted) when none is left.</summary>
    private bool TryTakeCredit(int shard)
    {
        if (_credit[shard] == 0)
        {
            _counters.Increment(ShardCounter.SystemRequestsRefused);
            return false;
        }

        _credit[shard]--;
        return true;
    }

    /// <summary>A request that arrived from <paramref name="requester"/> is answered with an ack (it produced no Down).</summary>
    public void Ack(int requester)
    {
        ref Message slot = ref Claim(requester);
        if (Unsafe.IsNullRef(ref slot))
        {
            return;
        }

        slot.SetHeader(Handle.None, Handle.None, MessageKind.RequestAck, 0);
        slot.SetWord0(_id);
    }

    /// <summary>An answer to one of this shard's requests arrived from <paramref name="shard"/>: the credit comes back.</summary>
    public void ReturnCredit(int shard)
    {
        if ((uint)shard < (uint)_credit.Length && _credit[shard] < _creditMax)
        {
            _credit[shard]++;
        }
    }

    /// <summary>Flush step: moves backlog entries into their system rings, oldest first, as far as each ring has room.</summary>
    public void MoveBacklogs()
    {
        for (int target = 0; target < _backlogs.Length; target++)
        {
            SystemBacklog? backlog = _backlogs[target];
            if (backlog is null || backlog.IsEmpty)
            {
                continue;
            }

            SpscRing ring = _outbound[target]!;
            if (Shard.ReadStatus(_peerStatus[target]) != ShardStatus.Running)
            {
                // Nothing there will read them: drop and count, so this shard does not wait on it forever.
                while (!backlog.IsEmpty)
                {
                    backlog.RemoveOldest();
                    _backlogged--;
                    _counters.Increment(ShardCounter.SystemToUnavailableShard);
                }

                ring.SetProducerWaiting(false);
                continue;
            }

            while (!backlog.IsEmpty)
            {
                ref Message slot = ref ring.TryClaim();
                if (Unsafe.IsNullRef(ref slot))
                {
                    break;
                }

                Message.CopyCompact(ref slot, in backlog.Oldest());
                backlog.RemoveOldest();
                _backlogged--;
            }

            ring.SetProducerWaiting(!backlog.IsEmpty);
        }
    }

    /// <summary>Park re-check: a backlog whose ring has room now.</summary>
    public bool AnyBacklogMovable()
    {
        for (int target = 0; target < _backlogs.Length; target++)
        {
            SystemBacklog? backlog = _backlogs[target];
            if (backlog is not null && !backlog.IsEmpty
                && (_outbound[target]!.FreeSpace() > 0 || Shard.ReadStatus(_peerStatus[target]) != ShardStatus.Running))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Drains every system ring completely (never held); returns true when anything arrived.</summary>
    public bool Drain(Shard owner)
    {
        bool received = false;
        for (int source = 0; source < _inbound.Length; source++)
        {
            SpscRing? ring = _inbound[source];
            if (ring is null)
            {
                continue;
            }

            int available = ring.BeginRead();
            if (available == 0)
            {
                continue;
            }

            for (int i = 0; i < available; i++)
            {
                Deliver(owner, ref ring.ReadAt(i), source);
            }

            ring.EndRead(available);
            received = true;
            if (ring.ProducerWaiting)
            {
                _peers[source].Signal.Wake(); // its backlog waits for the room this drain just made
            }
        }

        return received;
    }

    private void Deliver(Shard owner, ref Message envelope, int source)
    {
        switch (envelope.KindValue)
        {
            case MessageKind.RequestAck:
                ReturnCredit(source);
                return;
            case MessageKind.Down when envelope.Auxiliary != 0:
                ReturnCredit(source); // it answers one of our watch requests
                break;
        }

        bool delivered = owner.DeliverInbound(ref envelope, source);
        System.Diagnostics.Debug.Assert(delivered, "a system message is never held");
    }

    /// <summary>True when a system ring has envelopes to take. The consuming shard's thread only (consumer-side poll).</summary>
    public bool HasInbound()
    {
        for (int source = 0; source < _inbound.Length; source++)
        {
            if (_inbound[source] is { } ring && ring.PollPublished())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Publishes the system ring to <paramref name="target"/>; true when it had new envelopes.</summary>
    public bool Publish(int target) => _outbound[target] is { } ring && ring.Publish();
}
