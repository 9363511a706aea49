using System;
using Tina.Isolates;
using Tina.Messaging;

namespace Tina.Scheduling;

/// <remarks>
/// <para>Waiting for room. An isolate that returns <see cref="Effect.Yield"/> in an invocation whose last remote send
/// was refused with <see cref="SendResult.RingFull"/> does not resume on the next tick: it waits until that ring
/// has a quarter of its capacity free (a low-water mark, so one wait buys many sends), the target shard stops
/// running, or <see cref="RoomWaitLimitNanoseconds"/> passes (a bound, so a held ring cannot suspend a producer
/// forever: it then retries and may wait again). Its mail is still dispatched meanwhile.</para>
/// <para>Wake-up. While a ring has waiters its producer-waiting flag is set; the consumer reads the flag after
/// each drain that freed slots and wakes this shard. The park re-check (<see cref="HasPendingWork"/>) asks
/// <see cref="AnyRoomWaiterReady"/> after the process-wide barrier, so no wake-up is lost.</para>
/// <para>State. Written and read only by this shard's thread. At most one entry per slot (the
/// <see cref="IsolateFlags.Yielded"/> flag), so the arrays hold the shard's slot count.</para>
/// </remarks>
internal sealed partial class Shard
{
    /// <summary>The longest a yielder waits for ring room before it is resumed anyway.</summary>
    internal const long RoomWaitLimitNanoseconds = 1_000_000;

    private long[] _roomWaiters = Array.Empty<long>();      // packed (type, slot)
    private int[] _roomWaiterRing = Array.Empty<int>();      // the target shard whose ring refused it
    private long[] _roomWaiterDeadline = Array.Empty<long>(); // clock nanoseconds after which it resumes anyway
    private int _roomWaiterCount;
    private int _refusedRing = -1;  // target shard of the current invocation's last RingFull refusal, or -1

    private void AllocateRoomWaiters(int totalSlots)
    {
        _roomWaiters = new long[totalSlots];
        _roomWaiterRing = new int[totalSlots];
        _roomWaiterDeadline = new long[totalSlots];
    }

    /// <summary>Records a yielder that waits for room in the ring to <paramref name="targetShard"/>.</summary>
    private void AddRoomWaiter(long packed, int targetShard)
    {
        _roomWaiters[_roomWaiterCount] = packed;
        _roomWaiterRing[_roomWaiterCount] = targetShard;
        _roomWaiterDeadline[_roomWaiterCount] = _nowNanoseconds + RoomWaitLimitNanoseconds;
        _roomWaiterCount++;
        _outbound[targetShard]!.SetProducerWaiting(true);
        Counters.Increment(ShardCounter.RoomWaits);
    }

    private bool IsRoomReady(int index, long now)
    {
        int target = _roomWaiterRing[index];
        SpscRing ring = _outbound[target]!;
        return now >= _roomWaiterDeadline[index]
            || _peers[target].Status != ShardStatus.Running
            || ring.FreeSpace() >= Math.Max(1, ring.Capacity / 4);
    }

    /// <summary>Park re-check: a waiter whose ring has room now (or whose bound has passed).</summary>
    private bool AnyRoomWaiterReady()
    {
        long now = _clock.NowNanoseconds;
        for (int i = 0; i < _roomWaiterCount; i++)
        {
            if (IsRoomReady(i, now))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The earliest waiter bound, for the park's deadline; long.MaxValue when none waits.</summary>
    private long EarliestRoomWaitDeadline()
    {
        long earliest = long.MaxValue;
        for (int i = 0; i < _roomWaiterCount; i++)
        {
            earliest = Math.Min(earliest, _roomWaiterDeadline[i]);
        }

        return earliest;
    }

    /// <summary>Queues every waiter whose ring has room; keeps the rest and the rings' waiting flags in step.</summary>
    private void ResumeRoomWaiters()
    {
        int kept = 0;
        for (int i = 0; i < _roomWaiterCount; i++)
        {
            long packed = _roomWaiters[i];
            IsolateTable table = _types[(int)(packed >> 32)];
            int slot = (int)packed;
            ref IsolateMeta meta = ref table.Meta[slot];
            if ((meta.Flags & IsolateFlags.Yielded) == 0)
            {
                continue; // exited (the flag is cleared at exit): nothing to resume
            }

            if (IsRoomReady(i, _nowNanoseconds))
            {
                meta.Flags &= ~IsolateFlags.Yielded;
                table.Schedule(slot);
                continue;
            }

            _roomWaiters[kept] = packed;
            _roomWaiterRing[kept] = _roomWaiterRing[i];
            _roomWaiterDeadline[kept] = _roomWaiterDeadline[i];
            kept++;
        }

        _roomWaiterCount = kept;
        for (int target = 0; target < _outbound.Length; target++)
        {
            SpscRing? ring = _outbound[target];
            if (ring is not null && ring.ProducerWaiting && !HasRoomWaiterOn(target))
            {
                ring.SetProducerWaiting(false);
            }
        }
    }

    private bool HasRoomWaiterOn(int target)
    {
        for (int i = 0; i < _roomWaiterCount; i++)
        {
            if (_roomWaiterRing[i] == target)
            {
                return true;
            }
        }

        return false;
    }
}
