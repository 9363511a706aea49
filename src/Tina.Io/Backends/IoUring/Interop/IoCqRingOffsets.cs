using System.Runtime.InteropServices;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>struct io_cqring_offsets: byte offsets of the CQ ring's fields in its mapping, filled by io_uring_setup.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct IoCqRingOffsets
{
    [FieldOffset(0)] public uint Head;
    [FieldOffset(4)] public uint Tail;
    [FieldOffset(8)] public uint RingMask;
    [FieldOffset(12)] public uint RingEntries;
    [FieldOffset(16)] public uint Overflow;
    [FieldOffset(20)] public uint Cqes;
    [FieldOffset(24)] public uint Flags;
    [FieldOffset(28)] public uint Reserved1;
    /// <summary>user_addr (IORING_SETUP_NO_MMAP only; unused).</summary>
    [FieldOffset(32)] public ulong UserAddress;
}
