using System;
using System.Diagnostics;

namespace Tina.Timers;

/// <summary>
/// A shard's hashed timer wheel: a power-of-two number of spokes, each a doubly-linked list of entries from one
/// preallocated table. Shard-thread only; no synchronisation.
/// </summary>
/// <remarks>
/// Register, cancel and cancel-all-of-an-owner are O(1) per timer and allocate nothing. Deadlines are absolute wheel
/// ticks (monotonic nanoseconds / resolution); a timer never fires before its deadline tick and fires on the first
/// <see cref="Advance"/> at or after it. Entries in a spoke that belong to a later rotation stay put. Firings per
/// advance are bounded by the entries pending when it began; the firing callback may cancel or register any timer
/// (see <see cref="Advance"/>).
/// </remarks>
internal sealed class TimerWheel
{
    private readonly TimerEntry[] _entries;
    private readonly int[] _spokeHeads;   // first entry per spoke, -1 = empty
    private readonly long _spokeMask;
    private int _freeHead;                // free entries linked through SpokeNext, -1 = none
    private long _currentTick;            // last tick advanced to

    /// <summary>
    /// The longest delay, 2^62 ns (about 146 years): longer ones saturate to it. With the clock below 2^62 ns, a
    /// deadline tick times the resolution stays below 2^63, so deadline arithmetic never overflows.
    /// </summary>
    public const long MaxDelayNanoseconds = 1L << 62;

    public TimerWheel(int capacity, int spokeCount, long startTick)
    {
        Debug.Assert(capacity > 0 && spokeCount > 0 && (spokeCount & (spokeCount - 1)) == 0, "validated by the spec");
        _entries = new TimerEntry[capacity];
        _spokeHeads = new int[spokeCount];
        _spokeHeads.AsSpan().Fill(-1);
        _spokeMask = spokeCount - 1;
        for (int i = 0; i < capacity; i++)
        {
            _entries[i].SpokeNext = i + 1 < capacity ? i + 1 : -1;
            _entries[i].Generation = 1;
        }

        _freeHead = 0;
        _currentTick = startTick;
    }

    public int Capacity => _entries.Length;

    public int ActiveCount { get; private set; }

    public long CurrentTick => _currentTick;

    /// <summary>
    /// Registers a timer firing <paramref name="delayTicks"/> (at least 1) after <paramref name="fromTick"/> (the
    /// caller's present; the wheel's current tick when that is later), linked into the owner's list through
    /// <paramref name="ownerHead"/>. Returns <see cref="TimerId.None"/> when the table is full.
    /// </summary>
    /// <remarks>
    /// The wheel's own tick only moves at <see cref="Advance"/>, so after an idle stretch it lags the clock; counting
    /// the delay from it would fire the timer early (at once, after a long park).
    /// </remarks>
    public TimerId Register(long delayTicks, TimerKind kind, Handle owner, long tag, ref int ownerHead, long fromTick)
    {
        int index = _freeHead;
        if (index < 0)
        {
            return TimerId.None;
        }

        ref TimerEntry entry = ref _entries[index];
        _freeHead = entry.SpokeNext;
        entry.DeadlineTick = Math.Max(_currentTick, fromTick) + Math.Max(1, delayTicks);
        entry.Kind = kind;
        entry.Owner = owner;
        entry.Tag = tag;

        int spoke = (int)(entry.DeadlineTick & _spokeMask);
        entry.SpokePrev = -1;
        entry.SpokeNext = _spokeHeads[spoke];
        if (entry.SpokeNext >= 0)
        {
            _entries[entry.SpokeNext].SpokePrev = index;
        }

        _spokeHeads[spoke] = index;

        entry.OwnerPrev = -1;
        entry.OwnerNext = ownerHead;
        if (ownerHead >= 0)
        {
            _entries[ownerHead].OwnerPrev = index;
        }

        ownerHead = index;
        ActiveCount++;
        return new TimerId(index, entry.Generation);
    }

    /// <summary>True when <paramref name="id"/> names a pending timer.</summary>
    public bool IsPending(TimerId id) =>
        !id.IsNone && (uint)id.Index < (uint)_entries.Length
        && _entries[id.Index].Generation == id.Generation && _entries[id.Index].Kind != TimerKind.Free;

    /// <summary>The deadline tick of a pending timer (for the simulator's call checker).</summary>
    public long DeadlineOf(TimerId id) => _entries[id.Index].DeadlineTick;

    /// <summary>The owner recorded in a pending timer.</summary>
    public Handle OwnerOf(TimerId id) => _entries[id.Index].Owner;

    /// <summary>Cancels a pending timer; false when it already fired, was cancelled, or never existed.</summary>
    public bool Cancel(TimerId id, ref int ownerHead)
    {
        if (!IsPending(id))
        {
            return false;
        }

        Remove(id.Index, ref ownerHead);
        return true;
    }

    /// <summary>Cancels every timer in an owner's list.</summary>
    public int CancelAll(ref int ownerHead)
    {
        int cancelled = 0;
        while (ownerHead >= 0)
        {
            Remove(ownerHead, ref ownerHead);
            cancelled++;
        }

        return cancelled;
    }

