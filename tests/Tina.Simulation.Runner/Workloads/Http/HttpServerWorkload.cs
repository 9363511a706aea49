using System;
using System.Collections.Generic;
using System.Globalization;
using Tina.Http.Parsing;
using Tina.Http.Server;
using Tina.Io;
using Tina.Io.Reactor;

namespace Tina.Simulation.Workloads;

/// <summary>
/// The real Tina.Http server (<see cref="HttpServer"/>: a listener per shard, a connection isolate per socket, two
/// handler isolates per shard) on the simulated network, carrying real bytes: a static route, a HEAD of it, 404 and
/// 405, an echo handler (<c>POST /echo</c>, Content-Length or chunked bodies) and a slow handler
/// (<c>GET /slow</c>, a deferred reply after up to 30 ms against a 20 ms handler timeout). Clients on every shard
/// (<see cref="HttpSimClient"/>) run sessions of keep-alive sequences, pipelined batches, bodies split at random byte
/// boundaries, slow peers, malformed requests and aborts. The network drops, delays, reorders, resets, fails
/// operations and partitions the server's port; the runtime crashes handlers and refuses connection and handler spawns.
/// </summary>
/// <remarks>
/// Application invariants (<c>Application:&lt;name&gt;</c>): no client broke a rule of <see cref="HttpSimClient"/>
/// (every response well formed, in order, right for its request, <c>Connection: close</c> exactly when due and the
/// end of stream after it; after the faults, nothing unanswered); the server's counters agree with what the clients
/// saw (accepts no more than connects, every accepted connection ended once, heads parsed between the answers that
/// needed one and the heads sent, parser errors between the rejections seen and the malformed requests sent,
/// inline, handler, 408 and shed answers no more than the server counted, sheds by reason equal sheds by class);
/// at the end every client ran all its sessions and closed its socket, no connection isolate is alive, every
/// reactor buffer is back and exactly one listener per shard is open.
/// </remarks>
internal class HttpServerWorkload<TEcho> : ISimulationWorkload
    where TEcho : SimEchoHandler, new()
{
    /// <summary>The port every shard's listener takes.</summary>
    public const int Port = 8080;

    /// <summary>The server's handler timeout (also the longest call any isolate makes).</summary>
    public static readonly TimeSpan HandlerTimeout = TimeSpan.FromMilliseconds(20);

    [ThreadStatic]
    private static HttpServer? t_previous;   // the last run's server on this thread, disposed when the next one boots

    private readonly List<Handle> _clients = new();
    private readonly SimulatedNetworkComponent _network;
    private HttpServer? _server;
    private HttpSimWorld? _world;
    private int _shards;
    private int _clientsPerShard;
    private int _sessions;
    private int _connectionType = -1;
    private HttpSimTotals? _final;

    public HttpServerWorkload(string name = "http-server")
    {
        Name = name;
        _network = new SimulatedNetworkComponent((IoAddress.Loopback, Port));
    }

    public string Name { get; }

    public TimeSpan CallTimeoutMax => HandlerTimeout;

    public virtual void Configure(TinaSpec spec, ref Xoshiro256StarStar random)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _shards = random.NextInclusive(2, 4);
        spec.ShardCount = _shards;
        _clientsPerShard = random.NextInclusive(1, 3);
        _sessions = random.NextInclusive(4, 24);
        int maxRequests = random.NextInclusive(3, 12);
        int keepAliveMs = random.NextInclusive(20, 60);
        spec.MessagePoolCapacity = 512;
        spec.RingCapacity = 16;
        spec.TimerCapacity = 256;
        spec.TimerSpokeCount = 64;
        spec.ExternalInboxCapacity = 16;
        spec.BufferCount = 0;

        t_previous?.Dispose(); // a simulation runs on one thread, start to end: the previous run there is over
        _server = new HttpServer(new HttpServerOptions
        {
            Port = Port,
            Backlog = 64,
            Parser = new HttpParserOptions
            {
                MaxRequestLineBytes = 1024,
                MaxHeaderSectionBytes = 4096,
                MaxHeaderCount = 32,
                MaxBodyBytes = 16 * 1024,
                MaxChunkLineBytes = 256,
            },
            HeaderTimeout = TimeSpan.FromMilliseconds(random.NextInclusive(40, 120)),
            MinRequestBodyBytesPerSecond = 20_000,
            MinRequestBodyRateGrace = TimeSpan.FromMilliseconds(10),
            KeepAliveTimeout = TimeSpan.FromMilliseconds(keepAliveMs),
            MaxRequestsPerConnection = maxRequests,
            MaxConnectionsPerShard = 16,
            HandlerTimeout = HandlerTimeout,
            SendTimeout = TimeSpan.FromMilliseconds(100),
            MaxPendingResponseBytes = random.NextBelow(2) == 0 ? 1024 : 8192,
            ReceiveBytes = 2048,
            HandlerMailboxCapacity = random.NextInclusive(2, 16),
            MaxHandlerRequestBytes = 4096,
            MaxHandlerResponseBytes = 4096,
            HandlerCallSlotsPerShard = random.NextInclusive(2, 8),
            MaxHandlerQueue = random.NextInclusive(2, 16),
            QueueDelayTarget = TimeSpan.FromMilliseconds(50),
            QueueDelayInterval = TimeSpan.FromMilliseconds(20),
        })
            .MapStatic("GET", "/static", 200, "text/plain", HttpSimClient.StaticBody)
            .MapHandler<TEcho>("POST", "/echo")
            .MapHandler<SimSlowHandler>("GET", "/slow", HttpPriority.Low);
        t_previous = _server;
        _world = new HttpSimWorld(_shards * _clientsPerShard, maxRequests, keepAliveMs);
        _server.Configure(spec);
        for (int i = 0; i < spec.Isolates.Count; i++)
        {
            if (spec.Isolates[i].IsolateType.Name == "HttpConnection")
            {
                _connectionType = i;
            }
        }

        HttpSimWorld world = _world;
        spec.AddIsolate(() => new HttpSimClient(world), slots: _clientsPerShard, mailboxCapacity: 4);
        // Provided-buffer ring and multishot accept, drawn as tcp-echo draws them (drawn last: the draws above keep their values).
        int providedBuffers = random.NextBelow(4) switch { 0 => 0, 1 => 1, 2 => 4, _ => 64 };
        _network.Network.SetProvidedBuffers(providedBuffers, 1 << random.NextInclusive(6, 12));
        _network.Network.SetMultishotAccept(random.NextBelow(2) == 1);
        spec.UseIo(new IoOptions
        {
            Backend = IoBackendKind.Simulated,
            ConnectionCapacity = 128,
            BufferCount = 64,
            BufferSize = 4096,
            Network = _network.Network,
        });
    }

    public virtual FaultTargets CreateFaultTargets(TinaSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var targets = new FaultTargets(spec.Isolates.Count).FailSpawn(_connectionType);
        for (int i = 0; i < spec.Isolates.Count; i++)
        {
            Type type = spec.Isolates[i].IsolateType;
            if (type == typeof(TEcho) || type == typeof(SimSlowHandler))
            {
                targets.Crash(i).FailSpawn(i); // a crash fails the call (500); the next call respawns the handler
            }
        }

        return targets;
    }

    public IReadOnlyList<ISimulationComponent> CreateComponents() => [_network, new HttpFaultPhaseComponent(_world!)];

    public void Boot(TinaRuntime runtime, ref Xoshiro256StarStar random)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _server!.Start(runtime);
        int index = 0;
        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            for (int i = 0; i < _clientsPerShard; i++)
            {
                var start = new HttpSimClientStart(index++, Port, random.NextUInt64(), _sessions);
                _clients.Add(runtime.Spawn<HttpSimClient, HttpSimClientStart>(shard, in start).Handle);
            }
        }
    }

    public bool IsComplete(TinaRuntime runtime)
    {
        foreach (HttpClientTally tally in _world!.Tallies)
        {
            if (!tally.Finished)
            {
                return false;
            }
        }

        return true;
    }

    public bool Check(TinaRuntime runtime, bool final, out string? violation)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        HttpSimTotals seen = Totals(runtime);
        violation = FirstClientViolation() ?? CheckCounters(runtime, seen, final);
        if (violation is null && final)
        {
            violation = CheckEnd(runtime);
            _final = seen;
            _server!.Dispose();
            t_previous = null;
        }

        if (violation is not null)
        {
            violation += "; network " + _network.Rates + "; run so far: " + seen;
        }

        return violation is null;
    }

    /// <summary>What the clients saw and the server counted (the final check's, once the run ended; else now).</summary>
    public HttpSimTotals Totals(TinaRuntime runtime)
    {
        if (_final is not null)
        {
            return _final;
        }

        var totals = new HttpSimTotals();
        foreach (HttpClientTally tally in _world!.Tallies)
        {
            totals.AddClient(tally);
        }

        for (int shard = 0; shard < _shards; shard++)
        {
            for (int c = 0; c < (int)HttpServerCounter.Count; c++)
            {
                totals.Server[c] += _server!.Counter(shard, (HttpServerCounter)c);
            }
        }

        totals.Partitions = _network.Partitions;
        return totals;
    }

    private string? FirstClientViolation()
    {
        HttpClientTally[] tallies = _world!.Tallies;
        for (int i = 0; i < tallies.Length; i++)
        {
            if (tallies[i].Violations != 0)
            {
                return Format($"client {i} ({_clients[i]}): {tallies[i].Violations} broken rules; first: {tallies[i].FirstViolation}");
            }
        }

        return null;
    }

    private static string? CheckCounters(TinaRuntime runtime, HttpSimTotals t, bool final)
    {
        long accepted = t[HttpServerCounter.ConnectionsAccepted];
        long refused = t[HttpServerCounter.ConnectionsRefusedShardLimit] + t[HttpServerCounter.ConnectionsRefusedClientLimit] + t[HttpServerCounter.ConnectionsRefusedSpawn];
        long closed = t[HttpServerCounter.ConnectionsClosed];
        // Final only: the server's accept can run before the client's connect completion is handled.
        if (final && accepted + refused > t.Connected + t.ConnectFailures)
        {
            return Format($"the server took {accepted} connections and refused {refused}, but clients opened {t.Connected} (and {t.ConnectFailures} connects failed)");
        }

        // A connection isolate whose socket transfer failed ends (and counts closed) without counting accepted.
        if (closed > accepted + t[HttpServerCounter.ConnectionsRefusedSpawn] || (final && closed < accepted))
        {
            return Format($"{closed} connections ended, {accepted} accepted ({t[HttpServerCounter.ConnectionsRefusedSpawn]} refused at spawn)");
        }

        long heads = t[HttpServerCounter.Requests];
        long needHead = t.InlineAnswers + t.HandlerOk + t.HandlerFailures + t.Shed;
        // The upper bounds are final only: the server can parse bytes before their sender has handled its send completion.
        if (heads < needHead || (final && heads > t.ValidHeadsSent))
        {
            return Format($"the server parsed {heads} request heads; clients sent {t.ValidHeadsSent} whole valid heads and got {needHead} answers that need one");
        }

        long parseErrors = t[HttpServerCounter.ParseErrors];
        if (parseErrors < t.ParseRejections || (final && parseErrors > t.MalformedSent))
        {
            return Format($"the server counted {parseErrors} parse errors; clients sent {t.MalformedSent} malformed requests and saw {t.ParseRejections} rejected");
        }

        if (t.InlineAnswers > t[HttpServerCounter.InlineResponses] || t.HandlerOk > t[HttpServerCounter.HandlerCalls])
        {
            return Format($"clients saw {t.InlineAnswers} inline and {t.HandlerOk} handler answers; the server wrote {t[HttpServerCounter.InlineResponses]} inline and made {t[HttpServerCounter.HandlerCalls]} calls");
        }

        long timeouts = t[HttpServerCounter.HeaderTimeouts] + t[HttpServerCounter.BodyRateTimeouts];
        if (t.Timeouts408 > timeouts)
        {
            return Format($"clients saw {t.Timeouts408} 408s; the server counted {timeouts} head and body timeouts");
        }

        long shedByReason = t[HttpServerCounter.ShedConnections] + t[HttpServerCounter.ShedHandlerQueue] + t[HttpServerCounter.ShedCallSlots]
            + t[HttpServerCounter.ShedQueueDelay] + t[HttpServerCounter.ShedMailboxFull] + t[HttpServerCounter.ShedMessagePool];
        long shedByClass = t[HttpServerCounter.ShedLow] + t[HttpServerCounter.ShedNormal] + t[HttpServerCounter.ShedHigh];
        if (shedByReason != shedByClass || t.Shed > shedByReason)
        {
            return Format($"sheds: {shedByReason} by reason, {shedByClass} by class, {t.Shed} seen by clients");
        }

        return null;
    }

    private string? CheckEnd(TinaRuntime runtime)
    {
        HttpClientTally[] tallies = _world!.Tallies;
        for (int i = 0; i < tallies.Length; i++)
        {
            if (!tallies[i].Finished)
            {
                return Format($"client {i} ran {tallies[i].SessionsDone} of {tallies[i].Sessions} sessions (socket closed: {tallies[i].SocketClosed})");
            }
        }

        for (int shard = 0; shard < _shards; shard++)
        {
            int live = runtime.ShardAt(shard).TypeTable(_connectionType).LiveCount;
            if (live != 0)
            {
                return Format($"shard {shard} ends with {live} connection isolates alive, though every client closed");
            }

            if (runtime.ShardAt(shard).Reactor is IoReactor reactor
                && (reactor.ProvidedBuffersInHand != 0 || reactor.Buffers.FreeCount != reactor.Buffers.Count))
            {
                return Format($"shard {shard} ends with {reactor.ProvidedBuffersInHand} provided buffers and {reactor.Buffers.Count - reactor.Buffers.FreeCount} pool buffers not given back");
            }
        }

        if (_network.Network.ListenerCount != _shards)
        {
            return Format($"{_network.Network.ListenerCount} listeners open at the end, {_shards} shards listen");
        }

        return null;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
