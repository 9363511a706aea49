using System;
using Tina.Io.Backends.IoUring.Interop;
using Tina.Io.Reactor;
using Tina.Io.Interop;

namespace Tina.Io.Backends.IoUring;

/// <summary>The submission side: translation of <see cref="IoSubmission"/> to SQEs, the flush, and the park.</summary>
internal sealed partial class IoUringBackend
{
    /// <summary>EINTR retries of one submit before the rest is left for the next flush (a bound, never expected).</summary>
    private const int InterruptedRetriesMax = 16;

    /// <inheritdoc />
    public int Submit(ReadOnlySpan<IoSubmission> batch)
    {
        ThrowIfNotOwner();
        int accepted = 0;
        for (; accepted < batch.Length; accepted++)
        {
            ref readonly IoSubmission submission = ref batch[accepted];
            if (submission.Op == IoOpCode.Detach && !IoUringTokens.IsInternal(submission.Token))
            {
                // Nothing is registered per descriptor (no fixed files, no poll set): there is nothing to drop.
                if (!TryAddSynthetic(submission.Token, 0))
                {
                    break;
                }

                continue;
            }

            if (!TryTranslate(submission, out IoUringSqe sqe, out int errno))
            {
                if (!TryAddSynthetic(submission.Token, -errno))
                {
                    break; // the synthetic ring is full: the rest waits for the next tick
                }

                continue;
            }

            if (!TryPushCounted(sqe))
            {
                // A full SQ mid-tick: submit what is queued without waiting, then carry on.
                SubmitWhileFullCount++;
                SubmitNow(IoUringEnterFlags.None);
                if (!TryPushCounted(sqe))
                {
                    break; // the kernel took nothing (EBUSY): the rest stays with the reactor
                }
            }
        }

        AssertInvariants();
        return accepted;
    }

