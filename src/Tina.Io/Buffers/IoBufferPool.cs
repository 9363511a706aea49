using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tina.Io.Buffers;

/// <summary>
/// A shard's native I/O buffers: <c>count × size</c> bytes from one page-aligned <see cref="NativeMemory.AlignedAlloc"/>
/// block, allocated when the reactor is created and freed when it is disposed. Nothing is pinned per operation: the
/// block never moves, so the kernel may hold a buffer for as long as an operation is in flight.
/// </summary>
/// <remarks>
/// <para>Ownership (see <see cref="IoBufferOwner"/>): a buffer is free, or owned by the reactor, the kernel, or one
/// isolate. A receive takes a buffer for the kernel; its completion lends it to the waiting isolate, and the reactor
/// takes it back at the first Collect after that isolate has handled the completion. A send copies the payload into
/// a buffer (reactor), submits it (kernel) and frees it when the whole payload is written or the send fails.</para>
/// <para>Invariants: free + reactor + kernel + isolate = count; a buffer is on the free stack iff its owner is Free;
/// a buffer's generation changes every time it is rented, so a stale completion can never read a later use's bytes.
/// Shard-thread only.</para>
/// </remarks>
internal sealed unsafe class IoBufferPool : IDisposable
{
    private const int PageSize = 4096;

    private byte* _memory;                       // count × size bytes, page-aligned; null once disposed
    private readonly IoBufferOwner[] _owners;    // owner per buffer
    private readonly uint[] _generations;        // bumped on every rent, never 0
    private readonly Handle[] _lentTo;           // isolate owner while lent, else None
    private readonly uint[] _lentSequence;       // the I/O sequence of the completion that lent it
    private readonly int[] _free;                // free stack of buffer indices
    private readonly int[] _next;                // a send's chain: the buffer holding the payload's next part, -1 ends
    private readonly bool[] _forReceive;         // rented by TryRentForReceive: counted in ReceiveHeld until returned
    private int _freeCount;
    private int _receiveHeld;

    public IoBufferPool(int count, int size)
    {
        Debug.Assert(count > 0 && size > 0 && (size & (size - 1)) == 0, "count and a power-of-two size");
        Count = count;
        Size = size;
        nuint bytes = (nuint)count * (nuint)size;
        _memory = (byte*)NativeMemory.AlignedAlloc(bytes, PageSize);
        _owners = new IoBufferOwner[count];
        _generations = new uint[count];
        _lentTo = new Handle[count];
        _lentSequence = new uint[count];
        _free = new int[count];
        _next = new int[count];
        _forReceive = new bool[count];
        for (int i = 0; i < count; i++)
        {
            _free[i] = count - 1 - i;
            _generations[i] = 1;
            _next[i] = -1;
        }

        _freeCount = count;
    }

    public int Count { get; }

    public int Size { get; }

    public int FreeCount => _freeCount;

    /// <summary>
    /// Buffers rented for receives and not returned yet (in the kernel, lent to an isolate, kept, or stashed). The
    /// reactor bounds it so receives never take the buffers the sends that answer them need.
    /// </summary>
    public int ReceiveHeld => _receiveHeld;

    /// <summary>A rent for a receive: counted in <see cref="ReceiveHeld"/> until the buffer is returned, whoever owns it meanwhile.</summary>
    public bool TryRentForReceive(IoBufferOwner owner, out int index)
    {
        if (!TryRent(owner, out index))
        {
            return false;
        }

        _forReceive[index] = true;
        _receiveHeld++;
        return true;
    }

    /// <summary>Takes a free buffer for <paramref name="owner"/>; false when none is free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRent(IoBufferOwner owner, out int index)
    {
        Debug.Assert(owner != IoBufferOwner.Free, "rent for an owner");
        if (_freeCount == 0)
        {
            index = -1;
            return false;
        }

        index = _free[--_freeCount];
        Debug.Assert(_owners[index] == IoBufferOwner.Free, "a free-stack buffer is free");
        _owners[index] = owner;
        uint generation = _generations[index] + 1;
        _generations[index] = generation == 0 ? 1 : generation;
        return true;
    }

