using Tina;
using Tina.Http.Server;

namespace Ingress;

/// <summary>
/// GET /metrics: the last text snapshot of the <c>Tina</c> meter and the HTTP server's counters, taken every
/// <see cref="IngressOptions.TelemetryInterval"/> by <see cref="IngressTelemetry"/> off the shards (the handler only
/// copies bytes). Tina.Hosting has no HTTP exporter; this is a plain-text stand-in, one "name{tags} value" a line.
/// </summary>
public sealed class MetricsHandler : IIsolate
{
    /// <inheritdoc/>
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest request))
        {
            return Effect.Receive;
        }

        byte[] body = IngressState.Current?.Metrics ?? [];
        return HttpHandler.Respond(ref ctx, in request, 200, "text/plain; version=0.0.4"u8, body);
    }
}
