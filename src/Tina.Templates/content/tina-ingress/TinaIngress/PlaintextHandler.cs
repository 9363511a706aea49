using Tina;
using Tina.Http.Server;

namespace TinaIngress;

/// <summary>
/// GET /plaintext: "Hello, World!" as text/plain. A handler isolate: each connection calls it with the request and
/// writes its reply. Add routes by writing more handlers and mapping them in <see cref="IngressServer"/>.
/// </summary>
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
