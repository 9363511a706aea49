using System;
using Tina.Http.Server;

namespace Tina.Simulation.Workloads;

/// <summary>
/// The http-server workload's <c>POST /echo</c> handler: answers 200 with the request body, at once. Virtual
/// <see cref="BodyFor"/> so a planted bug can answer with the wrong bytes.
/// </summary>
internal class SimEchoHandler : IIsolate
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

        return HttpHandler.Respond(ref ctx, in request, 200, "application/octet-stream"u8, BodyFor(view.Body));
    }

    /// <summary>The body to answer with: the request's own (a planted bug overrides this).</summary>
    protected virtual ReadOnlySpan<byte> BodyFor(ReadOnlySpan<byte> requestBody) => requestBody;
}
