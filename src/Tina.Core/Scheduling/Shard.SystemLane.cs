using System;
using System.Runtime.CompilerServices;
using Tina.Messaging;

namespace Tina.Scheduling;

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
/// <see cref="_requestCreditMax"/> watch/unwatch/cancel requests toward one peer that the peer has not answered, and
/// every request is answered by exactly one message (a Down with <see cref="Message.Auxiliary"/> = 1 for a stale or
/// refused watch, otherwise <see cref="MessageKind.RequestAck"/>). A request without credit is refused to the isolate
/// (counted <see cref="ShardCounter.SystemRequestsRefused"/>), never dropped.</para>
/// <para>Messages to a shard that no longer runs (stopped or quarantined) are dropped and counted
/// (<see cref="ShardCounter.SystemToUnavailableShard"/>): nothing there will read them.</para>
/// <para>Threads: <see cref="_systemOutbound"/>[k] is produced only by this shard, <see cref="_systemInbound"/>[k] consumed
/// only by it (the ring's own release/acquire pairs publish the envelopes); backlogs and credits are this shard's
/// alone. A backlog toward k that waits for ring space sets that ring's producer-waiting flag; k reads it after a
/// drain that freed slots and wakes this shard, and the park re-check (<see cref="AnyBacklogMovable"/>) runs after the
/// process-wide barrier, so the wake cannot be lost.</para>
/// </remarks>
internal sealed partial class Shard
{
    /// <summary>The least request credit per peer; the credit is max(this, RingCapacity / 4).</summary>
    internal const int RequestCreditMin = 64;

    private readonly SpscRing?[] _systemOutbound;  // [target shard] system rings this shard produces into; created here
    private SpscRing?[] _systemInbound = Array.Empty<SpscRing?>(); // [source shard] the peers' system rings to this shard
    private SystemBacklog?[] _backlogs = Array.Empty<SystemBacklog?>(); // [target shard] what its system ring could not take
    private int[] _requestCredit = Array.Empty<int>();  // [target shard] requests this shard may still send unanswered
    private int _requestCreditMax;
    private int _backlogged;   // entries in all backlogs

    /// <summary>The system ring this shard produces toward <paramref name="target"/> (null for itself).</summary>
    public SpscRing? SystemRingTo(int target) => _systemOutbound[target];

    /// <summary>The backlog toward <paramref name="target"/>, null for itself (checkers).</summary>
    internal SystemBacklog? SystemBacklogTo(int target) => (uint)target < (uint)_backlogs.Length ? _backlogs[target] : null;

    /// <summary>Entries waiting in the system backlogs (tests, checkers).</summary>
    public int SystemBacklogCount => _backlogged;

    private static SpscRing?[] CreateSystemRings(TinaSpec spec, int id)
    {
        var rings = new SpscRing?[spec.ShardCount];
        for (int target = 0; target < rings.Length; target++)
        {
            rings[target] = target == id ? null : new SpscRing(spec.RingCapacity);
        }

        return rings;
    }

    /// <summary>Wires the system lane; every shard has created its system rings (constructors run before Connect).</summary>
    private void ConnectSystemLane(Shard[] peers, TinaSpec spec)
    {
        int shardCount = peers.Length;
        _systemInbound = new SpscRing?[shardCount];
        _backlogs = new SystemBacklog?[shardCount];
        _requestCredit = new int[shardCount];
        _requestCreditMax = Math.Max(RequestCreditMin, spec.RingCapacity / 4);

        int[] slotBase = new int[_types.Length + 1];
        for (int type = 0; type < _types.Length; type++)
        {
            slotBase[type + 1] = slotBase[type] + _types[type].SlotCount;
        }

        int slots = slotBase[_types.Length];
        int bound = slots + spec.BufferCount + spec.WatchCapacity + (3 * _requestCreditMax);
        for (int peer = 0; peer < shardCount; peer++)
        {
            if (peer == Id)
            {
                continue;
            }

            _systemInbound[peer] = peers[peer].SystemRingTo(Id);
            _backlogs[peer] = new SystemBacklog(bound, slotBase, slots);
            _requestCredit[peer] = _requestCreditMax;
        }
    }

    /// <summary>
    /// A slot for a system message this shard owes <paramref name="shard"/>: in its system ring, or (ring full, or older
    /// entries waiting) at the end of its backlog. A null ref only when that shard no longer runs (counted) or, which
    /// the bound excludes, the backlog is over its bound (counted).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Message ClaimSystem(int shard)
    {
        if ((uint)shard >= (uint)_peers.Length || shard == Id || _peers[shard].Status != ShardStatus.Running)
        {
            Counters.Increment(ShardCounter.SystemToUnavailableShard);
            return ref Unsafe.NullRef<Message>();
        }

        SystemBacklog backlog = _backlogs[shard]!;
        if (backlog.IsEmpty)
        {
            ref Message slot = ref _systemOutbound[shard]!.TryClaim();
            if (!Unsafe.IsNullRef(ref slot))
            {
                return ref slot;
            }

            _systemOutbound[shard]!.SetProducerWaiting(true); // its consumer wakes this shard when it frees slots
        }

        return ref AppendBacklog(backlog);
    }

    private ref Message AppendBacklog(SystemBacklog backlog)
    {
        ref Message entry = ref backlog.Append();
        if (Unsafe.IsNullRef(ref entry))
        {
            Counters.Increment(ShardCounter.SystemBacklogOverflows);
            return ref entry;
        }

        _backlogged++;
        Counters.Increment(ShardCounter.SystemBacklogged);
        return ref entry;
    }

