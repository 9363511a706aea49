using System;

namespace Tina.Http.Server;

/// <summary>
/// What a streaming handler isolate uses (a route mapped with <see cref="HttpServer.MapStreamingHandler{THandler}"/>).
/// The connection calls it once per request piece: the first call carries the head and the first body bytes, later
/// ones the next body bytes, and once the body has ended (<see cref="HttpStreamRequest.IsLast"/>) each call is a pull
/// for more response. Every call is answered by one reply: <see cref="RespondHead"/> first (status, Content-Type, the
/// declared length or -1 for chunked), then <see cref="RespondBody"/> (empty: nothing to say yet). Each reply carries
/// at most <see cref="ResponseCapacity"/> bytes; the connection writes them to the client before its next call (it
/// calls again only once its output has room), so a client that does not read stalls the handler.
/// <code>
/// if (HttpStreamingHandler.IsRequest(in message, out HttpStreamRequest request))
/// {
///     ReadOnlySpan&lt;byte&gt; piece = HttpStreamingHandler.ReadBody(ref ctx, in request);
///     return request.IsFirst
///         ? HttpStreamingHandler.RespondHead(ref ctx, in request, 200, "application/octet-stream"u8, -1, piece, request.IsLast)
///         : HttpStreamingHandler.RespondBody(ref ctx, in request, piece, request.IsLast);
/// }
/// </code>
/// A handler that has nothing to send to a pull should defer its reply (a pull answered empty is pulled again at once).
/// </summary>
public static class HttpStreamingHandler
{
    /// <summary>True when <paramref name="message"/> is a streaming request Call.</summary>
    public static bool IsRequest(in Message message, out HttpStreamRequest request)
    {
        if (message.Kind == MessageKind.Call && message.Is(out request))
        {
            return true;
        }

        request = default;
        return false;
    }

    /// <summary>True when <paramref name="message"/> says a request ended early (client gone, connection failed).</summary>
    public static bool IsAbort(in Message message, out HttpStreamAbort abort) => message.Is(out abort);

    /// <summary>The head with this call's body piece, on the first call; default (not valid) otherwise or when the request has ended.</summary>
    public static HttpRequestView ReadHead(ref Context ctx, in HttpStreamRequest request)
    {
        Span<byte> area = RequestArea(ref ctx, in request);
        if (area.IsEmpty || !request.IsFirst || request.HeadBytes <= 0)
        {
            return default;
        }

        return new HttpRequestView(area[..request.HeadBytes], area.Slice(request.HeadBytes, request.BodyBytes));
    }

    /// <summary>This call's body piece (possibly empty), valid during this invocation; empty when the request has ended.</summary>
    public static ReadOnlySpan<byte> ReadBody(ref Context ctx, in HttpStreamRequest request)
    {
        Span<byte> area = RequestArea(ref ctx, in request);
        return area.IsEmpty ? default : area.Slice(request.HeadBytes, request.BodyBytes);
    }

    /// <summary>The most header plus body bytes one reply may carry (<see cref="HttpServerOptions.MaxHandlerResponseBytes"/>).</summary>
    public static int ResponseCapacity(ref Context ctx, in HttpStreamRequest request) =>
        HttpHandlerSlot.ShardOf(ref ctx, request.Server) is HttpShard shard ? shard.CallSlots.Response(request.Slot, request.Generation).Length : 0;

    /// <summary>
    /// Starts the response: a status (200..599), an optional Content-Type, the body length (-1: chunked, or
    /// close-delimited for an HTTP/1.0 client), the first body bytes, and whether the response ends here. A call that
    /// has ended, or bytes over <see cref="ResponseCapacity"/>, fail the call instead (the connection closes).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The status is outside 200..599, or the length below -1.</exception>
    /// <exception cref="ArgumentException">The content type holds a control byte (a header injection).</exception>
    public static Effect RespondHead(ref Context ctx, in HttpStreamRequest request, int status, scoped ReadOnlySpan<byte> contentType, long contentLength, scoped ReadOnlySpan<byte> body, bool end)
    {
        HttpHandlerSlot.CheckHead(status, contentType);
        ArgumentOutOfRangeException.ThrowIfLessThan(contentLength, -1);
        Span<byte> area = ResponseArea(ref ctx, in request);
        int headerBytes = HttpHandlerSlot.ContentTypeBytes(contentType);
        if (area.IsEmpty || headerBytes + body.Length > area.Length)
        {
            return ctx.FailReply();
        }

        HttpHandlerSlot.WriteContentType(area, contentType);
        body.CopyTo(area[headerBytes..]);
        int flags = HttpStreamResponse.FlagHead | (end ? HttpStreamResponse.FlagEnd : 0);
        return ctx.Reply(new HttpStreamResponse(status, request.Slot, request.Generation, headerBytes, body.Length, flags, contentLength));
    }

    /// <summary>The next body bytes (at most <see cref="ResponseCapacity"/>; empty: nothing yet), and whether the response ends here.</summary>
    public static Effect RespondBody(ref Context ctx, in HttpStreamRequest request, scoped ReadOnlySpan<byte> body, bool end)
    {
        Span<byte> area = ResponseArea(ref ctx, in request);
        if (area.IsEmpty || body.Length > area.Length)
        {
            return ctx.FailReply();
        }

        body.CopyTo(area);
        return ctx.Reply(new HttpStreamResponse(0, request.Slot, request.Generation, 0, body.Length, end ? HttpStreamResponse.FlagEnd : 0, -1));
    }

    private static Span<byte> RequestArea(ref Context ctx, in HttpStreamRequest request)
    {
        Span<byte> area = HttpHandlerSlot.RequestArea(ref ctx, request.Server, request.Slot, request.Generation);
        return request.HeadBytes < 0 || request.BodyBytes < 0 || request.HeadBytes + request.BodyBytes > area.Length ? default : area;
    }

    private static Span<byte> ResponseArea(ref Context ctx, in HttpStreamRequest request) =>
        HttpHandlerSlot.ResponseArea(ref ctx, request.Server, request.Slot, request.Generation);
}
