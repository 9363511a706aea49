using System;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>
/// One anonymous page of native memory for the backend's own operations (the wake read's 8 bytes, the boot
/// self-test's address and byte). It never moves; after <see cref="Dispose"/> it is unmapped, so a late kernel write
/// fails with EFAULT instead of landing in the managed or native heap.
/// </summary>
internal sealed unsafe class ScratchPage : IDisposable
{
    /// <summary>Bytes in the page.</summary>
    public const int Length = 4096;

    private readonly nint _mapping;                  // the page; valid until disposed
    private bool _disposed;

    private ScratchPage(nint mapping) => _mapping = mapping;

    /// <summary>Maps the page; 0 or −errno.</summary>
    public static int TryCreate(out ScratchPage? page)
    {
        nint mapping = LinuxLibc.Map(Length, LinuxLibc.ProtRead | LinuxLibc.ProtWrite,
            LinuxLibc.MapPrivate | LinuxLibc.MapAnonymous | LinuxLibc.MapPopulate, -1, 0, out int errno);
        page = mapping == 0 ? null : new ScratchPage(mapping);
        return mapping == 0 ? -errno : 0;
    }

    /// <summary>The native address of byte <paramref name="offset"/>, for an SQE.</summary>
    public nint Address(int offset)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offset, Length);
        return _mapping + offset;
    }

    /// <summary>A view of <paramref name="length"/> bytes from <paramref name="offset"/>.</summary>
    public Span<byte> Bytes(int offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + length, Length);
        return new Span<byte>((byte*)_mapping + offset, length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        LinuxLibc.Unmap(_mapping, Length);
    }
}
