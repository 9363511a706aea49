namespace Tina.Io.Backends.Simulated;

/// <summary>
/// The simulated network's knobs. Rates are integer parts per million (0 = off), times are nanoseconds of the
/// simulation clock. Defaults: no delay, no faults, 64 KiB per socket receive window, no provided buffers (so no
/// multishot receive), no multishot accept.
/// </summary>
internal sealed class SimulatedNetworkOptions
{
    /// <summary>Shortest one-way delay of a segment, a connection attempt or its answer.</summary>
    public long MinDelayNanoseconds { get; set; }

    /// <summary>Longest one-way delay; each segment draws uniformly in [min, max]. Different connections' segments
    /// interleave in any order this allows; one connection's bytes stay in order (it is TCP).</summary>
    public long MaxDelayNanoseconds { get; set; }

    /// <summary>Segments or connection attempts lost and retransmitted: they arrive <see cref="RetransmitNanoseconds"/> later.</summary>
    public int DropPerMillion { get; set; }

    /// <summary>Extra delay of a retransmission (and the retry period while a partition holds traffic).</summary>
    public long RetransmitNanoseconds { get; set; } = 1_000_000;

    /// <summary>Segments held back by up to <see cref="ReorderNanoseconds"/> more, so other connections overtake them.</summary>
    public int ReorderPerMillion { get; set; }

    /// <summary>Largest extra delay of a reordered segment.</summary>
    public long ReorderNanoseconds { get; set; } = 500_000;

    /// <summary>Sends that reset their connection (both ends then fail with ECONNRESET).</summary>
    public int ResetPerMillion { get; set; }

    /// <summary>Receives, sends, accepts and connects that fail at once with <see cref="ErrorNumber"/>.</summary>
    public int ErrorPerMillion { get; set; }

    /// <summary>The errno of an injected failure. Default EIO.</summary>
    public int ErrorNumber { get; set; } = Interop.Errno.EIO;

    /// <summary>Bytes a socket buffers for its reader (power of two); a sender writes short when it is full.</summary>
    public int ReceiveWindowBytes { get; set; } = 64 * 1024;

    /// <summary>Sockets alive at once (listeners and both ends of each connection).</summary>
    public int SocketCapacity { get; set; } = 65536;

    /// <summary>
    /// Provided receive buffers per shard (per <see cref="SimulatedBackend"/>), 0 to 32768. Above 0 the backends report
    /// <see cref="Reactor.IoBackendCapabilities.MultishotReceive"/> and run <see cref="Reactor.IoOpCode.ReceiveMultishot"/>
    /// into buffers of their own, as io_uring does with its provided buffer ring; 0 (the default) leaves the feature off
    /// and the operation fails with EOPNOTSUPP, as on a kernel without it.
    /// </summary>
    public int ProvidedBufferCount { get; set; }

    /// <summary>Bytes in each provided receive buffer, 1 to 1 MiB; a receive fills at most one buffer per completion.</summary>
    public int ProvidedBufferSize { get; set; } = 4096;

    /// <summary>
    /// When true the backends report <see cref="Reactor.IoBackendCapabilities.MultishotAccept"/> and run
    /// <see cref="Reactor.IoOpCode.AcceptMultishot"/> as io_uring does: the arm stays parked on the listener and posts
    /// one completion with More per connection. False (the default) runs it as a single accept, whose completion lacks
    /// More, as on a kernel without the feature.
    /// </summary>
    public bool MultishotAccept { get; set; }

    /// <summary>
    /// Connections at which a live multishot accept arm ends with EMFILE (no More; the connection stays queued for a
    /// later accept), as when the process runs out of descriptors. Drawn once per connection the arm would take.
    /// One-shot accepts never draw it.
    /// </summary>
    public int AcceptEmfilePerMillion { get; set; }
}
