using System.Runtime.InteropServices;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>struct __kernel_timespec: 64-bit seconds and nanoseconds on every architecture.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct KernelTimespec
{
    [FieldOffset(0)] public long Seconds;
    [FieldOffset(8)] public long Nanoseconds;
}
