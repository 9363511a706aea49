using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Threading;

namespace Tina.Messaging;

/// <summary>
/// A bounded single-producer/single-consumer ring of envelopes between two shards, published in batches, stored as
/// 64-byte lines so an envelope moves only the cache lines its header and payload need.
/// </summary>
/// <remarks>
/// <para>Ownership. Exactly one thread (the producing shard) calls <see cref="TryClaim"/>,
/// <see cref="Publish"/> and <see cref="PendingCount"/>; exactly one thread (the consuming shard) calls
/// <see cref="BeginRead"/>, <see cref="ReadAt"/>, <see cref="EndRead"/> and <see cref="PollPublished"/> (it reads the
/// consumer's private head). <see cref="HasPublished"/> may be called by the consumer or by any other thread.</para>
/// <para>Capacity. <c>capacity N</c> means N envelopes of any size, exactly as before. The storage is 2N lines
/// (64-byte aligned, pinned) plus one guard line: an envelope whose payload is at most
/// <see cref="SmallPayloadMax"/> bytes takes one line (32-byte header + payload), a larger one two consecutive lines.
/// Because at most N-1 envelopes are in flight when a claim succeeds, at least two lines are always free at the
/// tail, so a claim never has to wait for lines, only for the envelope count, and the writer may write a whole
/// 128-byte <see cref="Message"/> at the claimed line (the second line is free space it does not own yet).
/// Wrap-around: an entry starting at the last line continues into the guard line after it, so every entry is
/// contiguous and no skip marker is needed; the line after the guard (line 0 of the next lap) is then simply part
/// of that entry's two lines.</para>
/// <para>Entry size. Both sides derive an entry's lines from its header's <c>PayloadLength</c>: the producer when it
/// seals the entry (at the next claim or at <see cref="Publish"/>, always before the release), the consumer when it
/// walks past the entry (before handing it out, so a handler mutating the envelope cannot desynchronise the walk).
/// Every payload writer sets <c>PayloadLength</c>; a header-only envelope with a stale length only costs a line.</para>
/// <para>Memory ordering. Two release/acquire pairs carry everything:
/// (1) the producer writes envelopes into lines, then <c>Volatile.Write(_publishedTail)</c> (release); the consumer's
/// <c>Volatile.Read(_publishedTail)</c> (acquire) makes every envelope below that tail visible.
/// (2) the consumer reads envelopes, then <c>Volatile.Write(_publishedHead)</c> (release); the producer's
/// <c>Volatile.Read(_publishedHead)</c> (acquire) guarantees those reads finished before it overwrites the lines.
/// Both indices count envelopes, not lines; each side keeps its own line position privately. Each side keeps a
/// cached copy of the other side's index so it touches the shared line only when its cached view says full
/// (producer) or empty (consumer).</para>
/// <para>Batching. A claimed envelope is invisible to the consumer until <see cref="Publish"/>; the shard publishes
/// every dirty ring once per tick. Unpublished claims still count against capacity.</para>
/// <para>Layout. Each side's private fields and each published index sit on their own 128-byte block (explicit
/// offsets below) so the two cores never write to the same line or its prefetch pair.</para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 640)]
internal sealed class SpscRing
{
    /// <summary>Bytes in one ring line (one cache line).</summary>
    public const int LineBytes = Message.LineBytes;

    /// <summary>Envelope header bytes (everything before <see cref="Message.Payload"/>).</summary>
    public const int HeaderBytes = Message.HeaderBytes;

    /// <summary>Largest payload that fits one line with its header.</summary>
    public const int SmallPayloadMax = Message.OneLinePayloadMax;

    // ---- cold, read-only after construction (both sides) ----
    [FieldOffset(0)] private readonly byte[] _storage;    // pinned; 2N lines + guard + alignment slack
    [FieldOffset(8)] private readonly long _baseOffset;   // bytes from the array's first element to line 0 (64-aligned)
    [FieldOffset(16)] private readonly long _lineMask;    // 2N - 1
    [FieldOffset(24)] private readonly int _capacity;     // N envelopes

    // ---- producer-private (written and read only by the producer thread) ----
    [FieldOffset(128)] private long _producerTail;        // next envelope sequence to claim
    [FieldOffset(136)] private long _producerCachedHead;  // last _publishedHead the producer read
    [FieldOffset(144)] private long _producerLastPublished; // last value stored to _publishedTail
    [FieldOffset(152)] private long _producerLine;        // line sequence of the next claim (or of the unsealed one)
    [FieldOffset(160)] private bool _producerUnsealed;    // the entry at _producerLine is claimed, its size not yet added

