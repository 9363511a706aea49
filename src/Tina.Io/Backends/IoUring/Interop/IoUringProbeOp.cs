using System.Runtime.InteropServices;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>struct io_uring_probe_op: one opcode's entry in the probe.</summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
internal struct IoUringProbeOp
{
    [FieldOffset(0)] public byte Op;
    [FieldOffset(1)] public byte Reserved;
    /// <summary>IO_URING_OP_SUPPORTED (bit 0) when the kernel runs this opcode.</summary>
    [FieldOffset(2)] public ushort Flags;
    [FieldOffset(4)] public uint Reserved2;

    /// <summary>IO_URING_OP_SUPPORTED.</summary>
    public const ushort Supported = 1;
}
