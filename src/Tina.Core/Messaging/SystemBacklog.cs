using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tina.Messaging;

/// <summary>
/// System messages one shard owes another and could not put in that pair's system ring yet: a FIFO, moved into the
/// ring at every flush, preallocated to a bound that what can be outstanding never exceeds (see the remarks).
/// </summary>
/// <remarks>
/// <para>Threads: one shard (the producer of the system ring it feeds) reads and writes it; nothing else touches it.</para>
/// <para>Order: while the backlog holds anything for its destination, every new system message to that destination is
/// appended here rather than claimed in the ring, so the destination sees system messages in the order they were sent.</para>
/// <para>The bound (per destination shard k, with S = isolate slots per shard, B = buffers per shard, W = the watch
/// capacity of the producing shard, R = the request credit per pair):</para>
/// <list type="bullet">
/// <item>call outcomes: at most one per caller slot of k (<see cref="FindOutcome"/>): a caller has one call at a time
/// and calls again only after the previous call ended, so of two outcomes for one caller slot the one with the older
/// correlation is provably late and is dropped here instead of at the caller — S;</item>
/// <item>buffer releases: one per loan of a buffer of k (the shard sends a given buffer generation home once) — B;</item>
/// <item>request answers (a Down for a stale or refused watch, or an ack): one per request k sent with a credit, and
/// k sends no more than R unanswered requests — R;</item>
/// <item>Downs of watch entries: at most the W entries that existed when the oldest message now in the backlog was
/// appended, plus one per entry created since, each created by a request whose answer is still behind that oldest
/// message (FIFO), hence whose credit is still in use — W + R;</item>
/// <item>watch, unwatch and cancel requests this shard sends k: each holds a credit — R.</item>
/// </list>
/// So <c>S + B + W + 3R</c> entries always suffice; <see cref="Append"/> is never refused in a correct runtime (an
/// overflow would be a broken invariant: asserted, and counted by the caller, never silent).
/// </remarks>
internal sealed class SystemBacklog
{
    private readonly Message[] _entries;      // exactly the bound: no rounding up (this path is cold; a modulo is fine)
    private readonly long[] _outcomeSequence; // per caller flat slot of the destination: sequence + 1 of its outcome here, 0 none
    private readonly int[] _slotBase;         // per isolate type: first flat slot index (same spec on every shard)
    private long _head;                       // next sequence to move into the ring
    private long _tail;                       // next sequence to append

    public SystemBacklog(int bound, int[] slotBase, int slotCount)
    {
        _entries = new Message[System.Math.Max(1, bound)];
        _outcomeSequence = new long[System.Math.Max(1, slotCount)];
        _slotBase = slotBase;
        Bound = bound;
    }

    /// <summary>The derived bound, which is also the capacity.</summary>
    public int Bound { get; }

    public int Count => (int)(_tail - _head);

    public bool IsEmpty => _tail == _head;

    /// <summary>Appends an entry to fill in, or returns a null ref when the bound is reached (a broken invariant).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Message Append()
    {
        if (Count >= Bound)
        {
            Debug.Fail("system backlog over its derived bound");
            return ref Unsafe.NullRef<Message>();
        }

        return ref _entries[_tail++ % _entries.Length];
    }

    /// <summary>Records that the entry just appended is the outcome for <paramref name="caller"/> (a slot of the destination).</summary>
    public void NoteOutcome(Handle caller)
    {
        int flat = FlatSlot(caller);
        if (flat >= 0)
        {
            _outcomeSequence[flat] = _tail; // sequence (_tail - 1) + 1
        }
    }

    /// <summary>The outcome for <paramref name="caller"/>'s slot still waiting here, or a null ref.</summary>
    public ref Message FindOutcome(Handle caller)
    {
        int flat = FlatSlot(caller);
        if (flat < 0)
        {
            return ref Unsafe.NullRef<Message>();
        }

        long sequence = _outcomeSequence[flat] - 1;
        if (sequence < _head || sequence >= _tail)
        {
            return ref Unsafe.NullRef<Message>();
        }

        return ref _entries[sequence % _entries.Length];
    }

    /// <summary>The oldest entry (Count &gt; 0).</summary>
    public ref Message Oldest() => ref _entries[_head % _entries.Length];

    /// <summary>The entry <paramref name="index"/> places after the oldest (checkers; 0 ≤ index &lt; Count).</summary>
    public ref Message PeekAt(int index) => ref _entries[(_head + index) % _entries.Length];

    /// <summary>Drops the oldest entry after it was copied into the ring.</summary>
    public void RemoveOldest()
    {
        Debug.Assert(_tail > _head, "remove from an empty backlog");
        ref Message oldest = ref _entries[_head % _entries.Length];
        if (oldest.KindValue == MessageKind.Reply)
        {
            int flat = FlatSlot(oldest.TargetHandle);
            if (flat >= 0 && _outcomeSequence[flat] == _head + 1)
            {
                _outcomeSequence[flat] = 0;
            }
        }

        _head++;
    }

    private int FlatSlot(Handle handle)
    {
        int type = handle.Type;
        if ((uint)type + 1 >= (uint)_slotBase.Length)
        {
            return -1;
        }

        int flat = _slotBase[type] + handle.Slot;
        return flat < _slotBase[type + 1] ? flat : -1;
    }
}
