namespace Tina.Io.Reactor;

/// <summary>
/// One operation handed to a backend. Buffers and addresses are native memory owned by the reactor and pinned for
/// the reactor's life, so the kernel may hold them while the operation is in flight.
/// </summary>
internal struct IoSubmission
{
    /// <summary>Tokens from this value up are reserved for backends' own operations (wake reads, self-tests, cancels at
    /// dispose); a submission carrying one completes with −EINVAL. The reactor's layout never produces them.</summary>
    public const ulong ReservedTokenMinimum = 0xFFFF_FFFF_FFFF_FF00;

    /// <summary>Comes back unchanged in the completion: names the operation (see <see cref="IoToken"/>).</summary>
    public ulong Token;
    public IoOpCode Op;
    /// <summary>The socket descriptor.</summary>
    public int Descriptor;
    /// <summary>Data to send, or room to receive into (native, pinned). Never longer than the buffer slot.</summary>
    public nint Buffer;
    public int Length;
    /// <summary>For Connect: a sockaddr in native memory, and its length.</summary>
    public nint Address;
    public int AddressLength;
    /// <summary>
    /// For <see cref="IoOpCode.Cancel"/>: the token of the one operation to cancel (io_uring ASYNC_CANCEL by user_data,
    /// CancelIoEx by OVERLAPPED); 0 cancels every operation on <see cref="Descriptor"/>.
    /// </summary>
    public ulong TargetToken;
}
