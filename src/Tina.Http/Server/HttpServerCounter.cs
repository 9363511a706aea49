namespace Tina.Http.Server;

/// <summary>Per-shard counters of an <see cref="HttpServer"/> (read with <see cref="HttpServer.Counter"/>).</summary>
public enum HttpServerCounter
{
    /// <summary>Connections accepted and given a connection isolate.</summary>
    ConnectionsAccepted,

    /// <summary>Connections closed at once because the shard had <see cref="HttpServerOptions.MaxConnectionsPerShard"/> open.</summary>
    ConnectionsRefusedShardLimit,

    /// <summary>Connections closed at once because their client had <see cref="HttpServerOptions.MaxConnectionsPerClient"/> open.</summary>
    ConnectionsRefusedClientLimit,

    /// <summary>Connections closed at once because no connection isolate could be spawned.</summary>
    ConnectionsRefusedSpawn,

    /// <summary>Connection isolates that ended (every accepted connection ends here once).</summary>
    ConnectionsClosed,

    /// <summary>Request heads parsed.</summary>
    Requests,

    /// <summary>Responses answered inline by the connection (static routes, 404, 405).</summary>
    InlineResponses,

    /// <summary>Calls made to handler isolates.</summary>
    HandlerCalls,

    /// <summary>Handler calls that ended without a usable response (answered 500, 503 or 504).</summary>
    HandlerFailures,

    /// <summary>Requests the parser rejected (answered with its status and close).</summary>
    ParseErrors,

    /// <summary>Heads that did not arrive within <see cref="HttpServerOptions.HeaderTimeout"/> (408 and close).</summary>
    HeaderTimeouts,

    /// <summary>Bodies slower than <see cref="HttpServerOptions.MinRequestBodyBytesPerSecond"/> (408 and close).</summary>
    BodyRateTimeouts,

    /// <summary>Kept-alive connections closed after <see cref="HttpServerOptions.KeepAliveTimeout"/> without a next request.</summary>
    IdleTimeouts,

    /// <summary><c>100 Continue</c> interim responses sent.</summary>
    ContinuesSent,

    /// <summary>Requests too large for a handler (413, 431), or finding no call slot free (503; shedding by call slots normally answers first, see <see cref="ShedCallSlots"/>).</summary>
    HandlerRequestsRefused,

    /// <summary>Times parsing stopped because unsent responses reached <see cref="HttpServerOptions.MaxPendingResponseBytes"/> (received bytes waited in the stash).</summary>
    ParsePauses,

    /// <summary>Requests shed (503, <c>Retry-After</c>) because the shard's open connections passed their class's share of <see cref="HttpServerOptions.MaxConnectionsPerShard"/>; the connection closes after it.</summary>
    ShedConnections,

    /// <summary>Requests shed because the calls out to their handler passed their class's share of <see cref="HttpServerOptions.MaxHandlerQueue"/>.</summary>
    ShedHandlerQueue,

    /// <summary>Requests shed because the call slots in use passed their class's share of <see cref="HttpServerOptions.HandlerCallSlotsPerShard"/>.</summary>
    ShedCallSlots,

    /// <summary>Requests shed because their handler's standing queueing delay passed their class's share of <see cref="HttpServerOptions.QueueDelayTarget"/>.</summary>
    ShedQueueDelay,

    /// <summary>Requests shed because the runtime refused the Call: the handler's mailbox was full (<see cref="HttpServerOptions.HandlerMailboxCapacity"/>).</summary>
    ShedMailboxFull,

    /// <summary>Requests shed because the runtime refused the Call: the shard's message pool (or timer table) was at its reserve.</summary>
    ShedMessagePool,

    /// <summary>Shed requests of class <see cref="HttpPriority.Low"/> (every shed request is counted once by reason and once by class).</summary>
    ShedLow,

    /// <summary>Shed requests of class <see cref="HttpPriority.Normal"/>.</summary>
    ShedNormal,

    /// <summary>Shed requests of class <see cref="HttpPriority.High"/>.</summary>
    ShedHigh,

    /// <summary>Calls made to streaming handlers (one per request piece or pull; also counted in <see cref="HandlerCalls"/>).</summary>
    StreamCalls,

    /// <summary>Streaming requests that ended early (client gone, connection failed) after their handler had seen their head; the handler got an <see cref="HttpStreamAbort"/>.</summary>
    StreamAborts,

    /// <summary>Idle connections (nothing in flight) closed at once by a drain (<see cref="HttpServer.BeginDrain"/>).</summary>
    DrainIdleClosed,

    /// <summary>Connections closed lingering after an error answer (send side shut, the client's remaining bytes read and dropped).</summary>
    LingeringCloses,

    /// <summary>The number of counters.</summary>
    Count,
}
