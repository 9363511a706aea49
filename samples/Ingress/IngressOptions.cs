using System;

namespace Ingress;

/// <summary>
/// The <c>Ingress</c> configuration section: where to listen, the server's limits, and the drain. <c>--urls
/// http://HOST:PORT</c> on the command line overrides <see cref="Address"/> and <see cref="Port"/> (the first URL).
/// Every limit lands in <c>HttpServerOptions</c>, which validates it at boot naming the field.
/// </summary>
public sealed class IngressOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Ingress";

    /// <summary>Local address (IPv4 or IPv6 literal).</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>Port every shard listens on (SO_REUSEPORT); 0 picks one per shard (tests, one shard).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Open connections per shard.</summary>
    public int MaxConnectionsPerShard { get; set; } = 4096;

    /// <summary>Open connections per client address per shard (a load balancer is one client: keep it high behind one).</summary>
    public int MaxConnectionsPerClient { get; set; } = 1024;

    /// <summary>
    /// Handler calls in flight at once per shard: every connection waiting on /plaintext or /json holds one. Size it to
    /// the concurrent requests a shard should serve (a closed-loop client with 64 connections keeps up to 64 in
    /// flight); a request past the Normal class's share of it is shed with 503.
    /// </summary>
    public int HandlerCallSlotsPerShard { get; set; } = 1024;

    /// <summary>
    /// Calls out to one handler isolate at which its High requests are shed (Normal at 75 % of it, Low at 50 %;
    /// HttpServerOptions.MaxHandlerQueue). The queue times the handler's cost per request bounds how long an admitted
    /// request waits in the handler's queue (256 × 200 µs ≈ 51 ms), not what it waited before admission.
    /// </summary>
    public int MaxHandlerQueue { get; set; } = 256;

    /// <summary>Bytes of one call slot's request area (the request head and body a handler reads).</summary>
    public int MaxHandlerRequestBytes { get; set; } = 40 * 1024;

    /// <summary>Bytes of one call slot's response area (what a handler writes: /metrics is the largest, about 4 KiB per shard).</summary>
    public int MaxHandlerResponseBytes { get; set; } = 32 * 1024;

    /// <summary>CPU time one GET /work costs its handler (the overload benchmark's route), in microseconds: 1..1,000,000.</summary>
    public int WorkMicroseconds { get; set; } = 100;

    /// <summary>
    /// Requests one connection may carry before the server answers with <c>Connection: close</c> (so a client rebalances
    /// over processes now and then). Behind a load balancer's pool, or for a load test that holds its connections, raise it.
    /// </summary>
    public int MaxRequestsPerConnection { get; set; } = 1000;

    /// <summary>
    /// The connections' share of a tick's dispatch (HttpServerOptions.ConnectionBudgetWeight): with CPU-heavy handlers,
    /// lower <c>Tina:DispatchQuantum</c> and raise this, so responses are flushed between shorter runs of handler work.
    /// </summary>
    public int ConnectionBudgetWeight { get; set; } = 1;

    /// <summary>Idle time after which a kept-alive connection is closed.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(75);

    /// <summary>Time a request head may take to arrive.</summary>
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of the Call to a handler isolate.</summary>
    public TimeSpan HandlerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// On stop, how long <c>/healthz</c> answers 503 "draining" while everything is still served, before waiting for
    /// connections to finish: set it to the load balancer's health interval × its fall count so it stops sending first.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>On stop, the longest wait for open connections to finish before the runtime shuts down (and cuts them).</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often the health check runs and the metrics snapshot is taken (what /healthz and /metrics answer from).</summary>
    public TimeSpan TelemetryInterval { get; set; } = TimeSpan.FromSeconds(1);
}
