using System;
using Tina.Diagnostics;
using Tina.Messaging;

namespace Tina.Scheduling;

/// <summary>
/// The user traffic one shard consumes: one inbound user ring per peer and the external inbox, whether each one's
/// head is held, and the rotation that picks the first ring drained each tick.
/// </summary>
/// <remarks>
/// <para>Drain. Each tick drains every inbound ring up to what its producer had published when the drain began
/// (bounded by the ring capacity), starting from a rotating source, then the external inbox. Each envelope goes to the
/// owning shard's <see cref="Shard.DeliverInbound"/>; the rings never look inside one.</para>
/// <para>Held heads. When delivery refuses an envelope (a one-way message whose target mailbox is full, or whose
/// delivery finds the pool at its reserve), the drain of that ring stops at it and it stays at the ring's head: the
/// ring is held, so it fills and its producer learns <see cref="SendResult.RingFull"/> at the send site. A held ring
/// is not deliverable work for the park decision (<see cref="HasDeliverable"/>): only the owning shard's dispatch
/// makes that room, and the drain of the tick after it retries the ring.</para>
/// <para>Invariants. Owned by one shard: the consumer sides of the rings and every field here are touched only by its
/// thread (the rings' release/acquire pairs publish the envelopes; the producers are the peers and, for the inbox,
/// outside threads). A held flag is true only between a drain that stopped at a refused head and the next drain of
/// that ring. The rotation stays in [0, shard count).</para>
/// </remarks>
internal sealed class InboundRings
{
    private readonly SpscRing?[] _rings;      // [source shard] user rings this shard consumes; null for itself
    private readonly ExternalInbox _external;
    private readonly ShardCounters _counters;
    private bool[] _held = Array.Empty<bool>(); // [source shard] that ring's head waits for room at its target
    private bool _externalHeld;                 // the same for the external inbox
    private Shard[] _peers = Array.Empty<Shard>();
    private int _rotation;                      // first ring drained next tick, rotated for fairness

    public InboundRings(int shardCount, int externalCapacity, ShardCounters counters)
    {
        _rings = new SpscRing?[shardCount];
        _external = new ExternalInbox(externalCapacity);
        _counters = counters;
    }

    /// <summary>The inbox outside threads post into.</summary>
    public ExternalInbox External => _external;

    /// <summary>The ring consumed from <paramref name="source"/> (null for itself); for the simulator's checkers.</summary>
    public SpscRing? RingFrom(int source) => _rings[source];

    /// <summary>Whether the ring from <paramref name="source"/> (-1: the external inbox) is held at its head (tests).</summary>
    public bool IsHeld(int source) => source < 0 ? _externalHeld : _held[source];

    /// <summary>Wires the rings this shard consumes and the peers to wake; called once at boot.</summary>
    public void Connect(Shard[] peers, SpscRing?[] inbound)
    {
        _peers = peers;
        _held = new bool[peers.Length];
        Array.Copy(inbound, _rings, inbound.Length);
    }

    /// <summary>
    /// True when a ring that is not held (or the external inbox) has published envelopes. The consuming shard's thread
    /// only (its tick, park re-check and polling probe): the user rings are asked through their consumer-side poll.
    /// </summary>
    public bool HasDeliverable()
    {
        if (!_externalHeld && _external.Ring.HasPublished())
        {
            return true;
        }

        for (int source = 0; source < _rings.Length; source++)
        {
            SpscRing? ring = _rings[source];
            if (ring is not null && !_held[source] && ring.PollPublished())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Drains every user ring into <paramref name="owner"/>, from the rotating first source; true when any arrived.</summary>
    public bool DrainRings(Shard owner)
    {
        bool received = false;
        int count = _rings.Length;
        for (int k = 0; k < count; k++)
        {
            int source = _rotation + k;
            if (source >= count)
            {
                source -= count;
            }

            SpscRing? ring = _rings[source];
            if (ring is not null && DrainRing(owner, ring, source, out _held[source]) > 0)
            {
                received = true;
                if (ring.ProducerWaiting)
                {
                    _peers[source].Signal.Wake(); // its yielder waits for the room this drain just made
                }
            }
        }

        _rotation = _rotation + 1 >= count ? 0 : _rotation + 1;
        return received;
    }

    /// <summary>Drains the external inbox into <paramref name="owner"/>; true when any arrived (counted).</summary>
    public bool DrainExternal(Shard owner)
    {
        int received = DrainRing(owner, _external.Ring, -1, out _externalHeld);
        if (received == 0)
        {
            return false;
        }

        _counters.Add(ShardCounter.ExternalMessagesReceived, received);
        return true;
    }

    /// <summary>
    /// Delivers what the ring's producer had published when the drain began, stopping at a message that must wait
    /// for room (<paramref name="held"/> is then true and that message stays at the head); returns how many were taken.
    /// </summary>
    private int DrainRing(Shard owner, SpscRing ring, int source, out bool held)
    {
        int available = ring.BeginRead();
        int taken = 0;
        held = false;
        while (taken < available)
        {
            if (!owner.DeliverInbound(ref ring.ReadAt(taken), source))
            {
                held = true;
                _counters.Increment(ShardCounter.InboundHeld);
                break;
            }

            taken++;
        }

        ring.EndRead(taken);
        return taken;
    }
}
