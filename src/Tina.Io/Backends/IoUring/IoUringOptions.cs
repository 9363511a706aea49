using System;

namespace Tina.Io.Backends.IoUring;

/// <summary>
/// How one shard's ring is built. Immutable; <see cref="Validate"/> runs in <see cref="IoUringBackend.TryCreate(in IoUringOptions, out IoUringBackend?, out string)"/>.
/// </summary>
internal readonly record struct IoUringOptions
{
    /// <summary>Largest SQ this backend asks for (the kernel allows 32768; a shard never needs more per tick).</summary>
    public const int SubmissionEntriesMax = 4096;

    /// <summary>CQ entries per SQ entry: at least 2 (the spec), 4 because multishot operations post many CQEs per SQE.
    /// Overflow beyond it is not lost (FEAT_NODROP is required), only slower.</summary>
    public const int CompletionQueueFactor = 4;

    /// <summary>Options with the defaults below and <paramref name="submissionEntries"/> SQ entries.</summary>
    public IoUringOptions(int submissionEntries)
    {
        SubmissionEntries = submissionEntries;
    }

    /// <summary>SQ entries, 1 to <see cref="SubmissionEntriesMax"/>; the kernel rounds up to a power of two.</summary>
    public int SubmissionEntries { get; init; }

    /// <summary>Provided receive buffers (power of two, ≤ 32768), or 0 for no buffer ring and no multishot receive.
    /// Default 1024, the C reference's choice: with 4 KiB each, 4 MiB per shard, taken only when data arrives.</summary>
    public int ProvidedBufferCount { get; init; } = 1024;

    /// <summary>Bytes per provided buffer. Default 4096 (one page).</summary>
    public int ProvidedBufferSizeBytes { get; init; } = 4096;

    /// <summary>The setup-ladder rung to start from (0 = the top, all flags). Tests use it to exercise the lower rungs.</summary>
    public int FirstSetupRung { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (SubmissionEntries < 1 || SubmissionEntries > SubmissionEntriesMax)
        {
            throw new ArgumentOutOfRangeException(nameof(SubmissionEntries), SubmissionEntries,
                $"{nameof(SubmissionEntries)} must be from 1 to {SubmissionEntriesMax}.");
        }

        if (ProvidedBufferCount < 0 || ProvidedBufferCount > 32768 || (ProvidedBufferCount & (ProvidedBufferCount - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ProvidedBufferCount), ProvidedBufferCount,
                $"{nameof(ProvidedBufferCount)} must be 0 or a power of two up to 32768.");
        }

        if (ProvidedBufferSizeBytes < 1 || ProvidedBufferSizeBytes > 1 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(ProvidedBufferSizeBytes), ProvidedBufferSizeBytes,
                $"{nameof(ProvidedBufferSizeBytes)} must be from 1 to 1 MiB.");
        }

        if (FirstSetupRung < 0 || FirstSetupRung >= IoUringSetupLadder.RungCount)
        {
            throw new ArgumentOutOfRangeException(nameof(FirstSetupRung), FirstSetupRung,
                $"{nameof(FirstSetupRung)} must be from 0 to {IoUringSetupLadder.RungCount - 1}.");
        }
    }
}
