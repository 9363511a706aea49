using System.Runtime.InteropServices;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>struct io_uring_cqe: one 16-byte completion (rings are set up without CQE32).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct IoUringCqe
{
    /// <summary>user_data of the submission.</summary>
    [FieldOffset(0)] public ulong UserData;
    /// <summary>res: bytes, a new descriptor, or −errno.</summary>
    [FieldOffset(8)] public int Result;
    /// <summary>IORING_CQE_F_* (<see cref="IoUringCqeFlags"/>), buffer id in the upper 16 bits.</summary>
    [FieldOffset(12)] public uint Flags;
}
