using System;
using System.Diagnostics;
using System.Threading;

namespace Tina.Io.Backends.IoUring.Interop;

/// <summary>
/// One io_uring instance: its descriptor and the mapped SQ ring, CQ ring and SQE array, behind a safe API (push an
/// SQE by value, read a CQE by value, publish indices). Owns no policy: the backend decides what to submit and when.
/// </summary>
/// <remarks>
/// <para><b>Index ownership.</b> This process is the only writer of the SQ tail and the CQ head; the kernel is the only
/// writer of the SQ head, the CQ tail and the flag words. Local copies (<see cref="_sqTailLocal"/>,
/// <see cref="_cqHeadLocal"/>) run ahead of the shared words and are published with one store per tick.</para>
/// <para><b>Memory order</b> (the kernel's side is smp_load_acquire / smp_store_release on the same words):</para>
/// <list type="bullet">
/// <item>SQ tail: our <c>Volatile.Write</c> (release) publishes every SQE written before it; it pairs with the kernel's
/// acquire load of the tail in io_submit_sqes.</item>
/// <item>SQ head: our <c>Volatile.Read</c> (acquire) pairs with the kernel's release store after it has copied the SQEs
/// out, so slots behind the head may be overwritten.</item>
/// <item>CQ tail: our <c>Volatile.Read</c> (acquire) pairs with the kernel's release store after it wrote the CQEs, so
/// the entries before the tail are complete when we read them.</item>
/// <item>CQ head: our <c>Volatile.Write</c> (release) orders our reads of the consumed CQEs before the kernel may reuse
/// their slots (it reads the head with acquire).</item>
/// </list>
/// <para>Not thread-safe: only the owning shard thread calls it (and SINGLE_ISSUER makes the kernel enforce that for
/// submission). Disposing unmaps the rings and closes the descriptor; the kernel then cancels what is in flight.</para>
/// </remarks>
internal sealed unsafe class IoUringRing : IDisposable
{
    // ---- Cold: fixed at setup. ----
    private readonly int _ringFd;                    // the io_uring descriptor; -1 once disposed
    private readonly nint _sqRingMapping;            // SQ ring mapping (also the CQ ring under FEAT_SINGLE_MMAP)
    private readonly nuint _sqRingMappingLength;
    private readonly nint _cqRingMapping;            // separate CQ mapping, or 0 under FEAT_SINGLE_MMAP
    private readonly nuint _cqRingMappingLength;
    private readonly nint _sqesMapping;              // the SQE array (IORING_OFF_SQES)
    private readonly nuint _sqesMappingLength;
    private readonly uint* _sqHead;                  // kernel-written; Volatile.Read (acquire)
    private readonly uint* _sqTail;                  // ours; Volatile.Write (release) publishes SQEs
    private readonly uint* _sqFlags;                 // kernel-written IORING_SQ_* word; Volatile.Read
    private readonly uint _sqMask;
    private readonly IoUringSqe* _sqes;
    private readonly uint* _cqHead;                  // ours; Volatile.Write (release) frees consumed slots
    private readonly uint* _cqTail;                  // kernel-written; Volatile.Read (acquire)
    private readonly uint _cqMask;
    private readonly IoUringCqe* _cqes;

    // ---- Hot: owner thread only. ----
    private uint _sqTailLocal;                       // next SQE slot to fill; ahead of *_sqTail until published
    private uint _cqHeadLocal;                       // next CQE to read; ahead of *_cqHead until released
    private bool _disposed;

    private IoUringRing(int ringFd, in IoUringParams p, nint sqMapping, nuint sqLength, nint cqMapping, nuint cqLength,
        nint sqesMapping, nuint sqesLength)
    {
        _ringFd = ringFd;
        _sqRingMapping = sqMapping;
        _sqRingMappingLength = sqLength;
        _cqRingMapping = cqMapping;
        _cqRingMappingLength = cqLength;
        _sqesMapping = sqesMapping;
        _sqesMappingLength = sqesLength;
        SubmissionEntries = p.SqEntries;
        CompletionEntries = p.CqEntries;
        Features = (IoUringFeatures)p.Features;
        SetupFlags = (IoUringSetupFlags)p.Flags;

        byte* sq = (byte*)sqMapping;
        byte* cq = cqMapping == 0 ? sq : (byte*)cqMapping;
        _sqHead = (uint*)(sq + p.SqOffsets.Head);
        _sqTail = (uint*)(sq + p.SqOffsets.Tail);
        _sqFlags = (uint*)(sq + p.SqOffsets.Flags);
        _sqMask = *(uint*)(sq + p.SqOffsets.RingMask);
        _sqes = (IoUringSqe*)sqesMapping;
        _cqHead = (uint*)(cq + p.CqOffsets.Head);
        _cqTail = (uint*)(cq + p.CqOffsets.Tail);
        _cqMask = *(uint*)(cq + p.CqOffsets.RingMask);
        _cqes = (IoUringCqe*)(cq + p.CqOffsets.Cqes);

        Debug.Assert(_sqMask + 1 == SubmissionEntries, "The SQ mask must match the SQ size.");
        Debug.Assert(_cqMask + 1 == CompletionEntries, "The CQ mask must match the CQ size.");

        // The SQ index array maps ring slot i to SQE i once and for all (liburing does the same), so an SQE's slot
        // is its position in the ring and the array is never touched again.
        uint* array = (uint*)(sq + p.SqOffsets.Array);
        for (uint i = 0; i < SubmissionEntries; i++)
        {
            array[i] = i;
        }

        _sqTailLocal = *_sqTail;
        _cqHeadLocal = *_cqHead;
    }

