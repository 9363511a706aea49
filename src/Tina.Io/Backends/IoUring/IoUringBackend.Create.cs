using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Tina.Io.Backends.IoUring.Interop;
using Tina.Io.Reactor;
using Tina.Io.Interop;

namespace Tina.Io.Backends.IoUring;

/// <summary>Boot: the setup ladder, required features, the opcode probe and the socketpair self-tests.</summary>
internal sealed partial class IoUringBackend
{
    /// <summary>Provided buffer group id of the shard's one buffer ring.</summary>
    private const ushort BufferGroupId = 0;

    /// <summary>Boot self-test rounds, 50 ms each: a bound on a broken kernel, not an expected duration.</summary>
    private const int SelfTestRoundsMax = 40;

    /// <summary>The byte the receive self-test sends through its socketpair.</summary>
    private const byte SelfTestByte = 0x5A;

    /// <summary>Opcodes without which the backend cannot run; a probe missing one sends the shard to epoll.</summary>
    private static readonly IoUringOpcode[] s_requiredOpcodes =
    [
        IoUringOpcode.Nop, IoUringOpcode.Accept, IoUringOpcode.Connect, IoUringOpcode.Receive, IoUringOpcode.Send,
        IoUringOpcode.Close, IoUringOpcode.AsyncCancel, IoUringOpcode.Read,
    ];

    /// <summary>
    /// Creates a backend with <paramref name="entries"/> SQ entries and the default options, on the calling thread,
    /// which must be the only one that drives it. Returns false with a reason for the log instead of throwing when
    /// io_uring is unusable here (ENOSYS, EPERM, EINVAL on every rung, ENOMEM, missing features or opcodes, a failed
    /// self-test), so the caller can fall back to epoll.
    /// </summary>
    public static bool TryCreate(int entries, out IoUringBackend? backend, out string reason) =>
        TryCreate(new IoUringOptions(entries), out backend, out reason);

    /// <summary>As <see cref="TryCreate(int, out IoUringBackend?, out string)"/>, with explicit options.</summary>
    public static bool TryCreate(in IoUringOptions options, out IoUringBackend? backend, out string reason)
    {
        options.Validate();
        backend = null;
        if (!LinuxLibc.SyscallNumbersKnown)
        {
            reason = "io_uring: not Linux on x86-64, arm64 or riscv64.";
            return false;
        }

        try
        {
            return TryCreateCore(options, out backend, out reason);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            reason = "io_uring: libc could not be bound (" + exception.Message + ").";
            return false;
        }
    }

    private static bool TryCreateCore(in IoUringOptions options, out IoUringBackend? backend, out string reason)
    {
        backend = null;
        if (!TrySetup(options, out IoUringRing? ring, out int rung, out reason))
        {
            return false;
        }

        IoUringFeatures required = IoUringFeatures.NoDrop | IoUringFeatures.ExtArg;
        if ((ring!.Features & required) != required)
        {
            reason = $"io_uring: the kernel lacks {required & ~ring.Features} (needs 5.11+); features were {ring.Features}.";
            ring.Dispose();
            return false;
        }

        Span<bool> supported = stackalloc bool[256];
        int result = ring.Probe(supported);
        if (result < 0)
        {
            reason = $"io_uring: IORING_REGISTER_PROBE failed with {Errno.Name(-result)}.";
            ring.Dispose();
            return false;
        }

        foreach (IoUringOpcode opcode in s_requiredOpcodes)
        {
            if (!supported[(int)opcode])
            {
                reason = $"io_uring: the probe reports opcode {opcode} unsupported.";
                ring.Dispose();
                return false;
            }
        }

        int eventFd = LinuxLibc.EventFd();
        ScratchPage? scratch = null;
        result = eventFd < 0 ? eventFd : ScratchPage.TryCreate(out scratch);
        if (result < 0)
        {
            reason = $"io_uring: could not create the wake eventfd or scratch page ({Errno.Name(-result)}).";
            if (eventFd >= 0)
            {
                LinuxLibc.Close(eventFd);
            }

            ring.Dispose();
            return false;
        }

        bool messageRingUsable = supported[(int)IoUringOpcode.MessageRing] && (ring.Features & IoUringFeatures.CqeSkip) != 0;
        backend = new IoUringBackend(ring, scratch!, eventFd, rung, messageRingUsable);
        if (!backend.Boot(options, out reason))
        {
            backend.Dispose();
            backend = null;
            return false;
        }

        return true;
    }

