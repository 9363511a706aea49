using System.Runtime.InteropServices;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>
/// struct io_uring_sqe: one 64-byte submission queue entry. Only the union members this backend writes are named;
/// each field notes the kernel's names for its offset.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct IoUringSqe
{
    /// <summary>IORING_OP_* (<see cref="IoUringOpcode"/>).</summary>
    [FieldOffset(0)] public byte Opcode;
    /// <summary>IOSQE_* (<see cref="IoUringSqeFlags"/>).</summary>
    [FieldOffset(1)] public byte Flags;
    /// <summary>ioprio; for accept and recv, the IORING_ACCEPT_*/IORING_RECV_* modifier bits.</summary>
    [FieldOffset(2)] public ushort IoPriority;
    /// <summary>The descriptor the operation works on (for MSG_RING: the target ring).</summary>
    [FieldOffset(4)] public int Descriptor;
    /// <summary>off / addr2: connect's address length, MSG_RING's user_data for the target.</summary>
    [FieldOffset(8)] public ulong Offset;
    /// <summary>addr: buffer or sockaddr pointer; MSG_RING's command.</summary>
    [FieldOffset(16)] public ulong Address;
    /// <summary>len: buffer length; MSG_RING's result for the target.</summary>
    [FieldOffset(24)] public uint Length;
    /// <summary>The per-op flags union: msg_flags, accept_flags, cancel_flags, msg_ring_flags, rw_flags.</summary>
    [FieldOffset(28)] public uint OpFlags;
    /// <summary>user_data: comes back unchanged in the completion.</summary>
    [FieldOffset(32)] public ulong UserData;
    /// <summary>buf_index / buf_group: the provided buffer group for IOSQE_BUFFER_SELECT.</summary>
    [FieldOffset(40)] public ushort BufferGroup;
    /// <summary>personality (unused: 0).</summary>
    [FieldOffset(42)] public ushort Personality;
    /// <summary>splice_fd_in / file_index / optlen / addr_len (unused: 0).</summary>
    [FieldOffset(44)] public uint FileIndex;
    /// <summary>addr3 (unused: 0).</summary>
    [FieldOffset(48)] public ulong Address3;
    /// <summary>__pad2 (must be 0).</summary>
    [FieldOffset(56)] public ulong Padding2;
}
