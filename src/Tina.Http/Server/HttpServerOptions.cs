using System;
using System.Globalization;
using Tina.Http.Parsing;
using Tina.Io;

namespace Tina.Http.Server;

/// <summary>
/// Limits and settings of an <see cref="HttpServer"/>. Strict by default; every field is validated at boot
/// (<see cref="HttpServer.Configure"/>), and a bad one throws a <see cref="TinaConfigurationException"/> naming it
/// (<c>HttpServerOptions.HeaderTimeout</c>, <c>HttpServerOptions.Parser.MaxHeaderCount</c>...).
/// </summary>
public sealed class HttpServerOptions
{
    /// <summary>The local address to listen on (default every interface).</summary>
    public IoAddress Address { get; set; } = IoAddress.Any;

    /// <summary>The port every shard listens on (SO_REUSEPORT), 0..65535; 0 picks one per shard (tests).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Listen backlog, 1..65535.</summary>
    public int Backlog { get; set; } = IoContextExtensions.DefaultBacklog;

    /// <summary>The request parser's limits (request line, header section, header count, body, chunk line) and leniencies.</summary>
    public HttpParserOptions Parser { get; set; } = HttpParserOptions.Default;

    /// <summary>
    /// The whole request head (from its first byte, or from accept for a connection's first request, to the end of the
    /// header section) must arrive within this (default 30 s); past it: 408 and close. One timeout over the whole block,
    /// not per read, so a client trickling one byte a second gains nothing (slowloris). 1 ms..1 day.
    /// </summary>
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Minimum average body rate in bytes per second, enforced after <see cref="MinRequestBodyRateGrace"/> from the end
    /// of the head (default 240); a slower body gets 408 and close. 0 turns it off (a body read that then waits
    /// <see cref="KeepAliveTimeout"/> without a byte gets 408 and close). 0..1 GiB/s.
    /// </summary>
    public int MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>How long a body may arrive at any rate before <see cref="MinRequestBodyBytesPerSecond"/> applies (default 5 s). 0..1 day.</summary>
    public TimeSpan MinRequestBodyRateGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A kept-alive connection with no byte of a next request for this long is closed, without a response (default 75 s). 1 ms..1 day.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(75);

    /// <summary>
    /// Lingering close (default 2 s; 0: off): a connection closed after an error answer (a parser status, 413, 431, a
    /// 503 with its body unread) first shuts its send side and reads and drops what the client is still sending, for at
    /// most this long, so the client reads the answer instead of a reset that discards it. Linux (epoll, io_uring)
    /// only; elsewhere the connection closes at once. 0..1 day.
    /// </summary>
    public TimeSpan LingerTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most request bytes a lingering close reads and drops before it closes anyway (default 1 MiB). 0..1 GiB.</summary>
    public long LingerMaxBytes { get; set; } = 1 << 20;

    /// <summary>Requests served on one connection; the last response carries <c>Connection: close</c> (default 1,000). 1..int.MaxValue.</summary>
    public int MaxRequestsPerConnection { get; set; } = 1000;

    /// <summary>
    /// Open connections per shard (default 1,024): a connection accepted beyond it is closed at once, unanswered. Also
    /// the slot count of the connection isolate type. 1..1,048,575.
    /// </summary>
    public int MaxConnectionsPerShard { get; set; } = 1024;

    /// <summary>Open connections per client address on one shard (default 64); beyond it a new one is closed at once. 1..1,048,575.</summary>
    public int MaxConnectionsPerClient { get; set; } = 64;

    /// <summary>
    /// Timeout of the Call to a handler isolate (default 10 s); a handler that does not answer in time gets the request
    /// a 504. 1 ms..1 day.
    /// </summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Responses buffered on a connection while its previous send is in flight (default 64 KiB): past it the connection
    /// stops parsing pipelined requests until the send completes. 1 KiB..16 MiB.
    /// </summary>
    public int MaxPendingResponseBytes { get; set; } = 64 * 1024;

    /// <summary>Bytes asked per Receive (default 16 KiB; the reactor serves at most one I/O buffer). 512..1 MiB.</summary>
    public int ReceiveBytes { get; set; } = 16 * 1024;

    /// <summary>Timeout of each response send (default 30 s); a send that times out closes the connection (the reactor's rule). 1 ms..1 day.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Mailbox capacity of each handler isolate (default 256): a full one fails the call at once, answered 503. 1..65,536.</summary>
    public int HandlerMailboxCapacity { get; set; } = 256;

