using Tina;
using Tina.Http.Server;

namespace Ingress;

/// <summary>GET /plaintext: "Hello, World!" as text/plain, from a handler isolate (one per shard, called by each connection).</summary>
public sealed class PlaintextHandler : IIsolate
{
    /// <inheritdoc/>
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest request))
        {
            return Effect.Receive;
        }

        return HttpHandler.Respond(ref ctx, in request, 200, "text/plain"u8, "Hello, World!"u8);
    }
}
