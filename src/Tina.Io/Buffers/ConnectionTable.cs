using System.Diagnostics;

namespace Tina.Io.Buffers;

/// <summary>
/// A shard's connection table: a fixed array of entries sized from <see cref="IoOptions.ConnectionCapacity"/>, with a
/// LIFO free list. Handles name entries by (index, generation); see <see cref="SocketHandle"/>.
/// </summary>
/// <remarks>Invariants: free + live = capacity; an entry is on the free list iff its state is Free; generations are
/// never 0 and only move forward. Shard-thread only.</remarks>
internal sealed class ConnectionTable
{
    private readonly Connection[] _entries;
    private int _freeHead;      // first free entry, -1 when full
    private int _freeCount;

    public ConnectionTable(int capacity)
    {
        _entries = new Connection[capacity];
        for (int i = 0; i < capacity; i++)
        {
            ref Connection c = ref _entries[i];
            c.Generation = 1;
            c.Descriptor = -1;
            c.Owner = Handle.None;
            c.OwnerNext = -1;
            c.OwnerPrevious = -1;
            c.StashBuffer = -1;
            c.Read.Reset();
            c.Write.Reset();
            c.NextFree = i + 1 < capacity ? i + 1 : -1;
        }

        _freeHead = capacity > 0 ? 0 : -1;
        _freeCount = capacity;
    }

    public int Capacity => _entries.Length;

    public int FreeCount => _freeCount;

    public int LiveCount => _entries.Length - _freeCount;

    public ref Connection this[int index] => ref _entries[index];

    /// <summary>Takes a free entry (state still Free: the caller sets it). False when the table is full.</summary>
    public bool TryAllocate(out int index)
    {
        index = _freeHead;
        if (index < 0)
        {
            return false;
        }

        ref Connection c = ref _entries[index];
        Debug.Assert(c.State == ConnectionState.Free, "free-list entries are free");
        _freeHead = c.NextFree;
        c.NextFree = -1;
        _freeCount--;
        return true;
    }

    /// <summary>Returns an entry to the free list. Its generation must already differ from every handle given out.</summary>
    public void Free(int index)
    {
        ref Connection c = ref _entries[index];
        Debug.Assert(c.State != ConnectionState.Free, "double free");
        Debug.Assert(c.Read.State == LaneState.Idle && c.Write.State == LaneState.Idle, "no operation in flight");
        c.State = ConnectionState.Free;
        c.Descriptor = -1;
        c.Owner = Handle.None;
        c.OwnerNext = -1;
        c.OwnerPrevious = -1;
        c.CloseDone = false;
        c.StashEndOfStream = false;
        c.Closer = Handle.None;
        c.CloseToken = 0;
        c.Read.Reset();
        c.Write.Reset();
        c.NextFree = _freeHead;
        _freeHead = index;
        _freeCount++;
    }

    /// <summary>Moves an entry's generation on (never to 0): every handle made so far becomes stale.</summary>
    public static uint NextGeneration(uint generation) => generation + 1 == 0 ? 1 : generation + 1;

    /// <summary>Entries in one state (tests and diagnostics; walks the table).</summary>
    public int CountInState(ConnectionState state)
    {
        int count = 0;
        foreach (Connection c in _entries)
        {
            count += c.State == state ? 1 : 0;
        }

        return count;
    }

    /// <summary>Checks free + live = capacity against the states (tests).</summary>
    public bool CheckInvariants()
    {
        int free = 0;
        for (int i = _freeHead; i >= 0; i = _entries[i].NextFree)
        {
            if (_entries[i].State != ConnectionState.Free || ++free > _entries.Length)
            {
                return false;
            }
        }

        int freeStates = 0;
        foreach (Connection c in _entries)
        {
            freeStates += c.State == ConnectionState.Free ? 1 : 0;
        }

        return free == _freeCount && freeStates == _freeCount;
    }
}