    // ---- published tail: written by the producer (release), read by the consumer (acquire) ----
    [FieldOffset(256)] private long _publishedTail;

    // ---- producer-waiting flag: written by the producer (rarely: when a yielder starts or stops waiting for room),
    // read by the consumer after each EndRead that freed slots, so it can wake a parked producer. Same block as the
    // tail the consumer already reads. The producer's park re-check follows a process-wide barrier
    // (ShardSignal.PrepareToPark), so either it sees the consumer's new head or the consumer sees this flag. ----
    [FieldOffset(264)] private int _producerWaiting;

    // ---- consumer-private (written and read only by the consumer thread) ----
    [FieldOffset(384)] private long _consumerHead;        // next envelope sequence to read
    [FieldOffset(392)] private long _consumerCachedTail;  // last _publishedTail the consumer read
    [FieldOffset(400)] private long _consumerLine;        // line sequence of the envelope at _consumerHead
    [FieldOffset(408)] private long _readLine;            // read cursor: line sequence of the envelope at _readOffset
    [FieldOffset(416)] private long _readNextLine;        // line sequence after it, or -1 when not derived yet
    [FieldOffset(424)] private int _readOffset;           // read cursor: envelopes past _consumerHead

    // ---- published head: written by the consumer (release), read by the producer (acquire) ----
    [FieldOffset(512)] private long _publishedHead;

    // ---- simulation-only peek cursor (single thread drives both sides; see PeekInFlightUnsynchronized) ----
    [FieldOffset(576)] private long _peekBaseHead;
    [FieldOffset(584)] private long _peekLine;
    [FieldOffset(592)] private int _peekOffset;

    [FieldOffset(632)] private long _endPadding;

    public SpscRing(int capacity)
    {
        Debug.Assert(capacity >= 2 && (capacity & (capacity - 1)) == 0, "capacity must be a power of two (validated by the spec)");
        int lines = 2 * capacity;
        // Pinned so the 64-byte alignment computed here stays true; +1 guard line for an entry starting at the last line.
        _storage = GC.AllocateArray<byte>(((lines + 1) * LineBytes) + LineBytes - 1, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_storage, 0).ToInt64();
        _baseOffset = (LineBytes - (address & (LineBytes - 1))) & (LineBytes - 1);
        _lineMask = lines - 1;
        _capacity = capacity;
        _readNextLine = -1;
        _peekBaseHead = -1;
        _endPadding = 0;
    }

    public int Capacity => _capacity;

