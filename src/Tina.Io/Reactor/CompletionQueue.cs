using System;
using System.Diagnostics;
using System.Numerics;

namespace Tina.Io.Reactor;

/// <summary>
/// A FIFO of completions a backend made itself and hands out at its next Collect: epoll's readiness-driven
/// operations, io_uring's synthetic answers to submissions it refused, the simulated network's per-shard queues. A
/// power-of-two ring that doubles when full, so it grows only to its high-water mark; a bounded user checks
/// <see cref="Count"/> before <see cref="Enqueue"/>. Not thread-safe: its owner serialises access.
/// </summary>
internal sealed class CompletionQueue
{
    private IoCompletionEntry[] _items;
    private int _head;

    public CompletionQueue(int initialCapacity)
    {
        _items = new IoCompletionEntry[(int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, initialCapacity))];
    }

    /// <summary>Completions waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Slots before the queue grows.</summary>
    public int Capacity => _items.Length;

    public void Enqueue(in IoCompletionEntry entry)
    {
        if (Count == _items.Length)
        {
            Grow();
        }

        _items[(_head + Count) & (_items.Length - 1)] = entry;
        Count++;
    }

    /// <summary>Moves the oldest completions into <paramref name="destination"/>; returns how many.</summary>
    public int Drain(Span<IoCompletionEntry> destination)
    {
        int count = Math.Min(Count, destination.Length);
        int mask = _items.Length - 1;
        for (int i = 0; i < count; i++)
        {
            destination[i] = _items[(_head + i) & mask];
        }

        _head = (_head + count) & mask;
        Count -= count;
        Debug.Assert(Count >= 0, "drained no more than was queued");
        return count;
    }

    private void Grow()
    {
        var larger = new IoCompletionEntry[_items.Length * 2];
        int mask = _items.Length - 1;
        for (int i = 0; i < Count; i++)
        {
            larger[i] = _items[(_head + i) & mask];
        }

        _items = larger;
        _head = 0;
    }
}
