using System;
using System.Globalization;
using Tina.Io.Backends.Simulated;

namespace Tina.Io;

/// <summary>
/// Per-shard I/O settings for <see cref="IoSpecExtensions.UseIo"/>. Every shard gets its own reactor, connection
/// table and buffer pool of these sizes, allocated when the shard starts and never grown.
/// </summary>
public sealed class IoOptions
{
    /// <summary>Largest <see cref="ConnectionCapacity"/> (the token's index field is 24 bits; this leaves headroom).</summary>
    public const int ConnectionCapacityMax = 1 << 20;

    /// <summary>Largest <see cref="BufferCount"/>.</summary>
    public const int BufferCountMax = 1 << 20;

    /// <summary>Which backend every shard uses. Default <see cref="IoBackendKind.Auto"/>.</summary>
    public IoBackendKind Backend { get; set; } = IoBackendKind.Auto;

    /// <summary>
    /// Sockets per shard: listeners, connections and entries still closing (1..1,048,576). Default 1,024. A full table
    /// makes Listen and Connect fail with <see cref="IoErrorKind.ConnectionTableFull"/> and pauses Accept.
    /// </summary>
    public int ConnectionCapacity { get; set; } = 1024;

    /// <summary>
    /// Native I/O buffers per shard (1..1,048,576). Default 256. A receive holds one from the moment bytes are read
    /// (epoll takes it on readiness; io_uring reads into its provided-buffer ring and uses the pool only when that ring
    /// is empty) until its isolate has handled the completion, so an idle connection waiting to read holds none (IOCP,
    /// and io_uring with <see cref="ReceiveBufferCount"/> 0, still take one when the receive is submitted). Every send
    /// holds one until it is written. When none is free a receive waits for one (bounded by its timeout, counted in
    /// <see cref="IoCounter.BufferWaits"/>) and a send fails with <see cref="IoErrorKind.BuffersExhausted"/> (its bytes
    /// must be copied while its handler runs). Size it to peak concurrent transfers.
    /// </summary>
    public int BufferCount { get; set; } = 256;

    /// <summary>
    /// Bytes per buffer (power of two, 512..16,777,216). Default 16,384. The largest receive and the largest send.
    /// Count × size must stay within 4 GiB per shard.
    /// </summary>
    public int BufferSize { get; set; } = 16 * 1024;

    /// <summary>Largest <see cref="ReceiveBufferCount"/> (io_uring buffer ids are 16 bits; the kernel caps a ring at 32,768).</summary>
    public const int ReceiveBufferCountMax = 1 << 15;

    /// <summary>
    /// Provided receive buffers per shard for multishot receive (0, or a power of two up to 32,768). Default 256. On
    /// io_uring each connection's Receives are served by one multishot receive whose buffers the kernel picks from this
    /// ring only when bytes arrive, so an idle connection holds no buffer; a Receive returns at most one buffer's bytes
    /// (<see cref="BufferSize"/>, at most 64 KiB). When the ring is empty a Receive falls back to a one-shot receive into
    /// the pool. 0 turns multishot receive off (every Receive posts a one-shot receive into a pool buffer). Backends
    /// without provided buffers (epoll, IOCP) ignore it.
    /// </summary>
    public int ReceiveBufferCount { get; set; } = 256;

    /// <summary>Bytes per provided receive buffer: <see cref="BufferSize"/>, at most 64 KiB (a ring of 1 MiB buffers would pin 256 MiB per shard by default).</summary>
    internal int ReceiveBufferSize => Math.Min(BufferSize, 64 * 1024);

    /// <summary>Submissions handed to the backend per call, and completions taken per call (1..65,536). Default 256.</summary>
    public int SubmissionBatchSize { get; set; } = 256;

