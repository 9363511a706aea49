using System;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>IORING_SQ_* bits the kernel sets in the SQ ring's flags word.</summary>
[Flags]
internal enum IoUringSqRingFlags : uint
{
    None = 0,
    /// <summary>Completions wait in the kernel's overflow list: an enter with GETEVENTS moves them to the CQ.</summary>
    CqOverflow = 1u << 1,
    /// <summary>Completion work is pending (TASKRUN_FLAG): an enter with GETEVENTS runs it.</summary>
    TaskRun = 1u << 2,
}