    /// <summary>The ring descriptor (for MSG_RING targets and logs).</summary>
    public int Descriptor => _ringFd;

    /// <summary>SQ size the kernel chose (a power of two).</summary>
    public uint SubmissionEntries { get; }

    /// <summary>CQ size the kernel chose (a power of two).</summary>
    public uint CompletionEntries { get; }

    /// <summary>IORING_FEAT_* reported at setup.</summary>
    public IoUringFeatures Features { get; }

    /// <summary>The setup flags the ring runs with.</summary>
    public IoUringSetupFlags SetupFlags { get; }

    /// <summary>
    /// io_uring_setup with <paramref name="flags"/> plus CQSIZE, then the mappings. Returns 0, or −errno from setup or
    /// mmap (everything acquired so far is released).
    /// </summary>
    public static int TryCreate(uint entries, uint completionEntries, IoUringSetupFlags flags, out IoUringRing? ring)
    {
        ring = null;
        IoUringParams p = default;
        p.Flags = (uint)(flags | IoUringSetupFlags.CqSize);
        p.CqEntries = completionEntries;
        int fd = LinuxLibc.IoUringSetup(entries, ref p);
        if (fd < 0)
        {
            return fd;
        }

        const int Protection = LinuxLibc.ProtRead | LinuxLibc.ProtWrite;
        const int MapFlags = LinuxLibc.MapShared | LinuxLibc.MapPopulate;
        bool singleMmap = (p.Features & (uint)IoUringFeatures.SingleMmap) != 0;
        nuint sqLength = p.SqOffsets.Array + (p.SqEntries * sizeof(uint));
        nuint cqLength = p.CqOffsets.Cqes + (p.CqEntries * (nuint)sizeof(IoUringCqe));
        if (singleMmap)
        {
            sqLength = Math.Max(sqLength, cqLength);
        }

        nint sq = LinuxLibc.Map(sqLength, Protection, MapFlags, fd, LinuxLibc.OffsetSqRing, out int errno);
        nint cq = 0;
        nint sqes = 0;
        nuint sqesLength = p.SqEntries * (nuint)sizeof(IoUringSqe);
        if (sq != 0 && !singleMmap)
        {
            cq = LinuxLibc.Map(cqLength, Protection, MapFlags, fd, LinuxLibc.OffsetCqRing, out errno);
        }

        if (sq != 0 && (singleMmap || cq != 0))
        {
            sqes = LinuxLibc.Map(sqesLength, Protection, MapFlags, fd, LinuxLibc.OffsetSqes, out errno);
        }

        if (sqes == 0)
        {
            if (cq != 0)
            {
                LinuxLibc.Unmap(cq, cqLength);
            }

            if (sq != 0)
            {
                LinuxLibc.Unmap(sq, sqLength);
            }

            LinuxLibc.Close(fd);
            return -errno;
        }

        ring = new IoUringRing(fd, p, sq, sqLength, cq, singleMmap ? 0 : cqLength, sqes, sqesLength);
        return 0;
    }

    /// <summary>Free SQ slots: the size less what is written but not yet consumed by the kernel.</summary>
    public uint SubmissionSpace => SubmissionEntries - (_sqTailLocal - Volatile.Read(ref *_sqHead));

    /// <summary>SQEs written (published or not) that the kernel has not consumed yet.</summary>
    public uint SubmissionsPending => _sqTailLocal - Volatile.Read(ref *_sqHead);

