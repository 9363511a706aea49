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
        HttpShard? shard = ShardOf(ref ctx, request.Server);
        Started(ref ctx, shard, in request);
        Span<byte> area = shard is not null ? shard.CallSlots.Request(request.Slot, request.Generation) : default;
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
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 200);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        foreach (byte b in contentType)
        {
            if (b < 0x20 || b == 0x7F)
            {
                throw new ArgumentException("A content type may not hold control bytes.", nameof(contentType));
            }
        }

        HttpShard? shard = ShardOf(ref ctx, request.Server);
        Started(ref ctx, shard, in request);
        Span<byte> area = shard is not null ? shard.CallSlots.Response(request.Slot, request.Generation) : default;
        int headerBytes = contentType.IsEmpty ? 0 : "Content-Type: "u8.Length + contentType.Length + 2;
        if (area.IsEmpty || headerBytes + body.Length > area.Length)
        {
            return ctx.FailReply();
        }

        if (headerBytes > 0)
        {
            "Content-Type: "u8.CopyTo(area);
            contentType.CopyTo(area["Content-Type: "u8.Length..]);
            "\r\n"u8.CopyTo(area[(headerBytes - 2)..]);
        }

        body.CopyTo(area[headerBytes..]);
        return ctx.Reply(new HttpHandlerResponse(status, request.Slot, request.Generation, headerBytes, body.Length));
    }

    private static HttpShard? ShardOf(ref Context ctx, int server) => HttpServerRegistry.Get(server)?.ShardOrNull(ctx.ShardId);

    /// <summary>The handler's first touch of a call is its start: the wait since the Call feeds the queueing-delay signal.</summary>
    private static void Started(ref Context ctx, HttpShard? shard, in HttpHandlerRequest request)
    {
        TimeSpan now = ctx.Now;
        if (shard is not null && shard.CallSlots.TryStart(request.Slot, request.Generation, now, out int handler, out TimeSpan sojourn))
        {
            shard.Admission.HandlerStarted(handler, now, sojourn);
        }
    }
}
