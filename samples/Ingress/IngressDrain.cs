using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tina;

namespace Ingress;

/// <summary>
/// The graceful drain, ahead of Tina's shutdown. Registered last, so the host stops it first (hosted services stop in
/// reverse order): it turns /healthz to 503 "draining", keeps serving for <see cref="IngressOptions.DrainDelay"/> (the
/// load balancer's time to notice), then drains the server (<see cref="Tina.Http.Server.HttpServer.BeginDrain(TinaRuntime)"/>: the
/// listeners close, so new connections are refused; idle kept-alive connections close at once; a request in flight
/// finishes, its response says <c>Connection: close</c>, and its connection closes) and waits until it is drained,
/// bounded by <see cref="IngressOptions.DrainTimeout"/>. Only then does Tina's hosted service shut the runtime down,
/// which closes whatever connections are left.
/// </summary>
/// <remarks>
/// Why here and not in the runtime's shutdown: Tina's shutdown gives every isolate its notice at once, and a connection
/// that gets it (or whose handler call it fails) closes, so a request in flight then would be cut. The drain lets
/// requests in flight finish first. The drain reaches each shard as a message through the runtime's public API; this
/// service only waits, polling the server's volatile counts.
/// </remarks>
public sealed partial class IngressDrain(IngressState state, IngressServer ingress, TinaRuntime runtime, IOptions<IngressOptions> options, ILogger<IngressDrain> logger) : IHostedService
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(10);

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        IngressOptions settings = options.Value;
        state.Draining = true;
        Draining(logger, settings.DrainDelay.TotalMilliseconds);
        if (settings.DrainDelay > TimeSpan.Zero)
        {
            await Task.Delay(settings.DrainDelay, cancellationToken).ConfigureAwait(false);
        }

        long started = TimeProvider.System.GetTimestamp();
        ingress.Server.BeginDrain(runtime); // false only when the runtime is already stopping: then there is nothing to wait for
        while (!ingress.Server.IsDrained && TimeProvider.System.GetElapsedTime(started) < settings.DrainTimeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
        }

        long open = ingress.OpenConnections(runtime.ShardCount);

        double elapsedMs = TimeProvider.System.GetElapsedTime(started).TotalMilliseconds;
        Drained(logger, open, elapsedMs);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Ingress draining: /healthz answers 503; serving on for {DelayMs} ms, then closing the listeners and waiting for open connections")]
    private static partial void Draining(ILogger logger, double delayMs);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Ingress drained: {Open} connections still open after {ElapsedMs} ms; shutting Tina down")]
    private static partial void Drained(ILogger logger, long open, double elapsedMs);
}
