using System;
using Tina.Diagnostics;
using Tina.Isolates;
using Tina.Memory;
using Tina.Messaging;

namespace Tina.Scheduling;

/// <summary>
/// The isolates of one shard that yielded after a remote send was refused with <see cref="SendResult.RingFull"/> and
/// now wait for room in that ring before they resume.
/// </summary>
/// <remarks>
/// <para>Waiting for room. A waiter resumes when its ring has a quarter of its capacity free (a low-water mark, so one
/// wait buys many sends), the target shard stops running, or <see cref="LimitNanoseconds"/> passes (a bound, so a held
/// ring cannot suspend a producer forever: it then retries and may wait again). Its mail is still dispatched
/// meanwhile.</para>
/// <para>Wake-up. While a ring has waiters its producer-waiting flag is set (<see cref="Add"/> sets it,
/// <see cref="Resume"/> clears it once the ring's last waiter left); the consumer reads the flag after each drain that
/// freed slots and wakes this shard. The park re-check (<see cref="Shard.HasPendingWork"/>) asks
/// <see cref="AnyReady"/> after the process-wide barrier, so no wake-up is lost.</para>
/// <para>Invariants. Owned by one shard; written and read only by its thread. At most one entry per isolate slot (the
/// caller lists an isolate only while it sets <see cref="IsolateFlags.Yielded"/>), so the arrays hold the shard's
/// slot count. An entry whose isolate lost the flag (exited) is dropped by the next <see cref="Resume"/>.</para>
/// </remarks>
internal sealed class RoomWaitList
{
    /// <summary>The longest a yielder waits for ring room before it is resumed anyway.</summary>
    internal const long LimitNanoseconds = 1_000_000;

    private readonly long[] _waiters;       // packed (type, slot)
    private readonly int[] _ring;           // the target shard whose ring refused it
    private readonly long[] _deadline;      // clock nanoseconds after which it resumes anyway
    private readonly SpscRing?[] _outbound; // the owning shard's user rings, [target shard]; filled at Connect
    private readonly ShardCounters _counters;
    private PaddedInt[] _peerStatus = Array.Empty<PaddedInt>(); // the peers' status cells (Shard.StatusCell)
    private int _count;

    /// <param name="capacity">The owning shard's slot count (at least 1).</param>
    /// <param name="outbound">The owning shard's outbound user rings; this list reads them and sets their
    /// producer-waiting flags, nothing else.</param>
    /// <param name="counters">The owning shard's counters (<see cref="ShardCounter.RoomWaits"/>).</param>
    public RoomWaitList(int capacity, SpscRing?[] outbound, ShardCounters counters)
    {
        _waiters = new long[capacity];
        _ring = new int[capacity];
        _deadline = new long[capacity];
        _outbound = outbound;
        _counters = counters;
    }

    /// <summary>Isolates waiting now.</summary>
    public int Count => _count;

    /// <summary>Wires the peers whose status ends a wait; called once at boot.</summary>
    public void Connect(Shard[] peers) => _peerStatus = Shard.StatusCellsOf(peers);

    /// <summary>Records a yielder that waits for room in the ring to <paramref name="targetShard"/>.</summary>
    public void Add(long packed, int targetShard, long nowNanoseconds)
    {
        _waiters[_count] = packed;
        _ring[_count] = targetShard;
        _deadline[_count] = nowNanoseconds + LimitNanoseconds;
        _count++;
        _outbound[targetShard]!.SetProducerWaiting(true);
        _counters.Increment(ShardCounter.RoomWaits);
    }

    /// <summary>Park re-check: a waiter whose ring has room now (or whose bound has passed).</summary>
    public bool AnyReady(long nowNanoseconds)
    {
        for (int i = 0; i < _count; i++)
        {
            if (IsReady(i, nowNanoseconds))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The earliest waiter bound, for the park's deadline; long.MaxValue when none waits.</summary>
    public long EarliestDeadline()
    {
        long earliest = long.MaxValue;
        for (int i = 0; i < _count; i++)
        {
            earliest = Math.Min(earliest, _deadline[i]);
        }

        return earliest;
    }

    /// <summary>Queues every waiter whose ring has room; keeps the rest and the rings' waiting flags in step.</summary>
    public void Resume(IsolateTable[] types, long nowNanoseconds)
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            long packed = _waiters[i];
            IsolateTable table = types[(int)(packed >> 32)];
            int slot = (int)packed;
            ref IsolateMeta meta = ref table.Meta[slot];
            if ((meta.Flags & IsolateFlags.Yielded) == 0)
            {
                continue; // exited (the flag is cleared at exit): nothing to resume
            }

            if (IsReady(i, nowNanoseconds))
            {
                meta.Flags &= ~IsolateFlags.Yielded;
                table.Schedule(slot);
                continue;
            }

            _waiters[kept] = packed;
            _ring[kept] = _ring[i];
            _deadline[kept] = _deadline[i];
            kept++;
        }

        _count = kept;
        for (int target = 0; target < _outbound.Length; target++)
        {
            SpscRing? ring = _outbound[target];
            if (ring is not null && ring.ProducerWaiting && !HasWaiterOn(target))
            {
                ring.SetProducerWaiting(false);
            }
        }
    }

    private bool IsReady(int index, long now)
    {
        int target = _ring[index];
        SpscRing ring = _outbound[target]!;
        return now >= _deadline[index]
            || Shard.ReadStatus(_peerStatus[target]) != ShardStatus.Running
            || ring.FreeSpace() >= Math.Max(1, ring.Capacity / 4);
    }

    private bool HasWaiterOn(int target)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_ring[i] == target)
            {
                return true;
            }
        }

        return false;
    }
}
