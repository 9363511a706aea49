using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tina.Io.Backends.Simulated;

/// <summary>
/// One sink's provided receive buffers: the simulator's stand-in for io_uring's provided buffer ring, so
/// <see cref="Reactor.IoOpCode.ReceiveMultishot"/> runs here as it does on the kernel. <see cref="Count"/> buffers of
/// <see cref="Size"/> bytes in native memory (like the ring's mapping, they never move), ids 0 to Count − 1.
/// </summary>
/// <remarks>
/// <para><b>Ownership of each buffer:</b> free (the network may fill it for an armed receive), or lent (from the
/// completion that named it until <see cref="Return"/>). Free ids leave in FIFO order, as the kernel consumes its ring
/// from the head while returns go on at the tail; a fixed order also keeps runs reproducible.</para>
/// <para>Not thread-safe: <see cref="SimulatedNetwork"/> calls it only under its lock, since any shard's thread may
/// advance the network and fill another shard's buffers.</para>
/// </remarks>
internal sealed unsafe class SimulatedProvidedBuffers : IDisposable
{
    /// <summary>The most buffers per sink: io_uring's limit for one ring, and ids must fit the CQE's 16 bits.</summary>
    public const int MaxCount = 32768;

    /// <summary>The largest buffer (the same bound the io_uring backend's options put on theirs).</summary>
    public const int MaxSize = 1 << 20;

    private readonly byte* _memory;                  // Count buffers of Size bytes, back to back
    private readonly int[] _free;                    // ring of free ids: taken at the head, returned at the tail
    private readonly ulong[] _lentBitmap;            // bit per id: set while lent
    private int _freeHead;
    private int _freeCount;
    private bool _disposed;

    /// <summary>Allocates <paramref name="count"/> buffers of <paramref name="size"/> bytes, every one free.</summary>
    public SimulatedProvidedBuffers(int count, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        Count = count;
        Size = size;
        _free = new int[count];
        _lentBitmap = new ulong[(count + 63) / 64];
        for (int id = 0; id < count; id++)
        {
            _free[id] = id;
        }

        _freeCount = count;
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)count * (nuint)size, 64);
    }

    /// <summary>Buffers in the pool.</summary>
    public int Count { get; }

    /// <summary>Bytes per buffer.</summary>
    public int Size { get; }

    /// <summary>Buffers lent out and not returned yet.</summary>
    public int Lent => Count - _freeCount;

    /// <summary>
    /// Takes the next free buffer and lends it: false when none is free (the receive then ends with ENOBUFS).
    /// <paramref name="buffer"/> is the whole buffer, for the network to copy into.
    /// </summary>
    public bool TryLend(out ushort bufferId, out Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_freeCount == 0)
        {
            bufferId = 0;
            buffer = default;
            return false;
        }

        int id = _free[_freeHead];
        _freeHead = _freeHead + 1 == _free.Length ? 0 : _freeHead + 1;
        _freeCount--;
        Debug.Assert((_lentBitmap[id >> 6] & (1UL << (id & 63))) == 0, "A free buffer cannot be lent already.");
        _lentBitmap[id >> 6] |= 1UL << (id & 63);
        bufferId = (ushort)id;
        buffer = new Span<byte>(_memory + ((nint)id * Size), Size);
        return true;
    }

    /// <summary>The first <paramref name="length"/> bytes of lent buffer <paramref name="bufferId"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such buffer, or <paramref name="length"/> is outside [0, Size].</exception>
    /// <exception cref="InvalidOperationException">The buffer is not lent out (never handed over, or returned already).</exception>
    public ReadOnlySpan<byte> Get(ushort bufferId, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfNoSuchBuffer(bufferId);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Size);
        if (!IsLent(bufferId))
        {
            throw new InvalidOperationException($"Provided buffer {bufferId} is not lent out (returned already, or never received).");
        }

        return new ReadOnlySpan<byte>(_memory + ((nint)bufferId * Size), length);
    }

    /// <summary>Makes a lent buffer free again, at the tail of the free order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such buffer.</exception>
    /// <exception cref="InvalidOperationException">The buffer is not lent out (returned twice, or never received).</exception>
    public void Return(ushort bufferId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfNoSuchBuffer(bufferId);
        if (!IsLent(bufferId))
        {
            throw new InvalidOperationException($"Provided buffer {bufferId} is not lent out (returned twice, or never received).");
        }

        _lentBitmap[bufferId >> 6] &= ~(1UL << (bufferId & 63));
        int tail = _freeHead + _freeCount;
        _free[tail >= _free.Length ? tail - _free.Length : tail] = bufferId;
        _freeCount++;
    }

    /// <summary>Frees the native memory; spans handed out before are dangling from here on.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        NativeMemory.AlignedFree(_memory);
    }

    private bool IsLent(ushort bufferId) => (_lentBitmap[bufferId >> 6] & (1UL << (bufferId & 63))) != 0;

    private void ThrowIfNoSuchBuffer(ushort bufferId)
    {
        if (bufferId >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferId), bufferId, "No such provided buffer.");
        }
    }
}
