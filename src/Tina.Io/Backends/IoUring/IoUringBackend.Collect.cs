using System;
using System.Threading;
using Tina.Io.Backends.IoUring.Interop;
using Tina.Io.Interop;
using Tina.Io.Reactor;

namespace Tina.Io.Backends.IoUring;

/// <summary>The completion side: draining the CQ, the backend's own CQEs, and synthetic completions.</summary>
internal sealed partial class IoUringBackend
{
    /// <summary>Where the wake read's 8 bytes live in the scratch page.</summary>
    private const int ScratchWakeOffset = 0;

    /// <inheritdoc />
    public int Collect(Span<IoCompletionEntry> completions)
    {
        ThrowIfNotOwner();
        int written = _synthetic.Drain(completions);
        if (written < completions.Length)
        {
            if (_ring.CompletionsReady == 0 && NeedsEnterToReap())
            {
                Enter(_ring.PublishSubmissions(), IoUringEnterFlags.GetEvents);
            }

            written += Reap(completions[written..]);
        }

        AssertInvariants();
        return written;
    }

    /// <inheritdoc />
    /// <remarks>Consumes the backend's own CQEs at the head of the CQ first (a wake, say), so true means the reactor will
    /// get something. When the kernel flags pending completion work, it makes one non-waiting enter to post it.</remarks>
    public bool HasCompletions()
    {
        ThrowIfNotOwner();
        if (_synthetic.Count > 0)
        {
            return true;
        }

        if (_ring.CompletionsReady == 0 && NeedsEnterToReap())
        {
            Enter(_ring.PublishSubmissions(), IoUringEnterFlags.GetEvents);
        }

        SkipInternalAtHead();
        return _ring.CompletionsReady > 0;
    }

    /// <summary>Copies CQEs into <paramref name="completions"/>, consuming internal ones on the way; one head store.</summary>
    private int Reap(Span<IoCompletionEntry> completions)
    {
        uint ready = _ring.CompletionsReady;                 // acquire: the CQEs before the tail are complete
        uint consumed = 0;
        int written = 0;
        while (consumed < ready && written < completions.Length)
        {
            IoUringCqe cqe = _ring.PeekCompletion(consumed);
            consumed++;
            NoteFinal(cqe);
            if (IoUringTokens.IsInternal(cqe.UserData))
            {
                HandleInternal(cqe);
                continue;
            }

            if ((cqe.Flags & IoUringCqeFlags.Buffer) != 0)
            {
                MarkLent((ushort)(cqe.Flags >> IoUringCqeFlags.BufferShift)); // the reactor owns it until ReturnProvidedBuffer
            }

            ref IoCompletionEntry entry = ref completions[written++];
            entry.Token = cqe.UserData;
            entry.Result = cqe.Result;
            entry.Flags = cqe.Flags;                         // IoCompletionFlags share the CQE's bit layout
        }

        if (consumed > 0)
        {
            _ring.Consume(consumed);
            _ring.ReleaseCompletions();                      // release: one head store per drain
        }

        return written;
    }

    private void SkipInternalAtHead()
    {
        uint ready = _ring.CompletionsReady;
        uint consumed = 0;
        while (consumed < ready)
        {
            IoUringCqe cqe = _ring.PeekCompletion(consumed);
            if (!IoUringTokens.IsInternal(cqe.UserData))
            {
                break;
            }

            consumed++;
            NoteFinal(cqe);
            HandleInternal(cqe);
        }

        if (consumed > 0)
        {
            _ring.Consume(consumed);
            _ring.ReleaseCompletions();
        }
    }

    /// <summary>Counts a CQE that ends its operation (no F_MORE). CQEs another ring posted here are not ours to count,
    /// and our MSG_RING was never counted (its success posts nothing).</summary>
    private void NoteFinal(in IoUringCqe cqe)
    {
        if ((cqe.Flags & IoUringCqeFlags.More) == 0
            && cqe.UserData != IoUringTokens.WakeMessage
            && cqe.UserData != IoUringTokens.WakeSend)
        {
            _inFlight--;
        }
    }

    private void HandleInternal(in IoUringCqe cqe)
    {
        switch (cqe.UserData)
        {
            case IoUringTokens.WakeRead:
                _wakeReadArmed = false;
                // Release: a later Wake must write again; the reactor re-checks its inboxes after this Collect.
                Volatile.Write(ref _wakePending, 0);
                TryArmWakeRead();                            // goes out with the next Flush or Wait
                break;
            case IoUringTokens.WakeMessage:
                Volatile.Write(ref _wakePending, 0);
                break;
            case IoUringTokens.WakeReadResync:
                if (cqe.Result == -Errno.ENOENT && _wakeReadArmed)
                {
                    // The wake read had finished and its completion was one of the lost: re-arm it.
                    _wakeReadArmed = false;
                    _inFlight--;
                    Volatile.Write(ref _wakePending, 0);
                    TryArmWakeRead();
                }

                break;
            case IoUringTokens.WakeSend:
                CrossWakeFailureCount++;                     // only failures post (CQE_SKIP_SUCCESS)
                break;
            default:
                // Self-test or dispose leftovers: give back any buffer they took.
                if ((cqe.Flags & IoUringCqeFlags.Buffer) != 0 && _buffers is not null)
                {
                    _buffers.Return((ushort)(cqe.Flags >> IoUringCqeFlags.BufferShift));
                }

                break;
        }
    }

    private void MarkLent(ushort bufferId)
    {
        ulong bit = 1UL << (bufferId & 63);
        if (bufferId >= ProvidedBufferCount || (_lentBitmap[bufferId >> 6] & bit) != 0)
        {
            ThrowKernelLentTwice(bufferId);
        }

        _lentBitmap[bufferId >> 6] |= bit;
        _lentBuffers++;
    }

    private bool TryAddSynthetic(ulong token, int result)
    {
        if (_synthetic.Count == _syntheticLimit)
        {
            return false;
        }

        _synthetic.Enqueue(new IoCompletionEntry { Token = token, Result = result });
        return true;
    }
}