    /// <summary>
    /// How long an accept pauses when the connection table is full or the process is out of descriptors
    /// (1 ms..1 min). Default 50 ms: the listener does not spin, and the kernel queues new connections meanwhile.
    /// </summary>
    public TimeSpan AcceptBackoff { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// What a listener does when the connection table is truly full (every entry in use or promised to a connection
    /// already accepted). Default <see cref="Io.AcceptOverflowPolicy.Pause"/>: stop accepting and leave new connections in
    /// the kernel's backlog; <see cref="Io.AcceptOverflowPolicy.Close"/> closes them instead. Either way a connection the
    /// kernel accepted while there was room is never closed by the reactor, and refusals are counted
    /// (<see cref="IoCounter.AcceptPauses"/>, <see cref="IoCounter.AcceptsRefusedTableFull"/>) and logged at most once a second.
    /// </summary>
    public AcceptOverflowPolicy AcceptOverflowPolicy { get; set; } = AcceptOverflowPolicy.Pause;

    /// <summary>Set TCP_NODELAY on accepted and connected sockets. Default true (request/response latency over batching).</summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>
    /// SO_SNDBUF for accepted and connected sockets, in bytes (0 = the OS default and its autotuning; else
    /// 1,024..1,073,741,824). Smaller buffers bound memory per connection and make large sends complete in parts.
    /// </summary>
    public int SocketSendBufferBytes { get; set; }

    /// <summary>SO_RCVBUF for accepted and connected sockets, in bytes (0 = the OS default; else 1,024..1,073,741,824).</summary>
    public int SocketReceiveBufferBytes { get; set; }

    /// <summary>For <see cref="IoBackendKind.Simulated"/>: the seed of the simulated network's random choices. Default 1.</summary>
    public ulong SimulationSeed { get; set; } = 1;

    /// <summary>For <see cref="IoBackendKind.Simulated"/>: the network every shard shares (set by the simulator or tests).</summary>
    internal SimulatedNetwork? Network { get; set; }

    /// <summary>
    /// Most provided receive buffers (multishot receive) one connection may hold with bytes its isolate has not read
    /// yet (0, or 1..<see cref="ReceiveBufferCount"/>). Default 0: <see cref="ReceiveBufferCount"/> / 16, at least 2. At
    /// that mark the connection's multishot receive is paused (the socket's buffer, then TCP flow control, hold the
    /// rest) and re-armed once its isolate has read below it, so one connection that does not read cannot take the
    /// ring from the others (<see cref="IoCounter.ReceivePauses"/>).
    /// </summary>
    public int ReceiveBuffersPerConnection { get; set; }

    /// <summary>
    /// Most pool buffers one copying send may take (its payload is copied into a chain of them), so one connection
    /// cannot take the shard's pool from the others: 0, or 1..<see cref="BufferCount"/>. Default 0: a quarter of
    /// <see cref="BufferCount"/>, at least 1 (64 buffers, 1 MiB, with the defaults). A larger payload completes with
    /// <see cref="IoErrorKind.TooLarge"/> and nothing sent. With one send and one receive per connection at a time,
    /// a connection holds at most this many pool buffers plus one for its receive (and one for bytes a timed-out
    /// receive brought in late).
    /// </summary>
    public int SendBuffersPerConnection { get; set; }

    /// <summary>
    /// Pool buffers receives leave to sends: receives hold at most <see cref="BufferCount"/> less this many at once,
    /// and a receive past that waits for a buffer (<see cref="IoCounter.BufferWaits"/>). Receives can wait and a copying send cannot (its bytes exist
    /// only while its handler runs), so a burst of receives must not make the sends that answer them fail: with at
    /// most half the pool receiving at once, the replies to one Collect's receives fit in the other half. 0, or
    /// 1..<see cref="BufferCount"/> - 1. Default 0: half of <see cref="BufferCount"/> (none for a one-buffer pool).
    /// </summary>
    public int SendReserve { get; set; }

    /// <summary>Checks every field; throws <see cref="TinaConfigurationException"/> naming the first invalid one.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Backend))
        {
            throw new TinaConfigurationException(nameof(Backend), Backend.ToString(), "must be Auto, IoUring, Epoll, Iocp or Simulated");
        }

        if (!Enum.IsDefined(AcceptOverflowPolicy))
        {
            throw new TinaConfigurationException(nameof(AcceptOverflowPolicy), AcceptOverflowPolicy.ToString(), "must be Pause or Close");
        }

        Range(nameof(ConnectionCapacity), ConnectionCapacity, 1, ConnectionCapacityMax);
        Range(nameof(BufferCount), BufferCount, 1, BufferCountMax);
        if (BufferSize < 512 || BufferSize > (1 << 24) || (BufferSize & (BufferSize - 1)) != 0)
        {
            throw new TinaConfigurationException(nameof(BufferSize), Format(BufferSize), "must be a power of two in 512..16777216");
        }

        if ((long)BufferCount * BufferSize > 4L << 30)
        {
            throw new TinaConfigurationException(
                nameof(BufferCount), Format(BufferCount), $"times BufferSize ({Format(BufferSize)}) must be at most 4 GiB per shard");
        }

        if (ReceiveBufferCount < 0 || ReceiveBufferCount > ReceiveBufferCountMax || (ReceiveBufferCount & (ReceiveBufferCount - 1)) != 0)
        {
            throw new TinaConfigurationException(nameof(ReceiveBufferCount), Format(ReceiveBufferCount), "must be 0 or a power of two up to 32768");
        }

        if (ReceiveBuffersPerConnection != 0)
        {
            Range(nameof(ReceiveBuffersPerConnection), ReceiveBuffersPerConnection, 1, ReceiveBufferCount > 0 ? ReceiveBufferCount : ReceiveBufferCountMax);
        }

        if (SendReserve != 0)
        {
            Range(nameof(SendReserve), SendReserve, 1, BufferCount - 1);
        }

        if (SendBuffersPerConnection != 0)
        {
            Range(nameof(SendBuffersPerConnection), SendBuffersPerConnection, 1, BufferCount);
        }

        Range(nameof(SubmissionBatchSize), SubmissionBatchSize, 1, 65536);
        if (SocketSendBufferBytes != 0)
        {
            Range(nameof(SocketSendBufferBytes), SocketSendBufferBytes, 1024, 1 << 30);
        }

        if (SocketReceiveBufferBytes != 0)
        {
            Range(nameof(SocketReceiveBufferBytes), SocketReceiveBufferBytes, 1024, 1 << 30);
        }

        if (AcceptBackoff < TimeSpan.FromMilliseconds(1) || AcceptBackoff > TimeSpan.FromMinutes(1))
        {
            throw new TinaConfigurationException(
                nameof(AcceptBackoff), AcceptBackoff.ToString("c", CultureInfo.InvariantCulture), "must be 00:00:00.001..00:01:00");
        }

        Lifetime(nameof(IdleTimeout), IdleTimeout);
        Lifetime(nameof(ReceiveTimeout), ReceiveTimeout);
        Lifetime(nameof(SendTimeout), SendTimeout);
    }