    /// <summary>Lines an envelope with this header takes in the ring (1 or 2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LinesOf(in Message envelope) => envelope.PayloadLength <= SmallPayloadMax ? 1 : 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Message EntryAt(long lineSequence)
    {
        nint offset = (nint)(_baseOffset + ((lineSequence & _lineMask) * LineBytes));
        return ref Unsafe.As<byte, Message>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_storage), offset));
    }

    /// <summary>
    /// Producer: claims the next entry to write in place, or returns a null ref when the ring is full. The whole
    /// 128-byte envelope may be written; the entry takes one line when its <c>PayloadLength</c> is at most
    /// <see cref="SmallPayloadMax"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Message TryClaim()
    {
        long tail = _producerTail;
        if (tail - _producerCachedHead >= _capacity && !RefreshHead(tail))
        {
            return ref Unsafe.NullRef<Message>();
        }

        Seal();
        _producerTail = tail + 1;
        _producerUnsealed = true;
        return ref EntryAt(_producerLine);
    }

    /// <summary>Producer: adds the last claimed entry's lines to the line position (its header is written by now).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Seal()
    {
        if (_producerUnsealed)
        {
            _producerLine += LinesOf(in EntryAt(_producerLine));
            _producerUnsealed = false;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RefreshHead(long tail)
    {
        // Acquire: pairs with the consumer's release in EndRead; lines below the head are no longer read.
        _producerCachedHead = Volatile.Read(ref _publishedHead);
        return tail - _producerCachedHead < _capacity;
    }

    /// <summary>Producer: envelopes that can be claimed now (refreshes its view of the consumer's head).</summary>
    public int FreeSpace()
    {
        long tail = _producerTail;
        RefreshHead(tail);
        return (int)(_capacity - (tail - _producerCachedHead));
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

        // Seal before the release: once published, the consumer may mutate the envelope in place.
        Seal();
        _producerLastPublished = tail;
        // Release: every envelope written into a claimed entry is visible before the new tail is.
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

    /// <summary>
    /// Consumer: the <paramref name="offset"/>-th unread envelope (0 ≤ offset &lt; BeginRead()). Reading in
    /// ascending order (the drains do) walks each entry once; a smaller offset restarts the walk at the head.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Message ReadAt(int offset)
    {
        Debug.Assert(offset >= 0 && _consumerHead + offset < _consumerCachedTail, "reading past the published tail");
        if (offset != _readOffset)
        {
            MoveReadCursor(offset);
        }

        ref Message envelope = ref EntryAt(_readLine);
        if (_readNextLine < 0)
        {
            // Derived before the handler sees the envelope, so a mutation of it cannot move the walk.
            _readNextLine = _readLine + LinesOf(in envelope);
        }

        return ref envelope;
    }

    /// <summary>Consumer: moves the read cursor to <paramref name="offset"/> without reading the entry there.</summary>
    private void MoveReadCursor(int offset)
    {
        if (offset < _readOffset)
        {
            _readOffset = 0;
            _readLine = _consumerLine;
            _readNextLine = -1;
        }

        while (_readOffset < offset)
        {
            _readLine = _readNextLine >= 0 ? _readNextLine : _readLine + LinesOf(in EntryAt(_readLine));
            _readNextLine = -1;
            _readOffset++;
        }
    }

    /// <summary>Consumer: releases <paramref name="count"/> read envelopes back to the producer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndRead(int count)
    {
        Debug.Assert(count >= 0 && _consumerHead + count <= _consumerCachedTail, "reading past the published tail");
        if (count == 0)
        {
            return;
        }

        if (count != _readOffset)
        {
            MoveReadCursor(count);
        }

        _consumerLine = _readLine;
        _readOffset = 0; // the cursor's line (and next line, if derived) now describe the new head
        _consumerHead += count;
        // Release: our reads of those lines happen before the producer may reuse them.
        Volatile.Write(ref _publishedHead, _consumerHead);
    }

    /// <summary>
    /// Simulation only, with both sides driven by the calling thread and no tick in progress: envelopes claimed by
    /// the producer and not yet released by the consumer (published or not).
    /// </summary>
    public int InFlightCountUnsynchronized => (int)(_producerTail - _consumerHead);

    /// <summary>
    /// Simulation only (see <see cref="InFlightCountUnsynchronized"/>): the <paramref name="offset"/>-th envelope in
    /// flight, oldest first. Ascending offsets walk each entry once.
    /// </summary>
    public ref Message PeekInFlightUnsynchronized(int offset)
    {
        Debug.Assert((uint)offset < (uint)InFlightCountUnsynchronized, "peeking past the producer's tail");
        if (_peekBaseHead != _consumerHead || offset < _peekOffset)
        {
            _peekBaseHead = _consumerHead;
            _peekLine = _consumerLine;
            _peekOffset = 0;
        }

        while (_peekOffset < offset)
        {
            _peekLine += LinesOf(in EntryAt(_peekLine));
            _peekOffset++;
        }

        return ref EntryAt(_peekLine);
    }

    /// <summary>Any thread: true when the producer has published envelopes the consumer has not released.</summary>
    public bool HasPublished() => Volatile.Read(ref _publishedTail) != Volatile.Read(ref _publishedHead);

    /// <summary>
    /// Consumer, while it polls an empty ring: <see cref="HasPublished"/>, and a prefetch of the line the next entry
    /// will start at. When the producer publishes, both that line and the tail's are invalidated here; prefetched on
    /// every poll, the two misses overlap instead of the entry's following the tail's (one cross-core transfer per
    /// hop instead of two in sequence, on a round trip of small messages). The prefetch is only a hint: what is
    /// published is still decided by the tail's acquire, so a stale or early line changes nothing but timing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe bool PollPublished()
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref EntryAt(_consumerLine))); // the storage is pinned (constructor)
        }

        return Volatile.Read(ref _publishedTail) != _consumerHead;
    }
}
