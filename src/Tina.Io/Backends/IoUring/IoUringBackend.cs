using System;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading;
using Tina.Io.Backends.IoUring.Interop;
using Tina.Io.Reactor;
using Tina.Io.Interop;

namespace Tina.Io.Backends.IoUring;

/// <summary>
/// The Linux io_uring backend: one ring per shard, driven by the shard thread that created it.
/// </summary>
/// <remarks>
/// <para><b>Layer.</b> Below the reactor, above raw syscalls (no liburing). The reactor hands in
/// <see cref="IoSubmission"/>s and gets <see cref="IoCompletionEntry"/>s back: tokens, kernel results (bytes, a new
/// descriptor, or −errno) and CQE flags. Nothing is returned as a pointer except provided-buffer views, which are
/// valid until the buffer is returned.</para>
/// <para><b>One thread.</b> The ring is created with SINGLE_ISSUER when the kernel allows it, so every member except
/// <see cref="Wake"/> (and <see cref="Dispose"/>, with less cleanup) must run on the creating thread; a call from
/// another thread throws. A shard rebuilt on a new thread needs a new backend.</para>
/// <para><b>A tick.</b> <see cref="Submit"/> writes SQEs straight into the mapped SQ (nothing is visible to the kernel
/// yet); <see cref="Flush"/> publishes the SQ tail and makes the tick's one io_uring_enter; <see cref="Collect"/>
/// drains the CQ and releases its head once; <see cref="Wait"/> does the submit and the park in the same enter.
/// A full SQ mid-tick is submitted at once (counted in <see cref="SubmitWhileFullCount"/>).</para>
/// <para><b>Wake.</b> An eventfd whose 8-byte READ stays armed in the ring: another thread's <see cref="Wake"/>
/// writes it, the read completes, and a blocked enter returns. A pending flag makes repeated wakes one write.
/// Between io_uring shards, <see cref="TryQueueWake"/> sends the wake as an IORING_OP_MSG_RING SQE in the sender's
/// own batch instead (no extra syscall).</para>
/// <para><b>Internal operations</b> use the reserved tokens of <see cref="IoUringTokens"/>; their CQEs are consumed
/// here and never reach the reactor.</para>
/// </remarks>
internal sealed partial class IoUringBackend : IIoBackend
{
    // ---- Cold: fixed at creation. ----
    private readonly IoUringRing _ring;                          // the mapped rings
    private ProvidedBufferRing? _buffers;                        // null when multishot receive is off (set at boot)
    private readonly ScratchPage _scratch;                       // the wake read's buffer and the self-test's bytes
    private readonly int _ownerThreadId;                         // the creating (issuing) thread
    private readonly bool _reapNeedsEnter;                       // COOP_TASKRUN without TASKRUN_FLAG: work runs only when we enter
    private readonly bool _messageRingUsable;                    // MSG_RING probed and CQE_SKIP available
    private readonly CompletionQueue _synthetic;                 // completions made here (rejected submissions)
    private readonly int _syntheticLimit;                        // at most one per SQ entry: it never grows

    // ---- Shared with other threads. ----
    private int _eventFd;                                        // the wake eventfd; -1 once disposed (Interlocked)
    private int _wakePending;                                    // 1 from a wake's write until its CQE is consumed (Interlocked)

    // ---- Hot: owner thread only. ----
    private bool _wakeReadArmed;                                 // the eventfd read is in the SQ or in flight
    private int _inFlight;                                       // SQEs whose final CQE (no F_MORE) has not been reaped
    private int _lentBuffers;                                    // provided buffers handed to the reactor, not yet returned
    private ulong[] _lentBitmap = [];                            // bit per provided buffer id: set while lent (sized at boot)
    private bool _disposing;                                     // Dispose's drain: stop re-arming the wake read
    private bool _disposed;

    private IoUringBackend(IoUringRing ring, ScratchPage scratch, int eventFd, int setupRung, bool messageRingUsable)
    {
        _ring = ring;
        _scratch = scratch;
        _eventFd = eventFd;
        _ownerThreadId = Environment.CurrentManagedThreadId;
        SetupRung = setupRung;
        IoUringSetupFlags flags = ring.SetupFlags;
        _reapNeedsEnter = (flags & IoUringSetupFlags.CoopTaskRun) != 0 && (flags & IoUringSetupFlags.TaskRunFlag) == 0;
        _messageRingUsable = messageRingUsable;
        _syntheticLimit = (int)ring.SubmissionEntries;
        _synthetic = new CompletionQueue(_syntheticLimit);
        Features = "io_uring (booting)";
    }

    /// <inheritdoc />
    public string Name => "io_uring";