    /// <summary>
    /// The connection isolates' share of each tick's dispatch (their type's <c>BudgetWeight</c>: this ×
    /// <c>TinaSpec.DispatchQuantum</c> connection invocations per tick; default 1, 1..255). A shard flushes what its
    /// isolates wrote (responses included) once per tick, so a tick that runs a CPU-heavy handler
    /// <c>DispatchQuantum</c> times delays every response by that much; a smaller <c>DispatchQuantum</c> with a larger
    /// weight here keeps the connections' share per tick while shortening the handlers' (design/http.md).
    /// </summary>
    public int ConnectionBudgetWeight { get; set; } = 1;

    /// <summary>
    /// Largest request handed to a handler isolate, head (method, target, fields, in the layout of
    /// <see cref="HttpRequestView"/>) and body together (default 64 KiB); a bigger one gets 413 (body) or 431 (head) and
    /// close, before any body is read when the length is declared. 256..16 MiB.
    /// </summary>
    public int MaxHandlerRequestBytes { get; set; } = 64 * 1024;

    /// <summary>Largest response a handler may write (header lines and body together, default 64 KiB). 64..16 MiB.</summary>
    public int MaxHandlerResponseBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Handler calls in flight at once on one shard (default 256, the same as <see cref="MaxHandlerQueue"/>): each holds
    /// one call slot (a request and a response area, allocated at the slot's first use and kept). A request past its
    /// class's share of the slots gets 503, so size it to the requests a shard should have in flight: every client
    /// connection waiting on a handler holds one. 1..65,536.
    /// </summary>
    public int HandlerCallSlotsPerShard { get; set; } = 256;

    /// <summary>
    /// Load shedding: calls out to one handler isolate of a shard (in its mailbox or held by it) at which a
    /// <see cref="HttpPriority.High"/> request to it is shed with 503 and <c>Retry-After</c> (default 256); lower classes
    /// are shed at their percentage of it. 1..65,536.
    /// </summary>
    public int MaxHandlerQueue { get; set; } = 256;

