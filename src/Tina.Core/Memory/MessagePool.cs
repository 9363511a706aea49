using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Tina.Memory;

/// <summary>
/// A shard's preallocated message envelopes and their free list. Owned by one shard thread; no synchronisation.
/// </summary>
/// <remarks>
/// Invariants: <c>FreeCount + used = Capacity</c>, where used is the number of envelopes held by mailboxes
/// (checked by the simulator). User sends may take a slot only while more than <see cref="Reserve"/> slots are
/// free; the reserve (<c>max(1, capacity / 100)</c>, in integers) carries system traffic (timer firings, spawn start
/// messages arriving cross-shard, call failures) when users have drained the pool. The free list is LIFO so the
/// hottest envelopes stay in cache.
/// </remarks>
internal sealed class MessagePool
{
    private readonly int[] _free;       // stack of free slot indices; [0, _freeCount) are free
    private int _freeCount;             // shard-thread only

    public MessagePool(int capacity)
    {
        Debug.Assert(capacity > 1, "validated by the boot spec");
        Slots = new Message[capacity];
        _free = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _free[i] = capacity - 1 - i;
        }

        _freeCount = capacity;
        Reserve = ComputeReserve(capacity);
    }

    /// <summary>The envelopes; an index from a rent stays valid until it is returned.</summary>
    public Message[] Slots { get; }

    public int Capacity => Slots.Length;

    /// <summary>Slots only system traffic may take.</summary>
    public int Reserve { get; }

    public int FreeCount => _freeCount;

    /// <summary>The system reserve for a pool of <paramref name="capacity"/>: 1 % in integers, at least one slot.</summary>
    public static int ComputeReserve(int capacity) => capacity / 100 > 1 ? capacity / 100 : 1;

    /// <summary>Takes a slot for user traffic, or -1 when only the reserve is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TryRentUser()
    {
        int count = _freeCount;
        if (count <= Reserve)
        {
            return -1;
        }

        _freeCount = count - 1;
        return _free[count - 1];
    }

    /// <summary>Takes any free slot, reserve included, or -1 when the pool is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TryRentSystem()
    {
        int count = _freeCount;
        if (count == 0)
        {
            return -1;
        }

        _freeCount = count - 1;
        return _free[count - 1];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Return(int index)
    {
        Debug.Assert((uint)index < (uint)Slots.Length, "returned index out of range");
        Debug.Assert(_freeCount < _free.Length, "more returns than rents");
        _free[_freeCount++] = index;
    }
}
