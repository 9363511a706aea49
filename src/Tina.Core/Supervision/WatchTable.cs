using System.Diagnostics;

namespace Tina.Supervision;

/// <summary>
/// A shard's preallocated watch entries: each says "tell <c>Watcher</c> when <c>Target</c> (an isolate of this shard)
/// exits". Shard-thread only.
/// </summary>
/// <remarks>
/// <para>Every used entry is on its target's chain (head in the target's metadata, <c>WatchHead</c>). An entry whose
/// watcher lives on this shard is also on the watcher's chain (head in the watcher's metadata, <c>WatchingHead</c>), so
/// the watcher's exit and <c>Unwatch</c> find its entries without a scan; an entry of a remote watcher is on no
/// watcher chain (<see cref="Untracked"/>). Both chains are doubly linked, so an entry leaves either in O(1).</para>
/// <para>Invariants: free + used = capacity; an entry is used iff its watcher is not none; a tracked entry's target
/// and watcher are both live (entries leave both chains when either exits).</para>
/// </remarks>
internal sealed class WatchTable
{
    /// <summary>The watcher-chain link of an entry whose watcher is on another shard.</summary>
    private const int Untracked = -2;

    private readonly Handle[] _watchers;     // None while free
    private readonly Handle[] _targets;
    private readonly int[] _targetNext;      // target chain while used; free list while free
    private readonly int[] _targetPrev;      // -1 = first of its chain
    private readonly int[] _watcherNext;     // watcher chain (-1 = last), or Untracked
    private readonly int[] _watcherPrev;     // -1 = first of its chain, or Untracked
    private int _freeHead;

    public WatchTable(int capacity)
    {
        _watchers = new Handle[capacity];
        _targets = new Handle[capacity];
        _targetNext = new int[capacity];
        _targetPrev = new int[capacity];
        _watcherNext = new int[capacity];
        _watcherPrev = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _targetNext[i] = i + 1 < capacity ? i + 1 : -1;
        }

        _freeHead = capacity > 0 ? 0 : -1;
    }

    public int Capacity => _watchers.Length;

    public int InUse { get; private set; }

    public bool IsFull => _freeHead < 0;

    /// <summary>
    /// Adds an entry to the target's chain and, when <paramref name="trackWatcher"/> (the watcher lives on this shard),
    /// to the watcher's chain. Returns its index, or -1 when the table is full.
    /// </summary>
    public int TryAdd(Handle target, ref int targetHead, Handle watcher, ref int watcherHead, bool trackWatcher)
    {
        Debug.Assert(!watcher.IsNone, "a watch without a watcher");
        int index = _freeHead;
        if (index < 0)
        {
            return -1;
        }

        _freeHead = _targetNext[index];
        _watchers[index] = watcher;
        _targets[index] = target;
        Push(index, ref targetHead, _targetNext, _targetPrev);
        if (trackWatcher)
        {
            Push(index, ref watcherHead, _watcherNext, _watcherPrev);
        }
        else
        {
            _watcherNext[index] = Untracked;
            _watcherPrev[index] = Untracked;
        }

        InUse++;
        return index;
    }

    /// <summary>
    /// Unlinks a used entry from both its chains and frees it. <paramref name="watcherHead"/> is the watcher's chain
    /// head for a tracked entry and is not touched for an untracked one.
    /// </summary>
    public void Remove(int index, ref int targetHead, ref int watcherHead)
    {
        Debug.Assert(!_watchers[index].IsNone, "removing a free entry");
        Unlink(index, ref targetHead, _targetNext, _targetPrev);
        if (_watcherNext[index] != Untracked)
        {
            Unlink(index, ref watcherHead, _watcherNext, _watcherPrev);
        }

        _watchers[index] = Handle.None;
        _targets[index] = Handle.None;
        _watcherNext[index] = Untracked;
        _watcherPrev[index] = Untracked;
        _targetNext[index] = _freeHead;
        _freeHead = index;
        InUse--;
    }

    public bool IsUsed(int index) => !_watchers[index].IsNone;

    public bool IsTracked(int index) => _watcherNext[index] != Untracked;

    public Handle WatcherAt(int index) => _watchers[index];

    public Handle TargetAt(int index) => _targets[index];

    public int NextOfTarget(int index) => _targetNext[index];

    public int NextOfWatcher(int index) => _watcherNext[index];

    private static void Push(int index, ref int head, int[] next, int[] prev)
    {
        next[index] = head;
        prev[index] = -1;
        if (head >= 0)
        {
            prev[head] = index;
        }

        head = index;
    }

    private static void Unlink(int index, ref int head, int[] next, int[] prev)
    {
        int before = prev[index];
        int after = next[index];
        if (before >= 0)
        {
            next[before] = after;
        }
        else
        {
            Debug.Assert(head == index, "first of a chain that does not start with it");
            head = after;
        }

        if (after >= 0)
        {
            prev[after] = before;
        }
    }
}