    /// <inheritdoc />
    public void Flush()
    {
        ThrowIfNotOwner();
        TryArmWakeRead();
        _buffers?.Publish();
        uint toSubmit = _ring.PublishSubmissions();
        bool reap = NeedsEnterToReap();
        if (toSubmit == 0 && !reap)
        {
            return; // nothing for the kernel: no syscall this tick
        }

        Enter(toSubmit, reap ? IoUringEnterFlags.GetEvents : IoUringEnterFlags.None);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Submits what is queued and, unless completions are already waiting, blocks in the same io_uring_enter
    /// (GETEVENTS, min_complete 1, EXT_ARG timeout). Returns on a completion, a <see cref="Wake"/>, the timeout, or a
    /// signal (EINTR): a spurious return is allowed, so the caller's loop re-checks its deadlines.
    /// </remarks>
    public void Wait(long timeoutNanoseconds)
    {
        ThrowIfNotOwner();
        if (!TryArmWakeRead())
        {
            // The SQ is full: submit it so the wake read fits, or a Wake could not interrupt this wait.
            SubmitNow(IoUringEnterFlags.None);
            TryArmWakeRead();
        }

        _buffers?.Publish();
        uint toSubmit = _ring.PublishSubmissions();
        bool ready = _synthetic.Count > 0 || _ring.CompletionsReady > 0;
        if (ready || timeoutNanoseconds == 0)
        {
            Enter(toSubmit, IoUringEnterFlags.GetEvents);
            return;
        }

        if (!_wakeReadArmed)
        {
            // Only when the kernel refused SQEs (EBUSY): a wake cannot reach us, so wait at most 1 ms.
            timeoutNanoseconds = timeoutNanoseconds < 0 ? 1_000_000 : Math.Min(timeoutNanoseconds, 1_000_000);
        }

        int result = EnterRing(toSubmit, 1, IoUringEnterFlags.GetEvents | IoUringEnterFlags.ExtArg,
            timeoutNanoseconds < 0 ? -1 : timeoutNanoseconds);
        if (result < 0)
        {
            OnEnterError(result); // EINTR here is a spurious return, which Wait allows
        }
    }

    /// <summary>
    /// Maps one submission to an SQE. False with an errno when the backend rejects it; the reactor then gets a
    /// completion with −errno.
    /// </summary>
    private bool TryTranslate(in IoSubmission submission, out IoUringSqe sqe, out int errno)
    {
        sqe = default;
        errno = 0;
        if (IoUringTokens.IsInternal(submission.Token))
        {
            errno = Errno.EINVAL; // reserved for the backend's own operations
            return false;
        }

        sqe.Descriptor = submission.Descriptor;
        sqe.UserData = submission.Token;
        switch (submission.Op)
        {
            case IoOpCode.Accept:
            case IoOpCode.AcceptMultishot:
                sqe.Opcode = (byte)IoUringOpcode.Accept;
                // accept4 flags; no peer address is asked for. Non-blocking like every other socket of the reactor's
                // (its own sockets come from the shared Linux socket layer), so a socket handed off to a shard that
                // fell back to epoll never blocks that shard; io_uring polls a non-blocking socket just the same.
                sqe.OpFlags = Libc.SOCK_CLOEXEC | Libc.SOCK_NONBLOCK;
                if (submission.Op == IoOpCode.AcceptMultishot && (Capabilities & IoBackendCapabilities.MultishotAccept) != 0)
                {
                    sqe.IoPriority = IoUringCqeFlags.AcceptMultishot;
                }

                return true;
            case IoOpCode.Connect:
                if (submission.Address == 0 || submission.AddressLength <= 0)
                {
                    errno = Errno.EINVAL;
                    return false;
                }

                sqe.Opcode = (byte)IoUringOpcode.Connect;
                sqe.Address = (ulong)submission.Address;
                sqe.Offset = (ulong)submission.AddressLength;  // connect takes the address length in sqe->off
                return true;
            case IoOpCode.Receive:
            case IoOpCode.Send:
                if (submission.Length < 0 || (submission.Buffer == 0 && submission.Length > 0))
                {
                    errno = Errno.EINVAL;
                    return false;
                }

                sqe.Opcode = (byte)(submission.Op == IoOpCode.Send ? IoUringOpcode.Send : IoUringOpcode.Receive);
                sqe.Address = (ulong)submission.Buffer;
                sqe.Length = (uint)submission.Length;
                sqe.OpFlags = submission.Op == IoOpCode.Send ? (uint)Libc.MSG_NOSIGNAL : 0;
                return true;
            case IoOpCode.ReceiveMultishot:
                if (_buffers is null)
                {
                    errno = Errno.EOPNOTSUPP;
                    return false;
                }

                sqe.Opcode = (byte)IoUringOpcode.Receive;
                sqe.IoPriority = IoUringCqeFlags.ReceiveMultishot;
                sqe.Flags = (byte)IoUringSqeFlags.BufferSelect;
                sqe.BufferGroup = _buffers.GroupId;
                return true;
            case IoOpCode.Close:
                sqe.Opcode = (byte)IoUringOpcode.Close;
                return true;
            case IoOpCode.Cancel:
                sqe.Opcode = (byte)IoUringOpcode.AsyncCancel;
                if (submission.TargetToken != 0)
                {
                    // One operation, by user_data (sqe->addr): result 0, -ENOENT (already finished) or -EALREADY
                    // (running; it completes on its own).
                    if (IoUringTokens.IsInternal(submission.TargetToken))
                    {
                        errno = Errno.EINVAL; // the backend's own operations are not the reactor's to cancel
                        return false;
                    }

                    sqe.Address = submission.TargetToken;
                    sqe.Descriptor = 0;
                    return true;
                }

                // Every operation on the descriptor: result = how many were cancelled, or -ENOENT.
                sqe.OpFlags = IoUringCqeFlags.CancelFd | IoUringCqeFlags.CancelAll;
                return true;
            default:
                errno = Errno.EINVAL;
                return false;
        }
    }

    private bool TryPushCounted(in IoUringSqe sqe)
    {
        if (!_ring.TryPush(sqe))
        {
            return false;
        }

        _inFlight++;
        return true;
    }

    /// <summary>Arms the eventfd read when it is not; false when the SQ had no room.</summary>
    private bool TryArmWakeRead()
    {
        if (_wakeReadArmed || _disposing)
        {
            return true;
        }

        IoUringSqe sqe = default;
        sqe.Opcode = (byte)IoUringOpcode.Read;
        sqe.Descriptor = _eventFd;
        sqe.Address = (ulong)_scratch.Address(ScratchWakeOffset);
        sqe.Length = sizeof(ulong);
        sqe.UserData = IoUringTokens.WakeRead;
        _wakeReadArmed = TryPushCounted(sqe);
        return _wakeReadArmed;
    }

    /// <summary>True when the kernel holds completion work that only an enter with GETEVENTS will post.</summary>
    private bool NeedsEnterToReap() =>
        _reapNeedsEnter || (_ring.SqFlags & (IoUringSqRingFlags.TaskRun | IoUringSqRingFlags.CqOverflow)) != 0;

    /// <summary>Publishes and submits the SQ now, without waiting.</summary>
    private void SubmitNow(IoUringEnterFlags flags) => Enter(_ring.PublishSubmissions(), flags);

    /// <summary>A non-waiting enter. EINTR retries (bounded); every other error is <see cref="OnEnterError"/>'s.</summary>
    private void Enter(uint toSubmit, IoUringEnterFlags flags)
    {
        // Buffers given back this tick go to the kernel before any SQE it reads in this enter (a multishot receive
        // armed mid-tick, when a full SQ is submitted early, would otherwise find the ring emptier than it is).
        _buffers?.Publish();
        for (int attempt = 0; attempt < InterruptedRetriesMax; attempt++)
        {
            int result = EnterRing(toSubmit, 0, flags, -1);
            if (result >= 0 || !OnEnterError(result))
            {
                return;
            }

            toSubmit = _ring.SubmissionsPending;
        }
    }

    /// <summary>io_uring_enter, through the test seam when one is set.</summary>
    private int EnterRing(uint toSubmit, uint minComplete, IoUringEnterFlags flags, long timeoutNanoseconds) =>
        EnterHook is null
            ? _ring.Enter(toSubmit, minComplete, flags, timeoutNanoseconds)
            : EnterHook.Enter(_ring, toSubmit, minComplete, flags, timeoutNanoseconds);

    /// <summary>
    /// The one place an io_uring_enter error is judged; true when the caller should retry at once (EINTR). ETIME is a
    /// wait that timed out; EBUSY/EAGAIN leave the SQEs queued for the next enter (the reactor's Collect drains the
    /// CQ in between). EBADR: the kernel had to drop completions (CQ overflow it could not buffer); which ones is
    /// unknown, so the loss is counted (<see cref="CompletionLossEvents"/>) for the reactor to resync its operations
    /// in flight, and the wake read, whose completion may be among the lost, is cancelled and re-armed. Anything
    /// else is a bug and throws.
    /// </summary>
    private bool OnEnterError(int result)
    {
        switch (-result)
        {
            case Errno.EINTR:
                InterruptedCount++;
                return true;
            case Errno.ETIME:
                return false;
            case Errno.EBUSY:
            case Errno.EAGAIN:
                BusyCount++;
                return false;
            case Errno.EBADR:
                CompletionLossEvents++;
                ResyncWakeRead();
                return false;
            default:
                ThrowEnterFailed(result);
                return false;
        }
    }

    /// <summary>Cancels the wake read by user_data: ENOENT means its completion was lost (then it is re-armed here).</summary>
    private void ResyncWakeRead()
    {
        if (!_wakeReadArmed || _disposing)
        {
            return;
        }

        IoUringSqe sqe = default;
        sqe.Opcode = (byte)IoUringOpcode.AsyncCancel;
        sqe.Address = IoUringTokens.WakeRead;
        sqe.UserData = IoUringTokens.WakeReadResync;
        TryPushCounted(sqe); // a full SQ: the wake read stays as it is until the next loss; waits are bounded anyway
    }
}
