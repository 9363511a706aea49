using System.Runtime.InteropServices;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>struct io_uring_params: in, the setup flags and CQ size; out, the sizes, features and ring offsets.</summary>
[StructLayout(LayoutKind.Explicit, Size = 120)]
internal struct IoUringParams
{
    [FieldOffset(0)] public uint SqEntries;
    [FieldOffset(4)] public uint CqEntries;
    /// <summary>IORING_SETUP_* (<see cref="IoUringSetupFlags"/>).</summary>
    [FieldOffset(8)] public uint Flags;
    [FieldOffset(12)] public uint SqThreadCpu;
    [FieldOffset(16)] public uint SqThreadIdle;
    /// <summary>IORING_FEAT_* (<see cref="IoUringFeatures"/>), filled by the kernel.</summary>
    [FieldOffset(20)] public uint Features;
    [FieldOffset(24)] public uint WqFd;
    [FieldOffset(28)] public uint Reserved0;
    [FieldOffset(32)] public uint Reserved1;
    [FieldOffset(36)] public uint Reserved2;
    [FieldOffset(40)] public IoSqRingOffsets SqOffsets;
    [FieldOffset(80)] public IoCqRingOffsets CqOffsets;
}
