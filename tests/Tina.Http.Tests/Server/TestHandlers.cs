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

/// <summary>Defers its reply and never answers: the connection's call times out.</summary>
public sealed class StallHandler : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (HttpHandler.IsRequest(in message, out _))
        {
            ctx.TryDeferReply(out _);
        }

        return Effect.Receive;
    }
}

/// <summary>Answers with what it read: "method target version; name=value;..." over every header field, and the body length.</summary>
public sealed class InspectHandler : IIsolate
{
    private readonly byte[] _text = new byte[4096];

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest request))
        {
            return Effect.Receive;
        }

        HttpRequestView view = HttpHandler.Read(ref ctx, in request);
        var text = new System.Text.StringBuilder();
        text.Append(System.Text.Encoding.ASCII.GetString(view.Method)).Append(' ')
            .Append(System.Text.Encoding.ASCII.GetString(view.Target)).Append(' ')
            .Append(System.Text.Encoding.ASCII.GetString(view.Path)).Append(" 1.").Append(view.VersionMinor).Append(';');
        for (int i = 0; i < view.HeaderCount; i++)
        {
            text.Append(System.Text.Encoding.ASCII.GetString(view.HeaderName(i))).Append('=').Append(System.Text.Encoding.ASCII.GetString(view.HeaderValue(i))).Append(';');
        }

        text.Append(view.TryGetHeader("x-b"u8, out ReadOnlySpan<byte> b) ? "x-b:" + System.Text.Encoding.ASCII.GetString(b) : "no x-b");
        text.Append(" body ").Append(view.Body.Length);
        int length = System.Text.Encoding.ASCII.GetBytes(text.ToString(), _text);
        return HttpHandler.Respond(ref ctx, in request, 201, "text/x-inspect"u8, _text.AsSpan(0, length));
    }
}

/// <summary>Throws for a target containing "boom" (a crash: the call fails NoReply), else answers 200 "alive".</summary>
public sealed class FlakyHandler : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest request))
        {
            return Effect.Receive;
        }

        if (HttpHandler.Read(ref ctx, in request).Target.IndexOf("boom"u8) >= 0)
        {
            throw new InvalidOperationException("planted crash");
        }

        return HttpHandler.Respond(ref ctx, in request, 200, "text/plain"u8, "alive"u8);
    }
}
