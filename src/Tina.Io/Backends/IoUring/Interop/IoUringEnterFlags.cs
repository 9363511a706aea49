using System;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>IORING_ENTER_* flags for io_uring_enter.</summary>
[Flags]
internal enum IoUringEnterFlags : uint
{
    None = 0,
    /// <summary>Reap completions (and run deferred completion work); wait for min_complete of them.</summary>
    GetEvents = 1u << 0,
    /// <summary>The argument is an io_uring_getevents_arg (timeout) rather than a signal mask.</summary>
    ExtArg = 1u << 3,
}
