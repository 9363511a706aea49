using Tina.Io.Backends.IoUring.Interop;

namespace Tina.Io.Backends.IoUring;

/// <summary>
/// The setup flags tried in order; io_uring_setup answers EINVAL to a flag it does not know, and the backend steps
/// down one rung. Every rung adds CQSIZE.
/// </summary>
internal static class IoUringSetupLadder
{
    /// <summary>How many rungs there are.</summary>
    public const int RungCount = 5;

    /// <summary>The flags of rung <paramref name="rung"/> (0 = best).</summary>
    public static IoUringSetupFlags Flags(int rung) => rung switch
    {
        // 6.1: completion work runs only inside our own enter; the SQ flag says when it waits.
        0 => IoUringSetupFlags.SingleIssuer | IoUringSetupFlags.DeferTaskRun | IoUringSetupFlags.SubmitAll | IoUringSetupFlags.TaskRunFlag,
        // 6.0: no IPIs; work runs when the thread next enters the kernel, flagged in the SQ.
        1 => IoUringSetupFlags.SingleIssuer | IoUringSetupFlags.CoopTaskRun | IoUringSetupFlags.SubmitAll | IoUringSetupFlags.TaskRunFlag,
        // 5.19: cooperative task work without the flag.
        2 => IoUringSetupFlags.CoopTaskRun | IoUringSetupFlags.SubmitAll,
        // 5.18: a bad SQE no longer stops the batch.
        3 => IoUringSetupFlags.SubmitAll,
        // Anything older that still has NODROP and EXT_ARG (5.11+).
        _ => IoUringSetupFlags.None,
    };

    /// <summary>The rung's flags as text for the boot log.</summary>
    public static string Describe(int rung) => rung switch
    {
        0 => "SINGLE_ISSUER|DEFER_TASKRUN|SUBMIT_ALL|TASKRUN_FLAG",
        1 => "SINGLE_ISSUER|COOP_TASKRUN|SUBMIT_ALL|TASKRUN_FLAG",
        2 => "COOP_TASKRUN|SUBMIT_ALL",
        3 => "SUBMIT_ALL",
        _ => "none",
    };
}
