using Tina.Io.Reactor;

namespace Tina.Io.Backends.IoUring;

/// <summary>
/// user_data values of the backend's own operations, all in the reserved range at the top of the token space
/// (<see cref="IoSubmission.ReservedTokenMinimum"/>), which the reactor never submits. Their CQEs are consumed inside
/// the backend and never reach <see cref="IIoBackend.Collect"/>.
/// </summary>
internal static class IoUringTokens
{
    private const ulong Base = IoSubmission.ReservedTokenMinimum;

    /// <summary>The eventfd read kept armed for <see cref="IIoBackend.Wake"/>.</summary>
    public const ulong WakeRead = Base + 1;
    /// <summary>A CQE another ring posted here with MSG_RING (a cross-shard wake).</summary>
    public const ulong WakeMessage = Base + 2;
    /// <summary>Our own MSG_RING submission; its CQE appears only on failure (CQE_SKIP_SUCCESS).</summary>
    public const ulong WakeSend = Base + 3;
    /// <summary>Boot self-test: NOP round trip.</summary>
    public const ulong SelfTestNop = Base + 4;
    /// <summary>Boot self-test: multishot receive with a provided buffer.</summary>
    public const ulong SelfTestReceive = Base + 5;
    /// <summary>Boot self-test: multishot accept.</summary>
    public const ulong SelfTestAccept = Base + 6;
    /// <summary>Boot self-test: the cancel that ends a multishot arm.</summary>
    public const ulong SelfTestCancel = Base + 7;
    /// <summary>The cancel-everything issued by Dispose.</summary>
    public const ulong DisposeCancel = Base + 8;
    /// <summary>After completions were lost: the cancel of the wake read, whose own completion may have been one.</summary>
    public const ulong WakeReadResync = Base + 9;

    /// <summary>True for a token of the backend's own.</summary>
    public static bool IsInternal(ulong token) => token >= Base;
}
