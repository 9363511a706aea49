using System;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>IORING_SETUP_* flags for io_uring_params.flags (kernel version that added each in brackets).</summary>
[Flags]
internal enum IoUringSetupFlags : uint
{
    None = 0,
    /// <summary>The CQ size comes from io_uring_params.cq_entries (5.5).</summary>
    CqSize = 1u << 3,
    /// <summary>Keep submitting after a bad SQE; it gets an error CQE instead of stopping the batch (5.18).</summary>
    SubmitAll = 1u << 7,
    /// <summary>No IPI to run completion work; it runs when the task next enters the kernel (5.19).</summary>
    CoopTaskRun = 1u << 8,
    /// <summary>Set IORING_SQ_TASKRUN in the SQ flags while completion work waits (5.19).</summary>
    TaskRunFlag = 1u << 9,
    /// <summary>Only the creating thread submits; another thread's submit fails with EEXIST (6.0).</summary>
    SingleIssuer = 1u << 12,
    /// <summary>Completion work runs only inside io_uring_enter with GETEVENTS (6.1; needs SingleIssuer).</summary>
    DeferTaskRun = 1u << 13,
}
