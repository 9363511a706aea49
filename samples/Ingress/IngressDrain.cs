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
/// load balancer's time to notice), then waits until every open connection has finished (bounded by
/// <see cref="IngressOptions.DrainTimeout"/>). Only then does Tina's hosted service shut the runtime down, which
/// closes the listeners and whatever connections are left.
/// </summary>
/// <remarks>
/// Why here and not in the runtime's shutdown: Tina's shutdown gives every isolate its notice at once, and a connection
/// that gets it (or whose handler call it fails) closes, so a request in flight then would be cut. The drain lets
/// requests in flight finish first. Tina.Http cannot yet close its listeners or say <c>Connection: close</c> before
/// that shutdown, so during the drain new connections are still accepted and kept-alive idle ones stay open until the
/// client closes them, their keep-alive timeout, or the drain timeout.
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
        long open = ingress.OpenConnections(runtime.ShardCount);
        while (open > 0 && TimeProvider.System.GetElapsedTime(started) < settings.DrainTimeout && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(s_poll, cancellationToken).ConfigureAwait(false);
            open = ingress.OpenConnections(runtime.ShardCount);
        }

        double elapsedMs = TimeProvider.System.GetElapsedTime(started).TotalMilliseconds;
        Drained(logger, open, elapsedMs);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Ingress draining: /healthz answers 503; serving on for {DelayMs} ms, then waiting for open connections")]
    private static partial void Draining(ILogger logger, double delayMs);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Ingress drained: {Open} connections still open after {ElapsedMs} ms; shutting Tina down")]
    private static partial void Drained(ILogger logger, long open, double elapsedMs);
}
