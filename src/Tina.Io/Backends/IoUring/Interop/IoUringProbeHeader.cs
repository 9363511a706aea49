using System.Runtime.InteropServices;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>struct io_uring_probe without its flexible ops[] array, which follows at offset 16.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct IoUringProbeHeader
{
    /// <summary>The last opcode the kernel knows.</summary>
    [FieldOffset(0)] public byte LastOp;
    /// <summary>How many entries of ops[] the kernel filled.</summary>
    [FieldOffset(1)] public byte OpsLength;
    [FieldOffset(2)] public ushort Reserved;
    [FieldOffset(4)] public uint Reserved2a;
    [FieldOffset(8)] public uint Reserved2b;
    [FieldOffset(12)] public uint Reserved2c;
}
