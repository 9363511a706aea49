using System.Diagnostics;

namespace Tina.Supervision;

/// <summary>
/// A shard's preallocated watch entries: each says "tell <c>Watcher</c> when <c>Target</c> (an isolate of this shard)
/// exits". Entries of one target are chained from its metadata; a watch fires once and is freed. Shard-thread only.
/// </summary>
internal sealed class WatchTable
{
    private readonly Handle[] _watchers;
    private readonly int[] _next;        // chain per target while used; free list while free
    private int _freeHead;

    public WatchTable(int capacity)
    {
        _watchers = new Handle[capacity];
        _next = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _next[i] = i + 1 < capacity ? i + 1 : -1;
        }

        _freeHead = capacity > 0 ? 0 : -1;
    }

    public int Capacity => _watchers.Length;

    public int InUse { get; private set; }

    /// <summary>Adds a watcher to a target's chain; false when the table is full.</summary>
    public bool TryAdd(ref int targetHead, Handle watcher)
    {
        int index = _freeHead;
        if (index < 0)
        {
            return false;
        }

        _freeHead = _next[index];
        _watchers[index] = watcher;
        _next[index] = targetHead;
        targetHead = index;
        InUse++;
        return true;
    }

    /// <summary>Takes the first watcher off a target's chain; false when the chain is empty.</summary>
    public bool TryTake(ref int targetHead, out Handle watcher)
    {
        int index = targetHead;
        if (index < 0)
        {
            watcher = Handle.None;
            return false;
        }

        Debug.Assert(InUse > 0, "chain entry in an empty table");
        watcher = _watchers[index];
        targetHead = _next[index];
        _watchers[index] = Handle.None;
        _next[index] = _freeHead;
        _freeHead = index;
        InUse--;
        return true;
    }
}