    /// <summary>Hands a buffer to its next owner (reactor ↔ kernel).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetOwner(int index, IoBufferOwner owner)
    {
        Debug.Assert(_owners[index] != IoBufferOwner.Free && owner is IoBufferOwner.Reactor or IoBufferOwner.Kernel, "hand-off between reactor and kernel");
        _owners[index] = owner;
    }

    /// <summary>Lends a buffer to the isolate that will handle the completion (I/O sequence) carrying it.</summary>
    public void Lend(int index, Handle isolate, uint sequence)
    {
        Debug.Assert(_owners[index] != IoBufferOwner.Free, "lend an owned buffer");
        _owners[index] = IoBufferOwner.Isolate;
        _lentTo[index] = isolate;
        _lentSequence[index] = sequence;
    }

    /// <summary>Puts a buffer back on the free stack.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Return(int index)
    {
        Debug.Assert(_owners[index] != IoBufferOwner.Free, "double return");
        _owners[index] = IoBufferOwner.Free;
        _lentTo[index] = Handle.None;
        _next[index] = -1;
        if (_forReceive[index])
        {
            _forReceive[index] = false;
            _receiveHeld--;
        }

        _free[_freeCount++] = index;
    }

    /// <summary>
    /// Takes <paramref name="count"/> buffers for <paramref name="owner"/> linked first to last (a payload larger than
    /// one buffer), all or none: false when fewer are free.
    /// </summary>
    public bool TryRentChain(IoBufferOwner owner, int count, out int first)
    {
        first = -1;
        if (count > _freeCount)
        {
            return false;
        }

        int previous = -1;
        for (int i = 0; i < count; i++)
        {
            TryRent(owner, out int index);
            if (previous < 0)
            {
                first = index;
            }
            else
            {
                _next[previous] = index;
            }

            previous = index;
        }

        return true;
    }

    /// <summary>The next buffer of a send's chain, -1 at its end.</summary>
    public int NextOf(int index) => _next[index];

    /// <summary>Returns a whole chain from <paramref name="first"/> on.</summary>
    public void ReturnChain(int first)
    {
        while (first >= 0)
        {
            int next = _next[first];
            Return(first);
            first = next;
        }
    }

    public IoBufferOwner OwnerOf(int index) => _owners[index];

    public uint GenerationOf(int index) => _generations[index];

    public Handle LentTo(int index) => _lentTo[index];

    public uint LentSequence(int index) => _lentSequence[index];

    /// <summary>The buffer's first byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Pointer(int index)
    {
        Debug.Assert((uint)index < (uint)Count && _memory != null, "valid buffer");
        return _memory + ((nint)index * Size);
    }

    /// <summary>A view of the buffer's first <paramref name="length"/> bytes.</summary>
    public Span<byte> Span(int index, int length)
    {
        Debug.Assert((uint)length <= (uint)Size, "within the buffer");
        return new Span<byte>(Pointer(index), length);
    }

    /// <summary>How many buffers one owner holds (leak checks and tests).</summary>
    public int CountOwnedBy(IoBufferOwner owner)
    {
        int count = 0;
        foreach (IoBufferOwner o in _owners)
        {
            count += o == owner ? 1 : 0;
        }

        return count;
    }

    /// <summary>Checks free + owned = count and the free stack against the owners (tests, debug).</summary>
    public bool CheckInvariants()
    {
        int free = CountOwnedBy(IoBufferOwner.Free);
        if (free != _freeCount)
        {
            return false;
        }

        for (int i = 0; i < _freeCount; i++)
        {
            if (_owners[_free[i]] != IoBufferOwner.Free)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Frees the native block. Call only once no buffer is owned by the kernel; <paramref name="force"/> false keeps
    /// (leaks) the block when one still is, since the kernel could otherwise write into freed memory.
    /// </summary>
    public bool Release(bool force)
    {
        if (_memory == null)
        {
            return true;
        }

        if (!force && CountOwnedBy(IoBufferOwner.Kernel) > 0)
        {
            return false;
        }

        NativeMemory.AlignedFree(_memory);
        _memory = null;
        return true;
    }

    public void Dispose() => Release(force: false);
}
