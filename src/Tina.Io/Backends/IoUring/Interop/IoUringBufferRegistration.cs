using System.Runtime.InteropServices;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>struct io_uring_buf_reg: the argument of IORING_REGISTER_PBUF_RING.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct IoUringBufferRegistration
{
    /// <summary>Page-aligned address of the ring of <see cref="IoUringBuffer"/> entries.</summary>
    [FieldOffset(0)] public ulong RingAddress;
    /// <summary>Entries in the ring: a power of two, at most 32768.</summary>
    [FieldOffset(8)] public uint RingEntries;
    /// <summary>The buffer group id that IOSQE_BUFFER_SELECT submissions name.</summary>
    [FieldOffset(12)] public ushort GroupId;
    /// <summary>flags (IOU_PBUF_RING_*; 0: the ring memory is ours).</summary>
    [FieldOffset(14)] public ushort Flags;
    [FieldOffset(16)] public ulong Reserved0;
    [FieldOffset(24)] public ulong Reserved1;
    [FieldOffset(32)] public ulong Reserved2;
}
