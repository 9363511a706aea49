using Tina;
using Tina.Http.Server;

namespace Ingress;

/// <summary>
/// GET /healthz: 200 "healthy" when Tina.Hosting's health check last reported every shard healthy, 503 with the check's
/// description otherwise, and 503 "draining" from the moment the host starts stopping (so a load balancer takes the
/// process out before its listeners close). Answers from <see cref="IngressState"/>: no check runs on the shard.
/// </summary>
public sealed class HealthHandler : IIsolate
{
    /// <inheritdoc/>
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest request))
        {
            return Effect.Receive;
        }

        IngressState? state = IngressState.Current;
        if (state is null)
        {
            return HttpHandler.Respond(ref ctx, in request, 503, "text/plain"u8, "starting\n"u8);
        }

        if (state.Draining)
        {
            return HttpHandler.Respond(ref ctx, in request, 503, "text/plain"u8, "draining\n"u8);
        }

        IngressState.Snapshot health = state.Health;
        return HttpHandler.Respond(ref ctx, in request, health.Status, "text/plain"u8, health.Body);
    }
}