    /// <summary>
    /// Moves to <paramref name="nowTick"/>, firing every entry whose deadline is at or before it. The sink receives a
    /// copy of each entry after it has been freed, and supplies the owner's list head so the entry can be unlinked.
    /// </summary>
    /// <remarks>
    /// <para>Re-entrancy. <see cref="ITimerSink.Fire"/> may cancel any timer (a forced exit cancels its isolate's
    /// timers and ends a local caller's call, cancelling that caller's timeout) and may register timers (a cancel
    /// arms a drain deadline). Two rules keep the walk sound:</para>
    /// <para>1. The current tick moves to <paramref name="nowTick"/> before the first firing, so a timer registered
    /// by a firing has a deadline after <paramref name="nowTick"/>: it fires at a later advance, never in this one.
    /// That also bounds the firings of one advance by the entries pending when it began.</para>
    /// <para>2. The walk saves the next entry's index and generation before each firing. Any free bumps the
    /// generation, so if the firing cancelled that entry (and perhaps reused its index) the saved pair no longer
    /// matches and the walk restarts from the spoke's head. Every entry already fired has left the spoke, so a restart
    /// only re-reads entries of later rotations; restarts per advance are bounded by its firings.</para>
    /// </remarks>
    public int Advance<TSink>(long nowTick, ref TSink sink)
        where TSink : struct, ITimerSink
    {
        long fromTick = _currentTick;
        if (nowTick <= fromTick)
        {
            return 0;
        }

        _currentTick = nowTick; // rule 1: registrations made by the firings below count from nowTick
        if (ActiveCount == 0)
        {
            return 0;
        }

        long steps = Math.Min(nowTick - fromTick, _spokeHeads.Length);
        int fired = 0;
        for (long step = 1; step <= steps; step++)
        {
            int spoke = (int)((fromTick + step) & _spokeMask);
            int index = _spokeHeads[spoke];
            while (index >= 0)
            {
                ref TimerEntry entry = ref _entries[index];
                int next = entry.SpokeNext;
                if (entry.DeadlineTick > nowTick)
                {
                    index = next;
                    continue;
                }

                uint nextGeneration = next >= 0 ? _entries[next].Generation : 0;
                TimerEntry copy = entry;
                Remove(index, ref sink.OwnerHead(copy.Owner));
                sink.Fire(in copy);
                fired++;

                // Rule 2: the saved next is only followed if the firing left it pending in this spoke.
                index = next >= 0 && (_entries[next].Generation != nextGeneration || _entries[next].Kind == TimerKind.Free)
                    ? _spokeHeads[spoke]
                    : next;
            }
        }

        return fired;
    }

    /// <summary>The earliest pending deadline tick, or <see cref="long.MaxValue"/> when none is pending.</summary>
    public long NextDeadlineTick()
    {
        if (ActiveCount == 0)
        {
            return long.MaxValue;
        }

        long rotationEnd = _currentTick + _spokeHeads.Length;
        for (long tick = _currentTick + 1; tick <= rotationEnd; tick++)
        {
            long best = long.MaxValue;
            for (int index = _spokeHeads[tick & _spokeMask]; index >= 0; index = _entries[index].SpokeNext)
            {
                best = Math.Min(best, _entries[index].DeadlineTick);
            }

            if (best <= tick)
            {
                return best;
            }
        }

        // Everything pending is at least a rotation away: take the minimum over all spokes.
        long min = long.MaxValue;
        foreach (int head in _spokeHeads)
        {
            for (int index = head; index >= 0; index = _entries[index].SpokeNext)
            {
                min = Math.Min(min, _entries[index].DeadlineTick);
            }
        }

        return min;
    }

    private void Remove(int index, ref int ownerHead)
    {
        ref TimerEntry entry = ref _entries[index];
        Debug.Assert(entry.Kind != TimerKind.Free, "removing a free timer entry");

        if (entry.SpokePrev >= 0)
        {
            _entries[entry.SpokePrev].SpokeNext = entry.SpokeNext;
        }
        else
        {
            _spokeHeads[entry.DeadlineTick & _spokeMask] = entry.SpokeNext;
        }

        if (entry.SpokeNext >= 0)
        {
            _entries[entry.SpokeNext].SpokePrev = entry.SpokePrev;
        }

        if (entry.OwnerPrev >= 0)
        {
            _entries[entry.OwnerPrev].OwnerNext = entry.OwnerNext;
        }
        else
        {
            ownerHead = entry.OwnerNext;
        }

        if (entry.OwnerNext >= 0)
        {
            _entries[entry.OwnerNext].OwnerPrev = entry.OwnerPrev;
        }

        entry.Kind = TimerKind.Free;
        entry.Owner = Handle.None;
        entry.Generation = entry.Generation == uint.MaxValue ? 1 : entry.Generation + 1;
        entry.SpokeNext = _freeHead;
        _freeHead = index;
        ActiveCount--;
    }
}