    /// <summary>Walks the ladder from <see cref="IoUringOptions.FirstSetupRung"/>, stepping down on EINVAL only.</summary>
    private static bool TrySetup(in IoUringOptions options, out IoUringRing? ring, out int rung, out string reason)
    {
        uint entries = (uint)options.SubmissionEntries;
        uint completionEntries = RoundUpToPowerOfTwo(entries) * IoUringOptions.CompletionQueueFactor;
        int result = -Errno.EINVAL;
        for (rung = options.FirstSetupRung; rung < IoUringSetupLadder.RungCount; rung++)
        {
            result = IoUringRing.TryCreate(entries, completionEntries, IoUringSetupLadder.Flags(rung), out ring);
            if (result == 0)
            {
                reason = string.Empty;
                return true;
            }

            if (result != -Errno.EINVAL)
            {
                break;
            }
        }

        ring = null;
        reason = DescribeSetupFailure(-result, ReadIoUringDisabledSysctl);
        return false;
    }

    /// <summary>
    /// The fallback reason for io_uring_setup failing with <paramref name="errno"/> on the last rung tried. The sysctl
    /// is read only to explain EPERM.
    /// </summary>
    internal static string DescribeSetupFailure(int errno, Func<string> readDisabledSysctl) => errno switch
    {
        Errno.ENOSYS => "io_uring_setup: ENOSYS (a kernel without io_uring, or a sandbox such as gVisor).",
        Errno.EPERM => "io_uring_setup: EPERM (a seccomp profile such as the container runtime default, or "
            + "kernel.io_uring_disabled = " + readDisabledSysctl() + ").",
        Errno.EINVAL => "io_uring_setup: EINVAL on every setup rung (the kernel is too old).",
        Errno.ENOMEM => "io_uring_setup: ENOMEM (RLIMIT_MEMLOCK or memory too low for the rings).",
        _ => "io_uring_setup: " + Errno.Name(errno) + ".",
    };

    /// <summary>
    /// Runs the self-tests and builds the features line. A NOP that never completes fails the boot; a failed
    /// multishot test only turns that feature off (and says why in <see cref="Features"/>).
    /// </summary>
    private bool Boot(in IoUringOptions options, out string reason)
    {
        List<IoUringCqe> seen = new();
        if (!SelfTestNop(seen, out reason))
        {
            return false;
        }

        string receiveNote = "off (ProvidedBufferCount = 0)";
        if (options.ProvidedBufferCount > 0)
        {
            int result = ProvidedBufferRing.TryCreate(_ring, BufferGroupId, options.ProvidedBufferCount,
                options.ProvidedBufferSizeBytes, out ProvidedBufferRing? buffers);
            if (result < 0)
            {
                receiveNote = "off (REGISTER_PBUF_RING: " + Errno.Name(-result) + ")";
            }
            else
            {
                _buffers = buffers;
                if (SelfTestMultishotReceive(seen, out string failure))
                {
                    Capabilities |= IoBackendCapabilities.MultishotReceive;
                    _lentBitmap = new ulong[(buffers!.Count + 63) / 64];
                    receiveNote = string.Create(CultureInfo.InvariantCulture,
                        $"on (pbuf ring {buffers!.Count} x {buffers.BufferSize} B, group {buffers.GroupId})");
                }
                else
                {
                    receiveNote = "off (self-test: " + failure + ")";
                    _buffers = null;
                    buffers!.Dispose();
                }
            }
        }

        string acceptNote;
        if (SelfTestMultishotAccept(seen, out string acceptFailure))
        {
            Capabilities |= IoBackendCapabilities.MultishotAccept;
            acceptNote = "on";
        }
        else
        {
            acceptNote = "off (self-test: " + acceptFailure + ")";
        }

        if (_messageRingUsable)
        {
            Capabilities |= IoBackendCapabilities.QueuedCrossWake;
        }

        if (_inFlight != 0)
        {
            reason = "io_uring: the boot self-tests left operations in flight.";
            return false;
        }

        TryArmWakeRead();
        Features = DescribeFeatures(receiveNote, acceptNote);
        reason = string.Empty;
        return true;
    }