    /// <summary>Copies <paramref name="sqe"/> into the next SQ slot (not yet visible to the kernel); false when full.</summary>
    public bool TryPush(in IoUringSqe sqe)
    {
        if (SubmissionSpace == 0)
        {
            return false;
        }

        _sqes[_sqTailLocal & _sqMask] = sqe;
        _sqTailLocal++;
        return true;
    }

    /// <summary>
    /// Publishes every pushed SQE with one release store of the SQ tail; returns how many the kernel has yet to
    /// consume (the to_submit of the next enter).
    /// </summary>
    public uint PublishSubmissions()
    {
        // Release: the SQE contents written by TryPush become visible before the kernel can observe the new tail.
        Volatile.Write(ref *_sqTail, _sqTailLocal);
        return SubmissionsPending;
    }

    /// <summary>The kernel's IORING_SQ_* word (overflow and task-run hints).</summary>
    public IoUringSqRingFlags SqFlags => (IoUringSqRingFlags)Volatile.Read(ref *_sqFlags);

    /// <summary>CQEs posted and not yet consumed.</summary>
    public uint CompletionsReady =>
        // Acquire: pairs with the kernel's release store of the tail, so the CQEs before it are fully written.
        Volatile.Read(ref *_cqTail) - _cqHeadLocal;

    /// <summary>The CQE <paramref name="index"/> places past the local head (index &lt; <see cref="CompletionsReady"/>).</summary>
    public IoUringCqe PeekCompletion(uint index)
    {
        Debug.Assert(index < CompletionEntries, "A peek must stay inside the CQ.");
        return _cqes[(_cqHeadLocal + index) & _cqMask];
    }

    /// <summary>Moves the local CQ head past <paramref name="count"/> entries (not yet visible to the kernel).</summary>
    public void Consume(uint count) => _cqHeadLocal += count;

    /// <summary>Publishes the local CQ head with one release store, giving the consumed slots back to the kernel.</summary>
    public void ReleaseCompletions()
    {
        // Release: our reads of the consumed CQEs happen before the kernel can see their slots as free.
        Volatile.Write(ref *_cqHead, _cqHeadLocal);
    }

    /// <summary>io_uring_enter on this ring; SQEs consumed or −errno (see <see cref="LinuxLibc.IoUringEnter"/>).</summary>
    public int Enter(uint toSubmit, uint minComplete, IoUringEnterFlags flags, long timeoutNanoseconds) =>
        LinuxLibc.IoUringEnter(_ringFd, toSubmit, minComplete, flags, timeoutNanoseconds);

    /// <summary>
    /// IORING_REGISTER_PROBE: sets <paramref name="supported"/>[op] for every opcode the kernel runs. 0 or −errno.
    /// </summary>
    public int Probe(Span<bool> supported)
    {
        const int MaxOps = 256;
        int bytes = sizeof(IoUringProbeHeader) + (MaxOps * sizeof(IoUringProbeOp));
        byte* buffer = stackalloc byte[bytes];
        new Span<byte>(buffer, bytes).Clear();
        int result = LinuxLibc.IoUringRegister(_ringFd, IoUringRegisterOpcode.Probe, buffer, MaxOps);
        if (result < 0)
        {
            return result;
        }

        supported.Clear();
        IoUringProbeHeader* header = (IoUringProbeHeader*)buffer;
        IoUringProbeOp* ops = (IoUringProbeOp*)(buffer + sizeof(IoUringProbeHeader));
        for (int i = 0; i < header->OpsLength && i < MaxOps; i++)
        {
            if (ops[i].Op < supported.Length && (ops[i].Flags & IoUringProbeOp.Supported) != 0)
            {
                supported[ops[i].Op] = true;
            }
        }

        return 0;
    }

    /// <summary>IORING_REGISTER_PBUF_RING for a ring of <paramref name="entries"/> at <paramref name="ringAddress"/>.</summary>
    public int RegisterBufferRing(nint ringAddress, uint entries, ushort groupId)
    {
        IoUringBufferRegistration registration = default;
        registration.RingAddress = (ulong)ringAddress;
        registration.RingEntries = entries;
        registration.GroupId = groupId;
        return LinuxLibc.IoUringRegister(_ringFd, IoUringRegisterOpcode.ProvidedBufferRing, &registration, 1);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        LinuxLibc.Unmap(_sqesMapping, _sqesMappingLength);
        if (_cqRingMapping != 0)
        {
            LinuxLibc.Unmap(_cqRingMapping, _cqRingMappingLength);
        }

        LinuxLibc.Unmap(_sqRingMapping, _sqRingMappingLength);
        LinuxLibc.Close(_ringFd);
    }
}
