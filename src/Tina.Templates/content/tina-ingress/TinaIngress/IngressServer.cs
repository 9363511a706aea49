using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Tina;
using Tina.Http.Server;
using Tina.Io;

namespace TinaIngress;

/// <summary>
/// The HTTP server and its routes, wired into Tina.Hosting's two seams: <see cref="Configure"/> from the
/// <c>AddTina</c> configure callback (adds the server's isolate types and Tina.Io), <see cref="Start"/> from its boot
/// callback (a listener per shard, just before the shards start).
/// </summary>
/// <remarks>
/// Tina.Hosting composes the spec more than once (to validate configured fields, then for the runtime), and a server
/// can be configured into one spec only, so each composition gets its own server; <see cref="Resolve"/> keeps the one
/// whose listeners came up (the runtime's) and disposes the others.
/// </remarks>
public sealed class IngressServer : IDisposable
{
    private readonly HttpServerOptions _options;
    private readonly List<HttpServer> _candidates = [];
    private HttpServer? _server;

    /// <summary>Takes the server's options from the Ingress section (validated when a spec is configured).</summary>
    public IngressServer(IngressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = new HttpServerOptions
        {
            Address = IoAddress.Parse(options.Address),
            Port = options.Port,
            MaxConnectionsPerShard = options.MaxConnectionsPerShard,
            HandlerTimeout = options.HandlerTimeout,
        };
    }

    /// <summary>The server the runtime runs (after <see cref="Resolve"/>).</summary>
    public HttpServer Server => _server ?? throw new InvalidOperationException("The ingress has not started yet.");

    /// <summary>Adds a fresh server with the routes to <paramref name="spec"/>.</summary>
    public void Configure(TinaSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.UseIo(new IoOptions { ConnectionCapacity = _options.MaxConnectionsPerShard + 64 });
        HttpServer server = new HttpServer(_options)
            .MapHandler<PlaintextHandler>("GET", "/plaintext")
            .MapStatic("GET", "/healthz", 200, "text/plain", "healthy\n"u8); // answered by the connection: the shard is alive
        server.Configure(spec);
        _candidates.Add(server);
    }

    /// <summary>Spawns the listeners on every shard (the boot callback).</summary>
    public void Start(TinaRuntime runtime)
    {
        if (_candidates.Count == 0)
        {
            throw new InvalidOperationException("The ingress was never configured into the spec.");
        }

        _candidates[^1].Start(runtime);
    }

    /// <summary>Waits until the runtime's server listens on every shard, keeps it and disposes the rest.</summary>
    /// <returns>False when no server listened on every shard within <paramref name="timeout"/>.</returns>
    public bool Resolve(int shardCount, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        while (_server is null)
        {
            foreach (HttpServer candidate in _candidates)
            {
                TimeSpan left = timeout - elapsed.Elapsed;
                if (candidate.ListeningPort(0) > 0 && candidate.WaitUntilListening(shardCount, left > TimeSpan.Zero ? left : TimeSpan.Zero))
                {
                    _server = candidate;
                    break;
                }
            }

            if (_server is null)
            {
                if (elapsed.Elapsed > timeout)
                {
                    return false;
                }

                Thread.Sleep(1); // the host's start thread, not a shard
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

    /// <summary>Forgets every server's registration.</summary>
    public void Dispose()
    {
        foreach (HttpServer server in _candidates)
        {
            server.Dispose();
        }
    }
}