    private bool SelfTestNop(List<IoUringCqe> seen, out string reason)
    {
        IoUringSqe nop = default;
        nop.Opcode = (byte)IoUringOpcode.Nop;
        nop.UserData = IoUringTokens.SelfTestNop;
        TryPushCounted(nop);
        if (!AwaitBoot(seen, IoUringTokens.SelfTestNop, final: true, out IoUringCqe cqe) || cqe.Result != 0)
        {
            reason = "io_uring: self-test NOP did not complete.";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>Multishot receive of one byte through a socketpair, with a buffer from the ring, then a cancel.</summary>
    private bool SelfTestMultishotReceive(List<IoUringCqe> seen, out string failure)
    {
        int result = LinuxSockets.SocketPair(out int reader, out int writer);
        if (result < 0)
        {
            failure = "socketpair: " + Errno.Name(-result);
            return false;
        }

        try
        {
            IoUringSqe receive = default;
            receive.Opcode = (byte)IoUringOpcode.Receive;
            receive.Descriptor = reader;
            receive.IoPriority = IoUringCqeFlags.ReceiveMultishot;
            receive.Flags = (byte)IoUringSqeFlags.BufferSelect;
            receive.BufferGroup = BufferGroupId;
            receive.UserData = IoUringTokens.SelfTestReceive;
            TryPushCounted(receive);
            SubmitNow(IoUringEnterFlags.None);
            ReadOnlySpan<byte> one = [SelfTestByte];
            result = LinuxLibc.Write(writer, one);
            if (result != 1)
            {
                failure = "write: " + Errno.Name(-result);
                CancelSelfTest(seen, reader, IoUringTokens.SelfTestReceive);
                return false;
            }

            if (!AwaitBoot(seen, IoUringTokens.SelfTestReceive, final: false, out IoUringCqe cqe))
            {
                failure = "no completion";
                CancelSelfTest(seen, reader, IoUringTokens.SelfTestReceive);
                return false;
            }

            failure = DescribeReceiveFailure(cqe);
            if ((cqe.Flags & IoUringCqeFlags.Buffer) != 0)
            {
                _buffers!.Return((ushort)(cqe.Flags >> IoUringCqeFlags.BufferShift));
                _buffers.Publish();
            }

            bool cancelled = (cqe.Flags & IoUringCqeFlags.More) == 0 || CancelSelfTest(seen, reader, IoUringTokens.SelfTestReceive);
            if (!cancelled && failure.Length == 0)
            {
                failure = "the cancel did not end the arm";
            }

            return failure.Length == 0;
        }
        finally
        {
            LinuxLibc.Close(reader);
            LinuxLibc.Close(writer);
        }
    }

    private string DescribeReceiveFailure(in IoUringCqe cqe)
    {
        if (cqe.Result != 1)
        {
            return "result " + (cqe.Result < 0 ? Errno.Name(-cqe.Result) : cqe.Result.ToString(CultureInfo.InvariantCulture));
        }

        if ((cqe.Flags & IoUringCqeFlags.Buffer) == 0)
        {
            return "no provided buffer in the CQE";
        }

        if ((cqe.Flags & IoUringCqeFlags.More) == 0)
        {
            return "the multishot arm ended after one completion";
        }

        ushort bufferId = (ushort)(cqe.Flags >> IoUringCqeFlags.BufferShift);
        if (bufferId >= _buffers!.Count || _buffers.GetBuffer(bufferId, 1)[0] != SelfTestByte)
        {
            return "the provided buffer did not hold the byte sent";
        }

        return string.Empty;
    }

    /// <summary>Multishot accept on an abstract AF_UNIX listener: one connect must complete with F_MORE.</summary>
    private bool SelfTestMultishotAccept(List<IoUringCqe> seen, out string failure)
    {
        Span<byte> address = stackalloc byte[LinuxSockets.SockaddrUnLength];
        int listener = LinuxSockets.AbstractUnixListener(address, out int addressLength);
        if (listener < 0)
        {
            failure = "AF_UNIX listener: " + Errno.Name(-listener);
            return false;
        }

        int client = -1;
        try
        {
            IoUringSqe accept = default;
            accept.Opcode = (byte)IoUringOpcode.Accept;
            accept.Descriptor = listener;
            accept.IoPriority = IoUringCqeFlags.AcceptMultishot;
            accept.OpFlags = Libc.SOCK_CLOEXEC;
            accept.UserData = IoUringTokens.SelfTestAccept;
            TryPushCounted(accept);
            SubmitNow(IoUringEnterFlags.None);
            client = LinuxSockets.StreamSocket(LinuxSockets.AfUnix);
            int result = client < 0 ? client : LinuxSockets.Connect(client, address[..addressLength]);
            if (result < 0)
            {
                failure = "AF_UNIX connect: " + Errno.Name(-result);
                CancelSelfTest(seen, listener, IoUringTokens.SelfTestAccept);
                return false;
            }

            if (!AwaitBoot(seen, IoUringTokens.SelfTestAccept, final: false, out IoUringCqe cqe))
            {
                failure = "no completion";
                CancelSelfTest(seen, listener, IoUringTokens.SelfTestAccept);
                return false;
            }

            if (cqe.Result >= 0)
            {
                LinuxLibc.Close(cqe.Result);
            }

            failure = cqe.Result < 0 ? "result " + Errno.Name(-cqe.Result)
                : (cqe.Flags & IoUringCqeFlags.More) == 0 ? "the multishot arm ended after one completion"
                : string.Empty;
            bool cancelled = (cqe.Flags & IoUringCqeFlags.More) == 0 || CancelSelfTest(seen, listener, IoUringTokens.SelfTestAccept);
            if (!cancelled && failure.Length == 0)
            {
                failure = "the cancel did not end the arm";
            }

            return failure.Length == 0;
        }
        finally
        {
            if (client >= 0)
            {
                LinuxLibc.Close(client);
            }

            LinuxLibc.Close(listener);
        }
    }

    /// <summary>Cancels every operation on <paramref name="fd"/> and waits for the arm's final CQE and the cancel's.</summary>
    private bool CancelSelfTest(List<IoUringCqe> seen, int fd, ulong armToken)
    {
        IoUringSqe cancel = default;
        cancel.Opcode = (byte)IoUringOpcode.AsyncCancel;
        cancel.Descriptor = fd;
        cancel.OpFlags = IoUringCqeFlags.CancelFd | IoUringCqeFlags.CancelAll;
        cancel.UserData = IoUringTokens.SelfTestCancel;
        TryPushCounted(cancel);
        return AwaitBoot(seen, IoUringTokens.SelfTestCancel, final: true, out _)
            && AwaitBoot(seen, armToken, final: true, out _);
    }

    /// <summary>
    /// Boot only: submits, then waits in rounds until a CQE with <paramref name="token"/> (a final one, without F_MORE,
    /// when <paramref name="final"/>) has been reaped. Every CQE reaped goes to <paramref name="seen"/>, which this
    /// call then clears of the match it returns.
    /// </summary>
    private bool AwaitBoot(List<IoUringCqe> seen, ulong token, bool final, out IoUringCqe match)
    {
        for (int round = 0; round <= SelfTestRoundsMax; round++)
        {
            for (int i = 0; i < seen.Count; i++)
            {
                if (seen[i].UserData == token && (!final || (seen[i].Flags & IoUringCqeFlags.More) == 0))
                {
                    match = seen[i];
                    seen.RemoveAt(i);
                    return true;
                }
            }

            if (round == SelfTestRoundsMax)
            {
                break;
            }

            int result = _ring.Enter(_ring.PublishSubmissions(), 1, IoUringEnterFlags.GetEvents | IoUringEnterFlags.ExtArg, 50_000_000);
            if (result < 0 && result != -Errno.ETIME && result != -Errno.EINTR)
            {
                break;
            }

            uint ready = _ring.CompletionsReady;
            for (uint i = 0; i < ready; i++)
            {
                IoUringCqe cqe = _ring.PeekCompletion(i);
                NoteFinal(cqe);
                seen.Add(cqe);
            }

            _ring.Consume(ready);
            _ring.ReleaseCompletions();
        }

        match = default;
        return false;
    }

    private string DescribeFeatures(string receiveNote, string acceptNote)
    {
        StringBuilder text = new();
        text.Append("io_uring kernel=").Append(ReadKernelRelease())
            .Append(" rung=").Append(SetupRung.ToString(CultureInfo.InvariantCulture))
            .Append(" (").Append(IoUringSetupLadder.Describe(SetupRung)).Append(')')
            .Append(" sq=").Append(_ring.SubmissionEntries.ToString(CultureInfo.InvariantCulture))
            .Append(" cq=").Append(_ring.CompletionEntries.ToString(CultureInfo.InvariantCulture))
            .Append(" features=[").Append(_ring.Features.ToString()).Append(']')
            .Append(" ops=[Nop, Accept, Connect, Receive, Send, Close, AsyncCancel, Read")
            .Append(_messageRingUsable ? ", MessageRing]" : "]")
            .Append(" multishot-accept=").Append(acceptNote)
            .Append(" multishot-recv=").Append(receiveNote)
            .Append(" wake=eventfd-read").Append(_messageRingUsable ? "+msg-ring" : string.Empty);
        return text.ToString();
    }

    private static string ReadKernelRelease()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static string ReadIoUringDisabledSysctl()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/io_uring_disabled").Trim();
        }
        catch (IOException)
        {
            return "unreadable";
        }
        catch (UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }

    private static uint RoundUpToPowerOfTwo(uint value) => System.Numerics.BitOperations.RoundUpToPowerOf2(value);
}
