using System;
using Tina.Http.Server;

namespace Tina.Http.Tests.Server;

/// <summary>Answers 200 with the request body, or with the target when there is no body (so responses can be told apart).</summary>
public sealed class EchoHandler : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest request))
        {
            return Effect.Receive;
        }

        HttpRequestView view = HttpHandler.Read(ref ctx, in request);
        if (!view.IsValid)
        {
            return ctx.FailReply();
        }

        ReadOnlySpan<byte> body = view.Body.IsEmpty ? view.Target : view.Body;
        return HttpHandler.Respond(ref ctx, in request, 200, "text/plain"u8, body);
    }
}
