namespace Tina.Io.Reactor;

/// <summary>
/// Bits of <see cref="IoCompletionEntry.Flags"/>. The layout is io_uring's CQE flags, so that backend passes them
/// through untranslated; the other backends set the same bits when they emulate the feature.
/// </summary>
internal static class IoCompletionFlags
{
    /// <summary>The completion carries a provided buffer whose id sits in the upper 16 bits (IORING_CQE_F_BUFFER).</summary>
    public const uint BufferSelected = 1u << 0;

    /// <summary>The submission stays armed: more completions with the same token follow (IORING_CQE_F_MORE).</summary>
    public const uint More = 1u << 1;

    /// <summary>After a receive, the socket still had data queued (IORING_CQE_F_SOCK_NONEMPTY); a hint only.</summary>
    public const uint SocketNonEmpty = 1u << 2;

    /// <summary>Where the provided buffer id starts (IORING_CQE_BUFFER_SHIFT).</summary>
    public const int BufferIdShift = 16;
}
