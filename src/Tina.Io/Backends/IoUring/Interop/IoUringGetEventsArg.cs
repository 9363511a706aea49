using System.Runtime.InteropServices;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>struct io_uring_getevents_arg: the IORING_ENTER_EXT_ARG argument (a wait timeout, no signal mask).</summary>
[StructLayout(LayoutKind.Explicit, Size = 24)]
internal struct IoUringGetEventsArg
{
    [FieldOffset(0)] public ulong SignalMask;
    [FieldOffset(8)] public uint SignalMaskSize;
    /// <summary>pad, min_wait_usec since 6.12 (0: unused).</summary>
    [FieldOffset(12)] public uint MinWaitMicroseconds;
    /// <summary>Pointer to a <see cref="KernelTimespec"/>, or 0 to wait without a timeout.</summary>
    [FieldOffset(16)] public ulong Timespec;
}
