using System;

namespace Tina.Http.Server;

/// <summary>
/// What a handler isolate uses: recognise a request, read it, answer it. A handler is an ordinary isolate mapped with
/// <see cref="HttpServer.MapHandler{THandler}"/>; the server spawns one per shard and Calls it with an
/// <see cref="HttpHandlerRequest"/>; the handler answers with <see cref="Respond(ref Context, in HttpHandlerRequest, int, ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>
/// (or <c>ctx.FailReply()</c>: the client gets 500).
/// <code>
/// public Effect OnMessage(ref Context ctx, in Message message)
/// {
///     if (!HttpHandler.IsRequest(in message, out HttpHandlerRequest request)) return Effect.Receive;
///     HttpRequestView view = HttpHandler.Read(ref ctx, in request);
///     return HttpHandler.Respond(ref ctx, in request, 200, "text/plain"u8, view.Body);
/// }
/// </code>
/// </summary>
public static class HttpHandler
{
    /// <summary>True when <paramref name="message"/> is an HTTP request Call.</summary>
    public static bool IsRequest(in Message message, out HttpHandlerRequest request)
    {
        if (message.Kind == MessageKind.Call && message.Is(out request))
        {
            return true;
        }

        request = default;
        return false;
    }

    /// <summary>The request, valid during this invocation; <see cref="HttpRequestView.IsValid"/> is false when its call already ended.</summary>
    public static HttpRequestView Read(ref Context ctx, in HttpHandlerRequest request)
    {
        Span<byte> area = HttpHandlerSlot.RequestArea(ref ctx, request.Server, request.Slot, request.Generation);
        if (area.IsEmpty || request.HeadBytes <= 0 || request.HeadBytes + request.BodyBytes > area.Length)
        {
            return default;
        }

        return new HttpRequestView(area[..request.HeadBytes], area.Slice(request.HeadBytes, request.BodyBytes));
    }

    /// <summary>
    /// Answers with a status (200..599), an optional Content-Type and a body (copied into the call slot's response
    /// area; Content-Length, Date and Connection are added by the connection). A response larger than
    /// <see cref="HttpServerOptions.MaxHandlerResponseBytes"/> or a call that has already ended fails the call
    /// instead (the client gets 500, or nothing if it has already been answered).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The status is outside 200..599.</exception>
    /// <exception cref="ArgumentException">The content type holds a control byte (a header injection).</exception>
    public static Effect Respond(ref Context ctx, in HttpHandlerRequest request, int status, scoped ReadOnlySpan<byte> contentType, scoped ReadOnlySpan<byte> body)
    {
        HttpHandlerSlot.CheckHead(status, contentType);
        Span<byte> area = HttpHandlerSlot.ResponseArea(ref ctx, request.Server, request.Slot, request.Generation);
        int headerBytes = HttpHandlerSlot.ContentTypeBytes(contentType);
        if (area.IsEmpty || headerBytes + body.Length > area.Length)
        {
            return ctx.FailReply();
        }

        HttpHandlerSlot.WriteContentType(area, contentType);
        body.CopyTo(area[headerBytes..]);
        return ctx.Reply(new HttpHandlerResponse(status, request.Slot, request.Generation, headerBytes, body.Length));
    }
}
