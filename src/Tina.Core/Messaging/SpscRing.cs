using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Tina.Messaging;

/// <summary>
/// A bounded single-producer/single-consumer ring of envelopes between two shards, published in batches.
/// </summary>
/// <remarks>
/// <para>Ownership. Exactly one thread (the producing shard) calls <see cref="TryClaim"/>,
/// <see cref="Publish"/> and <see cref="PendingCount"/>; exactly one thread (the consuming shard) calls
/// <see cref="BeginRead"/>, <see cref="ReadAt"/> and <see cref="EndRead"/>. <see cref="HasPublished"/> may be called
/// by the consumer or by a thread deciding whether to park it.</para>
/// <para>Memory ordering. Two release/acquire pairs carry everything:
/// (1) the producer writes envelopes into slots, then <c>Volatile.Write(_publishedTail)</c> (release); the consumer's
/// <c>Volatile.Read(_publishedTail)</c> (acquire) makes every envelope below that tail visible.
/// (2) the consumer reads envelopes, then <c>Volatile.Write(_publishedHead)</c> (release); the producer's
/// <c>Volatile.Read(_publishedHead)</c> (acquire) guarantees those reads finished before it overwrites the slots.
/// Each side keeps a cached copy of the other side's index so it touches the shared line only when its cached
/// view says full (producer) or empty (consumer).</para>
/// <para>Batching. A claimed envelope is invisible to the consumer until <see cref="Publish"/>; the shard publishes
/// every dirty ring once per tick. Unpublished claims still count against capacity.</para>
/// <para>Layout. Each side's private fields and each published index sit on their own 128-byte block (explicit
/// offsets below) so the two cores never write to the same line or its prefetch pair.</para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 640)]
internal sealed class SpscRing
{
    // ---- cold, read-only after construction (both sides) ----
    [FieldOffset(0)] private readonly Message[] _buffer;
    [FieldOffset(8)] private readonly long _mask;

    // ---- producer-private (written and read only by the producer thread) ----
    [FieldOffset(128)] private long _producerTail;        // next sequence to claim
    [FieldOffset(136)] private long _producerCachedHead;  // last _publishedHead the producer read
    [FieldOffset(144)] private long _producerLastPublished; // last value stored to _publishedTail

    // ---- published tail: written by the producer (release), read by the consumer (acquire) ----
    [FieldOffset(256)] private long _publishedTail;

    // ---- producer-waiting flag: written by the producer (rarely: when a yielder starts or stops waiting for room),
    // read by the consumer after each EndRead that freed slots, so it can wake a parked producer. Same block as the
    // tail the consumer already reads. The producer's park re-check follows a process-wide barrier
    // (ShardSignal.PrepareToPark), so either it sees the consumer's new head or the consumer sees this flag. ----
    [FieldOffset(264)] private int _producerWaiting;

    // ---- consumer-private (written and read only by the consumer thread) ----
    [FieldOffset(384)] private long _consumerHead;        // next sequence to read
    [FieldOffset(392)] private long _consumerCachedTail;  // last _publishedTail the consumer read

    // ---- published head: written by the consumer (release), read by the producer (acquire) ----
    [FieldOffset(512)] private long _publishedHead;

    [FieldOffset(632)] private long _endPadding;

    public SpscRing(int capacity)
    {
        Debug.Assert(capacity >= 2 && (capacity & (capacity - 1)) == 0, "capacity must be a power of two (validated by the spec)");
        _buffer = new Message[capacity];
        _mask = capacity - 1;
        _endPadding = 0;
    }

    public int Capacity => _buffer.Length;

    /// <summary>Producer: claims the next slot to write in place, or returns a null ref when the ring is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Message TryClaim()
    {
        long tail = _producerTail;
        if (tail - _producerCachedHead >= _buffer.Length && !RefreshHead(tail))
        {
            return ref Unsafe.NullRef<Message>();
        }

        _producerTail = tail + 1;
        return ref _buffer[tail & _mask];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RefreshHead(long tail)
    {
        // Acquire: pairs with the consumer's release in EndRead; slots below the head are no longer read.
        _producerCachedHead = Volatile.Read(ref _publishedHead);
        return tail - _producerCachedHead < _buffer.Length;
    }

    /// <summary>Producer: slots free now (refreshes its view of the consumer's head).</summary>
    public int FreeSpace()
    {
        long tail = _producerTail;
        RefreshHead(tail);
        return (int)(_buffer.Length - (tail - _producerCachedHead));
    }

    /// <summary>Producer: announce (or withdraw) that something on the producing shard waits for room in this ring.</summary>
    public void SetProducerWaiting(bool waiting) => Volatile.Write(ref _producerWaiting, waiting ? 1 : 0);

    /// <summary>Consumer: true when the producer waits for room (wake it after freeing slots).</summary>
    public bool ProducerWaiting => Volatile.Read(ref _producerWaiting) != 0;

    /// <summary>Producer: claimed but not yet published envelopes.</summary>
    public long PendingCount => _producerTail - _producerLastPublished;

    /// <summary>Producer: makes every claimed envelope visible to the consumer. Returns false when none were pending.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Publish()
    {
        long tail = _producerTail;
        if (tail == _producerLastPublished)
        {
            return false;
        }

        _producerLastPublished = tail;
        // Release: every envelope written into a claimed slot is visible before the new tail is.
        Volatile.Write(ref _publishedTail, tail);
        return true;
    }

    /// <summary>Consumer: the number of published envelopes ready to read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int BeginRead()
    {
        long head = _consumerHead;
        if (_consumerCachedTail == head)
        {
            // Acquire: pairs with the producer's release in Publish.
            _consumerCachedTail = Volatile.Read(ref _publishedTail);
        }

        return (int)(_consumerCachedTail - head);
    }

    /// <summary>Consumer: the <paramref name="offset"/>-th unread envelope (0 ≤ offset &lt; BeginRead()).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Message ReadAt(int offset) => ref _buffer[(_consumerHead + offset) & _mask];

    /// <summary>Consumer: releases <paramref name="count"/> read envelopes back to the producer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndRead(int count)
    {
        Debug.Assert(count >= 0 && _consumerHead + count <= _consumerCachedTail, "reading past the published tail");
        if (count == 0)
        {
            return;
        }

        _consumerHead += count;
        // Release: our reads of those slots happen before the producer may reuse them.
        Volatile.Write(ref _publishedHead, _consumerHead);
    }

    /// <summary>
    /// Simulation only, with both sides driven by the calling thread and no tick in progress: envelopes claimed by
    /// the producer and not yet released by the consumer (published or not).
    /// </summary>
    public int InFlightCountUnsynchronized => (int)(_producerTail - _consumerHead);

    /// <summary>
    /// Simulation only (see <see cref="InFlightCountUnsynchronized"/>): the <paramref name="offset"/>-th envelope in
    /// flight, oldest first.
    /// </summary>
    public ref Message PeekInFlightUnsynchronized(int offset)
    {
        Debug.Assert((uint)offset < (uint)InFlightCountUnsynchronized, "peeking past the producer's tail");
        return ref _buffer[(_consumerHead + offset) & _mask];
    }

    /// <summary>Any thread: true when the producer has published envelopes the consumer has not released.</summary>
    public bool HasPublished() => Volatile.Read(ref _publishedTail) != Volatile.Read(ref _publishedHead);
}