    /// <summary>
    /// A slot for a call outcome to <paramref name="caller"/> on another shard. When an outcome for the same caller slot
    /// still waits in the backlog, the one for the older call is late (see <see cref="SystemBacklog"/>): the newer one
    /// takes its place, or the new one is dropped as late when it is the older; <paramref name="superseded"/> is then
    /// true and no slot is returned.
    /// </summary>
    private ref Message ClaimOutcome(Handle caller, uint correlation, out bool superseded)
    {
        superseded = false;
        int shard = caller.Shard;
        if ((uint)shard < (uint)_backlogs.Length && _backlogs[shard] is { IsEmpty: false } backlog)
        {
            ref Message waiting = ref backlog.FindOutcome(caller);
            if (!Unsafe.IsNullRef(ref waiting))
            {
                superseded = true;
                Counters.Increment(ShardCounter.RepliesLateDropped);
                if ((int)(correlation - waiting.Correlation) > 0)
                {
                    return ref waiting; // newer call: overwrite the late outcome in place
                }

                return ref Unsafe.NullRef<Message>(); // this outcome is the late one
            }

            ref Message entry = ref ClaimSystem(shard);
            if (!Unsafe.IsNullRef(ref entry))
            {
                backlog.NoteOutcome(caller);
            }

            return ref entry;
        }

        ref Message slot = ref ClaimSystem(shard);
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
    private ref Message ClaimRequest(int shard)
    {
        if (!TryTakeRequestCredit(shard))
        {
            return ref Unsafe.NullRef<Message>();
        }

        ref Message slot = ref ClaimSystem(shard);
        if (Unsafe.IsNullRef(ref slot))
        {
            _requestCredit[shard]++; // never sent: nothing will answer it
        }

        return ref slot;
    }

    /// <summary>Takes one request credit toward <paramref name="shard"/>; false (counted) when none is left.</summary>
    private bool TryTakeRequestCredit(int shard)
    {
        if (_requestCredit[shard] == 0)
        {
            Counters.Increment(ShardCounter.SystemRequestsRefused);
            return false;
        }

        _requestCredit[shard]--;
        return true;
    }

    /// <summary>A request that arrived from <paramref name="requester"/> is answered with an ack (it produced no Down).</summary>
    private void AckRequest(int requester)
    {
        ref Message slot = ref ClaimSystem(requester);
        if (Unsafe.IsNullRef(ref slot))
        {
            return;
        }

        slot.SetHeader(Handle.None, Handle.None, MessageKind.RequestAck, 0);
        slot.SetWord0(Id);
    }

    /// <summary>An answer to one of this shard's requests arrived from <paramref name="shard"/>: the credit comes back.</summary>
    private void ReturnRequestCredit(int shard)
    {
        if ((uint)shard < (uint)_requestCredit.Length && _requestCredit[shard] < _requestCreditMax)
        {
            _requestCredit[shard]++;
        }
    }

    /// <summary>Flush step: moves backlog entries into their system rings, oldest first, as far as each ring has room.</summary>
    private void MoveBacklogs()
    {
        for (int target = 0; target < _backlogs.Length; target++)
        {
            SystemBacklog? backlog = _backlogs[target];
            if (backlog is null || backlog.IsEmpty)
            {
                continue;
            }

            SpscRing ring = _systemOutbound[target]!;
            if (_peers[target].Status != ShardStatus.Running)
            {
                // Nothing there will read them: drop and count, so this shard does not wait on it forever.
                while (!backlog.IsEmpty)
                {
                    backlog.RemoveOldest();
                    _backlogged--;
                    Counters.Increment(ShardCounter.SystemToUnavailableShard);
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

                slot = backlog.Oldest();
                backlog.RemoveOldest();
                _backlogged--;
            }

            ring.SetProducerWaiting(!backlog.IsEmpty);
        }
    }

    /// <summary>Park re-check: a backlog whose ring has room now.</summary>
    private bool AnyBacklogMovable()
    {
        for (int target = 0; target < _backlogs.Length; target++)
        {
            SystemBacklog? backlog = _backlogs[target];
            if (backlog is not null && !backlog.IsEmpty
                && (_systemOutbound[target]!.FreeSpace() > 0 || _peers[target].Status != ShardStatus.Running))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Drains every system ring completely (never held); returns true when anything arrived.</summary>
    private bool DrainSystemLane()
    {
        bool received = false;
        for (int source = 0; source < _systemInbound.Length; source++)
        {
            SpscRing? ring = _systemInbound[source];
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
                DeliverSystemInbound(ref ring.ReadAt(i), source);
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

    private void DeliverSystemInbound(ref Message envelope, int source)
    {
        switch (envelope.KindValue)
        {
            case MessageKind.RequestAck:
                ReturnRequestCredit(source);
                return;
            case MessageKind.Down when envelope.Auxiliary != 0:
                ReturnRequestCredit(source); // it answers one of our watch requests
                break;
        }

        bool delivered = DeliverInbound(ref envelope, source);
        System.Diagnostics.Debug.Assert(delivered, "a system message is never held");
    }

    /// <summary>True when a system ring has envelopes to take.</summary>
    private bool HasSystemInbound()
    {
        for (int source = 0; source < _systemInbound.Length; source++)
        {
            if (_systemInbound[source] is { } ring && ring.HasPublished())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Publishes the system ring to <paramref name="target"/>; true when it had new envelopes.</summary>
    private bool PublishSystem(int target) => _systemOutbound[target] is { } ring && ring.Publish();
}
