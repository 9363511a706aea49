using System;
using System.Collections.Generic;
using System.Threading;
using Tina;
using Tina.Http.Server;
using Tina.Io;

namespace Ingress;

/// <summary>
/// The sample's HTTP server and its routes, wired into Tina.Hosting's two seams: <see cref="Configure"/> from the
/// <c>AddTina</c> configure callback (adds the server's isolate types), <see cref="Start"/> from its boot callback
/// (spawns a listener per shard just before the shards start).
/// </summary>
/// <remarks>
/// Tina.Hosting composes the spec more than once (once per configured field when it validates, once for the runtime),
/// and an <see cref="HttpServer"/> can be configured into one spec only, so each composition gets its own server. The
/// one whose listeners come up is the runtime's (listeners are created by the runtime's own spec); <see cref="Resolve"/>
/// picks it after start and forgets the others. Written by the host's start thread only.
/// </remarks>
public sealed class IngressServer : IDisposable
{
    private readonly HttpServerOptions _options;
    private readonly List<HttpServer> _candidates = [];
    private HttpServer? _server;

    /// <summary>Creates the server's options from the Ingress section (validated when a spec is configured).</summary>
    public IngressServer(IngressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.WorkMicroseconds is < 1 or > 1_000_000)
        {
            throw new Tina.TinaConfigurationException(
                "Ingress:" + nameof(IngressOptions.WorkMicroseconds),
                options.WorkMicroseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "1..1000000");
        }

        WorkHandler.SetCost(options.WorkMicroseconds);
        _options = new HttpServerOptions
        {
            Address = IoAddress.Parse(options.Address),
            Port = options.Port,
            MaxConnectionsPerShard = options.MaxConnectionsPerShard,
            MaxConnectionsPerClient = options.MaxConnectionsPerClient,
            KeepAliveTimeout = options.KeepAliveTimeout,
            MaxRequestsPerConnection = options.MaxRequestsPerConnection,
            ConnectionBudgetWeight = options.ConnectionBudgetWeight,
            MaxHandlerQueue = options.MaxHandlerQueue,
            HandlerCallSlotsPerShard = options.HandlerCallSlotsPerShard,
            MaxHandlerRequestBytes = options.MaxHandlerRequestBytes,
            MaxHandlerResponseBytes = options.MaxHandlerResponseBytes,
            HeaderTimeout = options.HeaderTimeout,
            HandlerTimeout = options.HandlerTimeout,
        };
    }

    /// <summary>The server the runtime runs (after <see cref="Resolve"/>).</summary>
    public HttpServer Server => _server ?? throw new InvalidOperationException("The ingress has not started yet.");

    /// <summary>The process id, served by /whoami (so a test or an operator sees which process answered).</summary>
    public static int ProcessId { get; } = Environment.ProcessId;

    /// <summary>Adds a fresh server with the sample's routes to <paramref name="spec"/> (Tina.Io included).</summary>
    public void Configure(TinaSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // Room for every connection, the listener, and sockets still closing.
        spec.UseIo(new IoOptions { ConnectionCapacity = Math.Min(IoOptions.ConnectionCapacityMax, _options.MaxConnectionsPerShard + 64) });
        HttpServer server = new HttpServer(_options)
            .MapHandler<PlaintextHandler>("GET", "/plaintext")
            .MapHandler<JsonHandler>("GET", "/json")
            .MapHandler<WorkHandler>("GET", "/work")
            .MapHandler<HealthHandler>("GET", "/healthz")
            .MapHandler<MetricsHandler>("GET", "/metrics")
            .MapStatic("GET", "/whoami", 200, "text/plain", System.Text.Encoding.ASCII.GetBytes($"{ProcessId}\n"));
        server.Configure(spec);
        _candidates.Add(server);
    }

    /// <summary>Spawns the listeners on every shard (the boot callback, before the shards start).</summary>
    public void Start(TinaRuntime runtime)
    {
        if (_candidates.Count == 0)
        {
            throw new InvalidOperationException("The ingress was never configured into the spec.");
        }

        // Any configured server spawns the runtime's listener type; the runtime's own factory binds it to its server.
        _candidates[^1].Start(runtime);
    }

    /// <summary>Waits until the runtime's server listens on every shard, then keeps it and forgets the rest.</summary>
    /// <returns>False when no server listened on every shard within <paramref name="timeout"/>.</returns>
    public bool Resolve(int shardCount, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (_server is null)
        {
            foreach (HttpServer candidate in _candidates)
            {
                if (candidate.ListeningPort(0) > 0 && candidate.WaitUntilListening(shardCount, TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64))))
                {
                    _server = candidate;
                    break;
                }
            }

            if (_server is null)
            {
                if (Environment.TickCount64 > deadline)
                {
                    return false;
                }

                Thread.Sleep(1);
            }
        }

        foreach (HttpServer other in _candidates)
        {
            if (!ReferenceEquals(other, _server))
            {
                other.Dispose();
            }
        }

        _candidates.Clear();
        _candidates.Add(_server);
        return true;
    }

    /// <summary>Connections accepted and not yet closed, over every shard (what the drain waits for).</summary>
    public long OpenConnections(int shardCount)
    {
        long open = 0;
        for (int shard = 0; shard < shardCount; shard++)
        {
            open += Server.Counter(shard, HttpServerCounter.ConnectionsAccepted) - Server.Counter(shard, HttpServerCounter.ConnectionsClosed);
        }

        return Math.Max(0, open);
    }

    /// <summary>Forgets every server's registration.</summary>
    public void Dispose()
    {
        foreach (HttpServer server in _candidates)
        {
            server.Dispose();
        }
    }
}