    /// <summary>
    /// A connection on which no byte moved either way (received or written) for this long is closed by the reactor;
    /// operations waiting on it complete with <see cref="IoErrorKind.TimedOut"/>. Zero (the default) turns it off.
    /// Listeners are never idle-closed. At most one day.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; }

    /// <summary>
    /// The timeout of a Receive called with the default timeout (zero). Zero (the default) means none; pass
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> to one call for none regardless. At most one day.
    /// </summary>
    public TimeSpan ReceiveTimeout { get; set; }

    /// <summary>
    /// The timeout of a Send called with the default timeout (zero): default 30 s, so a peer that stops reading
    /// cannot hold a connection and its buffer forever. A send that times out closes its connection (what was written
    /// of it is unknown, so the stream is undefined): <see cref="IoCounter.SendTimeoutCloses"/>. Zero means none.
    /// At most one day.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal IoOptions Clone() => (IoOptions)MemberwiseClone();

    private static void Lifetime(string field, TimeSpan value)
    {
        if (value < TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw new TinaConfigurationException(field, value.ToString("c", CultureInfo.InvariantCulture), "must be 00:00:00 (none)..1.00:00:00");
        }
    }

    private static void Range(string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            throw new TinaConfigurationException(field, Format(value), $"must be {Format(min)}..{Format(max)}");
        }
    }

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
