using System;
using System.Diagnostics;
using System.Threading;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>
/// A provided buffer ring (IORING_REGISTER_PBUF_RING, 5.19): a ring of buffer descriptors plus the buffers
/// themselves, in one anonymous mapping that never moves. The kernel takes a buffer only when data arrives for a
/// multishot receive and names it by id in the CQE; the backend's owner lends it to the reactor, which gives it back
/// with <see cref="Return"/>; <see cref="Publish"/> makes every returned buffer visible with one tail store per tick.
/// </summary>
/// <remarks>
/// <para><b>Ownership of each buffer:</b> in the ring (the kernel may fill it), or lent out (from the CQE that named it
/// until <see cref="Return"/>). A buffer is returned exactly once per CQE; the backend counts lent buffers.</para>
/// <para><b>Memory order:</b> the ring's 16-bit tail is ours alone; the kernel only reads it (smp_load_acquire) and keeps
/// its head privately. <see cref="Publish"/>'s <c>Volatile.Write</c> (release) makes the descriptors written by
/// <see cref="Return"/> visible before the tail that covers them.</para>
/// <para>The mapping is anonymous memory from mmap, unmapped at dispose: if the kernel still touched a buffer after that
/// (it cannot once the ring is torn down), the copy would fail with EFAULT instead of corrupting the heap.</para>
/// </remarks>
internal sealed unsafe class ProvidedBufferRing : IDisposable
{
    // ---- Cold: fixed at creation. ----
    private readonly nint _mapping;                  // ring descriptors first, buffers after (page-aligned)
    private readonly nuint _mappingLength;
    private readonly IoUringBuffer* _ring;           // Count descriptors; entry 0's last 2 bytes are the tail
    private readonly byte* _buffers;                 // Count buffers of BufferSize bytes
    private readonly ushort _mask;

    // ---- Hot: owner thread only. ----
    private ushort _tailLocal;                       // next descriptor slot; ahead of the shared tail until Publish
    private ushort _tailPublished;                   // the value last stored to the shared tail
    private bool _disposed;

    private ProvidedBufferRing(nint mapping, nuint mappingLength, int count, int bufferSize, nuint ringBytes, ushort groupId)
    {
        _mapping = mapping;
        _mappingLength = mappingLength;
        _ring = (IoUringBuffer*)mapping;
        _buffers = (byte*)mapping + ringBytes;
        _mask = (ushort)(count - 1);
        Count = count;
        BufferSize = bufferSize;
        GroupId = groupId;
    }

    /// <summary>Buffers in the ring (a power of two).</summary>
    public int Count { get; }

    /// <summary>Bytes per buffer.</summary>
    public int BufferSize { get; }

    /// <summary>The buffer group id that BUFFER_SELECT submissions name.</summary>
    public ushort GroupId { get; }

    /// <summary>
    /// Maps the ring and buffers, registers them with <paramref name="ring"/> as group <paramref name="groupId"/> and
    /// hands every buffer to the kernel. Returns 0 or −errno (nothing is left behind on failure).
    /// </summary>
    public static int TryCreate(IoUringRing ring, ushort groupId, int count, int bufferSize, out ProvidedBufferRing? buffers)
    {
        ArgumentNullException.ThrowIfNull(ring);
        buffers = null;
        if (count < 1 || count > 32768 || (count & (count - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The provided buffer count must be a power of two from 1 to 32768.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        const nuint Page = 4096;
        nuint ringBytes = RoundUp((nuint)count * (nuint)sizeof(IoUringBuffer), Page);
        nuint length = ringBytes + RoundUp((nuint)count * (nuint)bufferSize, Page);
        nint mapping = LinuxLibc.Map(length, LinuxLibc.ProtRead | LinuxLibc.ProtWrite,
            LinuxLibc.MapPrivate | LinuxLibc.MapAnonymous | LinuxLibc.MapPopulate, -1, 0, out int errno);
        if (mapping == 0)
        {
            return -errno;
        }

        int result = ring.RegisterBufferRing(mapping, (uint)count, groupId);
        if (result < 0)
        {
            LinuxLibc.Unmap(mapping, length);
            return result;
        }

        buffers = new ProvidedBufferRing(mapping, length, count, bufferSize, ringBytes, groupId);
        for (int id = 0; id < count; id++)
        {
            buffers.Return((ushort)id);
        }

        buffers.Publish();
        return 0;
    }

    /// <summary>The first <paramref name="length"/> bytes of buffer <paramref name="bufferId"/>.</summary>
    public Span<byte> GetBuffer(ushort bufferId, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (bufferId >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferId), bufferId, "No such provided buffer.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, BufferSize);
        return new Span<byte>(_buffers + ((nint)bufferId * BufferSize), length);
    }

    /// <summary>Writes buffer <paramref name="bufferId"/>'s descriptor at the local tail (visible after <see cref="Publish"/>).</summary>
    public void Return(ushort bufferId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Debug.Assert(bufferId < Count, "Only this ring's buffers can be returned to it.");
        IoUringBuffer* entry = _ring + (_tailLocal & _mask);
        // Field by field: entry 0's Reserved is the shared tail and must not be overwritten here.
        entry->Address = (ulong)(_buffers + ((nint)bufferId * BufferSize));
        entry->Length = (uint)BufferSize;
        entry->BufferId = bufferId;
        _tailLocal++;
    }

    /// <summary>Publishes every descriptor written since the last call with one release store of the tail.</summary>
    public void Publish()
    {
        if (_disposed || _tailLocal == _tailPublished)
        {
            return;
        }

        // Release: the descriptors written by Return are visible before the kernel's acquire load sees the new tail.
        Volatile.Write(ref *(ushort*)((byte*)_ring + IoUringBuffer.RingTailOffset), _tailLocal);
        _tailPublished = _tailLocal;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        LinuxLibc.Unmap(_mapping, _mappingLength);
    }

    private static nuint RoundUp(nuint value, nuint multiple) => (value + multiple - 1) / multiple * multiple;
}