    /// <inheritdoc />
    public string Features { get; private set; }

    /// <inheritdoc />
    public IoBackendCapabilities Capabilities { get; private set; }

    /// <summary>The ladder rung the ring was created on (0 = best; see <see cref="IoUringSetupLadder"/>).</summary>
    public int SetupRung { get; }

    /// <summary>SQ entries the kernel granted (the most <see cref="Submit"/> accepts between flushes without an early submit).</summary>
    public int SubmissionQueueEntries => (int)_ring.SubmissionEntries;

    /// <summary>CQ entries the kernel granted.</summary>
    public int CompletionQueueEntries => (int)_ring.CompletionEntries;

    /// <summary>Operations submitted whose final completion has not been reaped yet.</summary>
    public int InFlightCount => _inFlight;

    /// <summary>Provided buffers lent to the reactor and not returned yet (a leak check for tests and shutdown).</summary>
    public int LentBufferCount => _lentBuffers;

    /// <summary>True while the kernel holds completions that did not fit the CQ (IORING_SQ_CQ_OVERFLOW; none are lost
    /// under FEAT_NODROP, they move to the CQ as it drains).</summary>
    public bool CompletionQueueOverflowed => (_ring.SqFlags & IoUringSqRingFlags.CqOverflow) != 0;

    /// <summary>Times <see cref="Submit"/> found the SQ full and submitted early.</summary>
    public long SubmitWhileFullCount { get; private set; }

    /// <summary>Enters that returned EBUSY or EAGAIN (CQ overflow back-pressure); the SQEs stayed queued for the next one.</summary>
    public long BusyCount { get; private set; }

    /// <summary>Enters interrupted by a signal (EINTR).</summary>
    public long InterruptedCount { get; private set; }

    /// <summary>Enters that reported dropped completions (EBADR); the reactor resyncs its operations in flight on each.</summary>
    public long CompletionLossEvents { get; private set; }

    /// <summary>Tests only: stands in for io_uring_enter (fault injection); null in production.</summary>
    internal IIoUringEnterHook? EnterHook { get; set; }

    /// <summary>The reactor found an operation whose final completion was lost: it will never be reaped.</summary>
    public void ForgetLostOperation() => _inFlight--;

    /// <summary>MSG_RING wakes that failed (the target ring was gone, or its CQ could not take the message).</summary>
    public long CrossWakeFailureCount { get; private set; }

    /// <inheritdoc />
    public int ProvidedBufferSize => _buffers?.BufferSize ?? 0;

    /// <inheritdoc />
    public int ProvidedBufferCount => _buffers?.Count ?? 0;

    /// <inheritdoc />
    public ReadOnlySpan<byte> GetProvidedBuffer(ushort bufferId, int length)
    {
        ThrowIfNotOwner();
        return (_buffers ?? ThrowNoProvidedBuffers()).GetBuffer(bufferId, length);
    }

