namespace Tina.Simulation.Workloads;

/// <summary>
/// What one http-server client saw over its sessions (one connection each). Written by that client isolate only; read
/// by the workload's checker between rounds.
/// </summary>
internal sealed class HttpClientTally
{
    /// <summary>Sessions the client was to run, and those it finished (connected or not).</summary>
    public int Sessions { get; set; }

    /// <inheritdoc cref="Sessions"/>
    public int SessionsDone { get; set; }

    /// <summary>Sessions whose connect succeeded (the server's accepts and refusals can be no more).</summary>
    public int Connected { get; set; }

    /// <summary>Connects that failed (refused, timed out, EIO, reset), and sessions begun after the faults stopped.</summary>
    public int ConnectFailures { get; set; }

    /// <inheritdoc cref="ConnectFailures"/>
    public int CalmSessions { get; set; }

    /// <summary>Requests whose first byte went out; valid ones whose whole head went out; malformed ones begun.</summary>
    public long RequestsStarted { get; set; }

    /// <inheritdoc cref="RequestsStarted"/>
    public long ValidHeadsSent { get; set; }

    /// <inheritdoc cref="RequestsStarted"/>
    public long MalformedSent { get; set; }

    /// <summary>Responses received, each matched to its request and checked.</summary>
    public long Responses { get; set; }

    /// <summary>Responses by what they were: static-route, 404 and 405 answers (the connection's own, inline); handler answers 200; parser rejections (400, 501, 505); 408s; 503s with Retry-After (shed); 500/503/504 handler failures.</summary>
    public long InlineAnswers { get; set; }

    /// <inheritdoc cref="InlineAnswers"/>
    public long HandlerOk { get; set; }

    /// <inheritdoc cref="InlineAnswers"/>
    public long ParseRejections { get; set; }

    /// <inheritdoc cref="InlineAnswers"/>
    public long Timeouts408 { get; set; }

    /// <inheritdoc cref="InlineAnswers"/>
    public long Shed { get; set; }

    /// <inheritdoc cref="InlineAnswers"/>
    public long HandlerFailures { get; set; }

    /// <summary>Responses that said <c>Connection: close</c>, and connections that then ended as they must.</summary>
    public long CloseResponses { get; set; }

    /// <summary>Requests left unanswered on a connection that ended (by the client's abort, a reset, an error or the server's close).</summary>
    public long Unanswered { get; set; }

    /// <summary>Sessions the client ended mid-request (reset or close), kept-alive connections the server closed when idle, sessions ended by an I/O error or a timeout (during faults).</summary>
    public long Aborts { get; set; }

    /// <inheritdoc cref="Aborts"/>
    public long IdleCloses { get; set; }

    /// <inheritdoc cref="Aborts"/>
    public long IoFailures { get; set; }

    /// <inheritdoc cref="Aborts"/>
    public long ReadTimeouts { get; set; }

    /// <summary>Calm connections the server closed under a request that may have crossed its idle timeout (allowed: the keep-alive race).</summary>
    public long IdleRaces { get; set; }

    /// <summary>Pipelined batches (two or more requests in one go) and slow-peer sessions.</summary>
    public long PipelinedBatches { get; set; }

    /// <inheritdoc cref="PipelinedBatches"/>
    public long SlowSessions { get; set; }

    /// <summary>Broken rules (must stay 0), and the first one described.</summary>
    public int Violations { get; set; }

    /// <inheritdoc cref="Violations"/>
    public string? FirstViolation { get; set; }

    /// <summary>The client's socket is closed (true between sessions and at the end).</summary>
    public bool SocketClosed { get; set; } = true;

    public bool Finished => SessionsDone == Sessions && SocketClosed;
}
