using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Tina.Memory;

/// <summary>
/// A shard's pool of fixed-size byte buffers for payloads larger than a message, preallocated at boot.
/// </summary>
/// <remarks>
/// <para>Ownership and threads. Every field is written only by the home shard's thread. Another shard reads
/// <see cref="_owners"/> and the bytes of a buffer only while one of its isolates owns that buffer; the home shard
/// made it the owner before publishing the transfer message through the ring (release), and the reader saw the
/// reference after taking the message from the ring (acquire), so the owner entry and the bytes are visible. The
/// home shard does not write the entry again until the release message comes back through the ring, so the remote
/// read is stable. Owners are 64-bit values read whole (no tearing on 64-bit targets).</para>
/// <para>Invariants: free + in use = count; a buffer is on the free list iff its owner is none; generations only
/// grow, so a stale <see cref="BufferRef"/> never reaches a later use of the same block.</para>
/// </remarks>
internal sealed class BufferPool
{
    private readonly int _shard;
    private readonly byte[] _memory;
    private readonly Handle[] _owners;       // owner per buffer, None = free (home-shard writes only)
    private readonly uint[] _generations;    // current generation per buffer (home-shard writes only)
    private readonly int[] _free;            // free stack
    private int _freeCount;
    private int _lentRemote;                 // buffers whose owner lives on another shard (read by peers as a hint)

    public BufferPool(int shard, int count, int size)
    {
        _shard = shard;
        BufferSize = size;
        _memory = GC.AllocateUninitializedArray<byte>(count * size, pinned: true);
        _owners = new Handle[count];
        _generations = new uint[count];
        _free = new int[count];
        for (int i = 0; i < count; i++)
        {
            _generations[i] = 1;
            _free[i] = count - 1 - i;
        }

        _freeCount = count;
    }

    public int BufferSize { get; }

    public int Count => _owners.Length;

    public int FreeCount => _freeCount;

    public bool HasRemoteLoans => Volatile.Read(ref _lentRemote) > 0;

    /// <summary>Home shard: takes a free buffer for <paramref name="owner"/>.</summary>
    public bool TryRent(Handle owner, out BufferRef buffer)
    {
        if (_freeCount == 0)
        {
            buffer = BufferRef.None;
            return false;
        }

        int index = _free[--_freeCount];
        _owners[index] = owner;
        buffer = new BufferRef(_shard, index, _generations[index]);
        return true;
    }

    /// <summary>Any shard: the buffer's bytes when <paramref name="caller"/> owns it; empty otherwise.</summary>
    public Span<byte> SpanFor(BufferRef buffer, Handle caller)
    {
        if (!IsOwnedBy(buffer, caller))
        {
            return Span<byte>.Empty;
        }

        return _memory.AsSpan(buffer.Index * BufferSize, BufferSize);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsOwnedBy(BufferRef buffer, Handle caller)
    {
        int index = buffer.Index;
        return !buffer.IsNone && buffer.Shard == _shard && (uint)index < (uint)_owners.Length
            && _generations[index] == buffer.Generation && _owners[index] == caller && !caller.IsNone;
    }

    /// <summary>Home shard: hands ownership from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public bool Transfer(BufferRef buffer, Handle from, Handle to)
    {
        if (to.IsNone || !IsOwnedBy(buffer, from))
        {
            return false;
        }

        bool wasRemote = from.Shard != _shard;
        bool isRemote = to.Shard != _shard;
        _owners[buffer.Index] = to;
        if (isRemote != wasRemote)
        {
            Volatile.Write(ref _lentRemote, _lentRemote + (isRemote ? 1 : -1));
        }

        return true;
    }

    /// <summary>Home shard: frees a buffer owned by <paramref name="owner"/>.</summary>
    public bool Release(BufferRef buffer, Handle owner)
    {
        if (!IsOwnedBy(buffer, owner))
        {
            return false;
        }

        Free(buffer.Index);
        return true;
    }

    /// <summary>Home shard: a remote owner released a buffer (its handle is the message source).</summary>
    public void AcceptRelease(in Message release)
    {
        var buffer = new BufferRef((ulong)release.ReadWord0());
        Release(buffer, release.SourceHandle);
    }

    /// <summary>Home shard: frees every buffer owned by <paramref name="owner"/> (an exiting local isolate).</summary>
    public int ReclaimOwnedBy(Handle owner)
    {
        if (_freeCount == _owners.Length)
        {
            return 0;
        }

        int reclaimed = 0;
        for (int i = 0; i < _owners.Length; i++)
        {
            if (_owners[i] == owner)
            {
                Free(i);
                reclaimed++;
            }
        }

        return reclaimed;
    }

    /// <summary>
    /// Another shard: buffers of this pool owned by <paramref name="owner"/> (which lives on the caller's shard),
    /// scanning from <paramref name="cursor"/> and advancing it past the last buffer examined.
    /// </summary>
    public int CollectOwnedBy(Handle owner, Span<BufferRef> found, ref int cursor)
    {
        int count = 0;
        for (; cursor < _owners.Length && count < found.Length; cursor++)
        {
            if (_owners[cursor] == owner)
            {
                found[count++] = new BufferRef(_shard, cursor, _generations[cursor]);
            }
        }

        return count;
    }

    /// <summary>Home shard: the owner of buffer <paramref name="index"/>, none when it is free.</summary>
    public Handle OwnerAt(int index) => _owners[index];

    /// <summary>Home shard: frees buffer <paramref name="index"/>, whose owner is known to be gone (see Shard.Buffers).</summary>
    public void ReclaimAt(int index)
    {
        Debug.Assert(!_owners[index].IsNone, "reclaiming a free buffer");
        Free(index);
    }

    /// <summary>The current generation of buffer <paramref name="index"/> (bumped at every free).</summary>
    public uint GenerationAt(int index) => _generations[index];

    private void Free(int index)
    {
        if (_owners[index].Shard != _shard)
        {
            Volatile.Write(ref _lentRemote, _lentRemote - 1);
        }

        _owners[index] = Handle.None;
        uint next = _generations[index] + 1;
        _generations[index] = next == 0 ? 1 : next;
        _free[_freeCount++] = index;
    }
}