    /// <inheritdoc />
    public void ReturnProvidedBuffer(ushort bufferId)
    {
        ThrowIfNotOwner();
        ProvidedBufferRing buffers = _buffers ?? ThrowNoProvidedBuffers();
        if (bufferId >= buffers.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferId), bufferId, "No such provided buffer.");
        }

        ulong bit = 1UL << (bufferId & 63);
        if ((_lentBitmap[bufferId >> 6] & bit) == 0)
        {
            throw new InvalidOperationException($"Provided buffer {bufferId} is not lent out (returned twice, or never received).");
        }

        _lentBitmap[bufferId >> 6] &= ~bit;
        _lentBuffers--;
        buffers.Return(bufferId);
    }

    /// <inheritdoc />
    public void Wake()
    {
        // Any thread. The first wake since the last consumed one writes the eventfd; later ones are absorbed by it.
        // The shard clears the flag when it consumes the wake's CQE (in Collect or HasCompletions), before it re-checks
        // its inboxes, so a wake absorbed here is still seen by that re-check.
        // The plain read first keeps repeated wakes off the cache line's exclusive state.
        if (Volatile.Read(ref _wakePending) != 0 || Interlocked.Exchange(ref _wakePending, 1) != 0)
        {
            return;
        }

        int fd = Volatile.Read(ref _eventFd);
        if (fd >= 0)
        {
            LinuxLibc.EventFdSignal(fd);
        }
    }

    /// <inheritdoc />
    public bool TryQueueWake(IIoBackend target)
    {
        ThrowIfNotOwner();
        if (!_messageRingUsable || target is not IoUringBackend other || ReferenceEquals(other, this) || other._disposed)
        {
            return false;
        }

        if (Volatile.Read(ref other._wakePending) != 0 || Interlocked.Exchange(ref other._wakePending, 1) != 0)
        {
            return true; // a wake is already on its way to the target
        }

        IoUringSqe sqe = default;
        sqe.Opcode = (byte)IoUringOpcode.MessageRing;
        sqe.Flags = (byte)IoUringSqeFlags.CqeSkipSuccess;
        sqe.Descriptor = other._ring.Descriptor;
        sqe.Address = IoUringCqeFlags.MessageData;
        sqe.Offset = IoUringTokens.WakeMessage;                  // the user_data of the CQE the target receives
        sqe.UserData = IoUringTokens.WakeSend;
        if (!_ring.TryPush(sqe))
        {
            // SQ full: wake it directly (the pending flag is already ours, so write the eventfd ourselves).
            int fd = Volatile.Read(ref other._eventFd);
            if (fd >= 0)
            {
                LinuxLibc.EventFdSignal(fd);
            }
        }

        return true;
    }

    /// <summary>
    /// On the owner thread: cancels everything in flight and waits (bounded) until the kernel has finished with every
    /// buffer, then unmaps and closes. The reactor may free its own buffers afterwards. From another thread it only
    /// closes (the kernel cancels in the background), so the reactor's buffers must then outlive the process's use of them.
    /// <see cref="Wake"/> must not race with Dispose.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (Environment.CurrentManagedThreadId == _ownerThreadId)
        {
            CancelAndDrain();
        }

        _disposed = true;
        int fd = Interlocked.Exchange(ref _eventFd, -1);
        _ring.Dispose();
        if (fd >= 0)
        {
            LinuxLibc.Close(fd);
        }

        _buffers?.Dispose();
        _scratch.Dispose();
    }

    /// <summary>Rounds of <see cref="CancelAndDrain"/>'s wait, 10 ms each: a bound, not an expected duration.</summary>
    private const int DisposeDrainRoundsMax = 100;

    private void CancelAndDrain()
    {
        _disposing = true;
        IoUringSqe cancel = default;
        cancel.Opcode = (byte)IoUringOpcode.AsyncCancel;
        cancel.OpFlags = IoUringCqeFlags.CancelAny | IoUringCqeFlags.CancelAll;
        cancel.UserData = IoUringTokens.DisposeCancel;
        if (!TryPushCounted(cancel))
        {
            SubmitNow(IoUringEnterFlags.None);
            TryPushCounted(cancel);
        }

        for (int round = 0; round < DisposeDrainRoundsMax && _inFlight > 0; round++)
        {
            int result = _ring.Enter(_ring.PublishSubmissions(), 1, IoUringEnterFlags.GetEvents | IoUringEnterFlags.ExtArg, 10_000_000);
            if (result < 0 && result != -Errno.ETIME && result != -Errno.EINTR && result != -Errno.EBUSY)
            {
                break;
            }

            ReapAndDiscard();
        }
    }

    private void ReapAndDiscard()
    {
        uint ready = _ring.CompletionsReady;
        for (uint i = 0; i < ready; i++)
        {
            IoUringCqe cqe = _ring.PeekCompletion(i);
            NoteFinal(cqe);
            if (IoUringTokens.IsInternal(cqe.UserData))
            {
                HandleInternal(cqe);
            }
        }

        _ring.Consume(ready);
        _ring.ReleaseCompletions();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfNotOwner()
    {
        if (Environment.CurrentManagedThreadId != _ownerThreadId)
        {
            ThrowNotOwner();
        }

        if (_disposed)
        {
            ThrowDisposed();
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotOwner() =>
        throw new InvalidOperationException("An io_uring backend is driven only by the thread that created it (SINGLE_ISSUER).");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowDisposed() => throw new ObjectDisposedException(nameof(IoUringBackend));

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ProvidedBufferRing ThrowNoProvidedBuffers() =>
        throw new NotSupportedException("This io_uring backend has no provided buffer ring (multishot receive is off).");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowKernelLentTwice(ushort bufferId) =>
        throw new InvalidOperationException($"The kernel named provided buffer {bufferId}, which is unknown or already lent: the buffer ring is corrupt.");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowEnterFailed(int result) =>
        throw new InvalidOperationException($"io_uring_enter failed: {Errno.Name(-result)}.");

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_inFlight >= 0, "More final completions were reaped than operations submitted.");
        Debug.Assert(_lentBuffers >= 0 && _lentBuffers <= ProvidedBufferCount, "Lent buffers must stay within the ring's count.");
        Debug.Assert(_synthetic.Count <= _syntheticLimit, "Synthetic completions stay within one per SQ entry.");
    }
}