    /// <summary>
    /// Load shedding: the standing queueing delay (the minimum wait, over a whole <see cref="QueueDelayInterval"/>,
    /// between a handler Call and the handler starting on it) above which a <see cref="HttpPriority.High"/> request is
    /// shed (default 100 ms; lower classes at their percentage of it). Zero turns the signal off. 0..1 min.
    /// </summary>
    public TimeSpan QueueDelayTarget { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The interval over which the minimum queueing delay is taken (default 100 ms). 1 ms..1 min.</summary>
    public TimeSpan QueueDelayInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Load shedding: <see cref="HttpPriority.Low"/> requests are shed at this percentage of each signal's limit (default 50). 1..100, at most <see cref="NormalPriorityShedPercent"/>.</summary>
    public int LowPriorityShedPercent { get; set; } = 50;

    /// <summary>Load shedding: <see cref="HttpPriority.Normal"/> requests are shed at this percentage of each signal's limit (default 75). 1..100.</summary>
    public int NormalPriorityShedPercent { get; set; } = 75;

    /// <summary>The <c>Retry-After</c> of a shed request's 503, in seconds (default 1). 0..86,400.</summary>
    public int ShedRetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// A request header that sets the request's <see cref="HttpPriority"/> (<c>high</c>, <c>normal</c> or <c>low</c>,
    /// any case; another value keeps the route's), or null (default): the route's class only. The client chooses its
    /// own class with it, so set it only behind a front that sets or strips the header. A token of at most 64 bytes.
    /// </summary>
    public string? PriorityHeader { get; set; }

    /// <summary>A copy (the server freezes one at construction so later edits cannot change a running server).</summary>
    public HttpServerOptions Clone() => (HttpServerOptions)MemberwiseClone();

    /// <summary>Throws <see cref="TinaConfigurationException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        Range(nameof(Port), Port, 0, 65535);
        Range(nameof(Backlog), Backlog, 1, 65535);
        if (Parser is null)
        {
            throw new TinaConfigurationException("HttpServerOptions.Parser", "null", "a HttpParserOptions");
        }

        try
        {
            Parser.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new TinaConfigurationException($"HttpServerOptions.Parser.{e.ParamName}", Convert.ToString(e.ActualValue, CultureInfo.InvariantCulture) ?? "?", e.Message);
        }

        Duration(nameof(HeaderTimeout), HeaderTimeout, TimeSpan.FromMilliseconds(1));
        Range(nameof(MinRequestBodyBytesPerSecond), MinRequestBodyBytesPerSecond, 0, 1 << 30);
        Duration(nameof(MinRequestBodyRateGrace), MinRequestBodyRateGrace, TimeSpan.Zero);
        Duration(nameof(KeepAliveTimeout), KeepAliveTimeout, TimeSpan.FromMilliseconds(1));
        Duration(nameof(LingerTimeout), LingerTimeout, TimeSpan.Zero);
        Range(nameof(LingerMaxBytes), LingerMaxBytes, 0, 1 << 30);
        Range(nameof(MaxRequestsPerConnection), MaxRequestsPerConnection, 1, int.MaxValue);
        Range(nameof(MaxConnectionsPerShard), MaxConnectionsPerShard, 1, Handle.SlotMax);
        Range(nameof(MaxConnectionsPerClient), MaxConnectionsPerClient, 1, Handle.SlotMax);
        Duration(nameof(HandlerTimeout), HandlerTimeout, TimeSpan.FromMilliseconds(1));
        Range(nameof(MaxPendingResponseBytes), MaxPendingResponseBytes, 1024, 16 << 20);
        Range(nameof(ReceiveBytes), ReceiveBytes, 512, 1 << 20);
        Duration(nameof(SendTimeout), SendTimeout, TimeSpan.FromMilliseconds(1));
        Range(nameof(HandlerMailboxCapacity), HandlerMailboxCapacity, 1, 65536);
        Range(nameof(ConnectionBudgetWeight), ConnectionBudgetWeight, 1, 255);
        Range(nameof(MaxHandlerRequestBytes), MaxHandlerRequestBytes, 256, 16 << 20);
        Range(nameof(MaxHandlerResponseBytes), MaxHandlerResponseBytes, 64, 16 << 20);
        Range(nameof(HandlerCallSlotsPerShard), HandlerCallSlotsPerShard, 1, 65536);
        Range(nameof(MaxHandlerQueue), MaxHandlerQueue, 1, 65536);
        if (QueueDelayTarget < TimeSpan.Zero || QueueDelayTarget > TimeSpan.FromMinutes(1))
        {
            throw new TinaConfigurationException(
                "HttpServerOptions." + nameof(QueueDelayTarget), QueueDelayTarget.ToString("c", CultureInfo.InvariantCulture), "must be in 00:00:00..00:01:00 (0: off)");
        }

        if (QueueDelayInterval < TimeSpan.FromMilliseconds(1) || QueueDelayInterval > TimeSpan.FromMinutes(1))
        {
            throw new TinaConfigurationException(
                "HttpServerOptions." + nameof(QueueDelayInterval), QueueDelayInterval.ToString("c", CultureInfo.InvariantCulture), "must be in 00:00:00.0010000..00:01:00");
        }

        Range(nameof(NormalPriorityShedPercent), NormalPriorityShedPercent, 1, 100);
        Range(nameof(LowPriorityShedPercent), LowPriorityShedPercent, 1, NormalPriorityShedPercent);
        Range(nameof(ShedRetryAfterSeconds), ShedRetryAfterSeconds, 0, 86400);
        if (PriorityHeader is not null && !IsToken(PriorityHeader))
        {
            throw new TinaConfigurationException("HttpServerOptions." + nameof(PriorityHeader), PriorityHeader, "a header name (a token of 1..64 visible ASCII bytes)");
        }
    }

    private static bool IsToken(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (c <= ' ' || c >= 0x7F || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static void Range(string field, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            throw new TinaConfigurationException(
                "HttpServerOptions." + field, value.ToString(CultureInfo.InvariantCulture), $"must be in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static void Duration(string field, TimeSpan value, TimeSpan min)
    {
        if (value < min || value > TimeSpan.FromDays(1))
        {
            throw new TinaConfigurationException(
                "HttpServerOptions." + field, value.ToString("c", CultureInfo.InvariantCulture), $"must be in {min.ToString("c", CultureInfo.InvariantCulture)}..1.00:00:00");
        }
    }
}
