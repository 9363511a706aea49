using System.Runtime.InteropServices;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>
/// struct io_uring_buf: one entry of a provided buffer ring. The ring's 16-bit tail overlays entry 0's
/// <see cref="Reserved"/> (struct io_uring_buf_ring), so entry 0 is written field by field, never whole.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct IoUringBuffer
{
    [FieldOffset(0)] public ulong Address;
    [FieldOffset(8)] public uint Length;
    [FieldOffset(12)] public ushort BufferId;
    /// <summary>resv; in entry 0, the ring's tail.</summary>
    [FieldOffset(14)] public ushort Reserved;

    /// <summary>Offset of the ring tail from the ring's start (io_uring_buf_ring.tail).</summary>
    public const int RingTailOffset = 14;
}
