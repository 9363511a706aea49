using System;
using System.Buffers.Text;
using System.Threading;
using Tina.Http.Server;

namespace Tina.Http.Tests.Server;

/// <summary>
/// Echoes a streamed request: the head reply declares the request's Content-Length (or chunked when it had none) and
/// carries the first body piece; each later call's piece goes straight back; the response ends with the request.
/// Counts the aborts it is told of (static: one server per test).
/// </summary>
public sealed class StreamEchoHandler : IIsolate
{
    public static int Aborts;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (HttpStreamingHandler.IsAbort(in message, out _))
        {
            Interlocked.Increment(ref Aborts);
            return Effect.Receive;
        }

        if (!HttpStreamingHandler.IsRequest(in message, out HttpStreamRequest request))
        {
            return Effect.Receive;
        }

        if (!request.IsFirst)
        {
            return HttpStreamingHandler.RespondBody(ref ctx, in request, HttpStreamingHandler.ReadBody(ref ctx, in request), request.IsLast);
        }

        HttpRequestView view = HttpStreamingHandler.ReadHead(ref ctx, in request);
        if (!view.IsValid)
        {
            return ctx.FailReply();
        }

        long length = -1;
        if (view.TryGetHeader("content-length"u8, out ReadOnlySpan<byte> declared) && Utf8Parser.TryParse(declared, out long n, out _))
        {
            length = n;
        }
        else if (request.IsLast && view.Body.IsEmpty)
        {
            length = 0;
        }

        return HttpStreamingHandler.RespondHead(ref ctx, in request, 200, default, length, view.Body, request.IsLast);
    }
}

/// <summary>Echoes like <see cref="StreamEchoHandler"/> (chunked), but throws once it has echoed 1 MiB: a crash mid-stream.</summary>
public sealed class StreamCrashHandler : IIsolate
{
    private long _echoed;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (!HttpStreamingHandler.IsRequest(in message, out HttpStreamRequest request))
        {
            return Effect.Receive;
        }

        ReadOnlySpan<byte> piece = HttpStreamingHandler.ReadBody(ref ctx, in request);
        if (request.IsFirst)
        {
            _echoed = piece.Length;
            return HttpStreamingHandler.RespondHead(ref ctx, in request, 200, "application/octet-stream"u8, -1, piece, request.IsLast);
        }

        _echoed += piece.Length;
        if (_echoed > 1 << 20)
        {
            throw new InvalidOperationException("planted crash mid-stream");
        }

        return HttpStreamingHandler.RespondBody(ref ctx, in request, piece, request.IsLast);
    }
}

/// <summary>GET: streams <c>?n=</c> bytes of the test pattern out (chunked), one response area at a time, from pulls.</summary>
public sealed class StreamSourceHandler : IIsolate
{
    private readonly byte[] _piece = new byte[1 << 16];
    private long _total;
    private long _sent;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (!HttpStreamingHandler.IsRequest(in message, out HttpStreamRequest request))
        {
            return Effect.Receive;
        }

        int capacity = HttpStreamingHandler.ResponseCapacity(ref ctx, in request);
        if (request.IsFirst)
        {
            HttpRequestView view = HttpStreamingHandler.ReadHead(ref ctx, in request);
            ReadOnlySpan<byte> target = view.Target;
            int eq = target.IndexOf((byte)'=');
            _total = eq >= 0 && Utf8Parser.TryParse(target[(eq + 1)..], out long n, out _) ? n : 0;
            _sent = 0;
            return HttpStreamingHandler.RespondHead(ref ctx, in request, 200, default, -1, default, _total == 0);
        }

        int count = (int)Math.Min(Math.Min(capacity, _piece.Length), _total - _sent);
        StreamPattern.Fill(_piece.AsSpan(0, count), _sent);
        _sent += count;
        return HttpStreamingHandler.RespondBody(ref ctx, in request, _piece.AsSpan(0, count), _sent == _total);
    }
}
