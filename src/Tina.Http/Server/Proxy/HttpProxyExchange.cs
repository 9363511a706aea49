using System;
using Tina.Http.Parsing;
using Tina.Io;

namespace Tina.Http.Server.Proxy;

/// <summary>
/// One pooled upstream connection: an isolate that owns the upstream socket (Tina's one-owner rule) and carries one
/// request/response exchange at a time for the client connection that leased it, then waits idle for the next on the
/// kept-alive socket. Bytes pass through the link's two areas turn by turn, one step in flight each way, so memory is
/// bounded by the areas whatever the body sizes.
/// </summary>
/// <remarks>
/// Why an isolate of its own: a Tina isolate has one read lane and one write lane. The client connection needs both for
/// its client socket (a pipelined response may be going out while it reads), so the upstream socket's lanes live here.
/// Single-threaded; protocol (messages in <see cref="HttpProxyMessage"/>):
/// Head → (connect) send → [RequestAck ← Body → send]* → receive → [Data → DataAck ←]* → idle or end. Mail is only
/// delivered while no I/O is outstanding, so the exchange never waits for mail with I/O in flight and vice versa: the
/// turns never cross. The exchange watches its client, so a client connection that dies mid-exchange (Down) ends it;
/// it always answers a started exchange with Data or Fail, the connect and every response read being bounded by the
/// route's timeouts.
/// </remarks>
internal sealed class HttpProxyExchange : IIsolate
{
    private readonly HttpServer _server;
    private HttpProxyRoute _route = null!;
    private HttpProxyPool _pool = null!;
    private HttpProxyLink _link = null!;
    private byte[] _via = [];
    private SocketHandle _socket;
    private Handle _client;
    private bool _ended;

    private bool _requestLast;   // the piece being sent is the request's last
    private int _pending;        // request area bytes to send once connected
    private bool _clientHead;
    private bool _client10;
    private bool _headForwarded; // the response head went to the client: a failure now can only close it
    private bool _chunkToClient;
    private bool _complete;
    private bool _reused;

    public HttpProxyExchange(HttpServer server) => _server = server;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        try
        {
            return Dispatch(ref ctx, in message);
        }
        catch
        {
            End();
            throw;
        }
    }

    private Effect Dispatch(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out HttpProxyExchangeStart start))
        {
            _route = _server.ProxyRoute(start.Route);
            _pool = _route.PoolFor(ctx.ShardId);
            _link = _pool.Link(start.Link);
            _via = HttpProxyHeads.Ascii(_route.Options.ViaName);
            return Effect.Receive;
        }

        if (message.Kind is MessageKind.Cancel or MessageKind.Shutdown)
        {
            return Close(ref ctx);
        }

        if (message.Kind == MessageKind.Down)
        {
            // The client connection died mid-exchange: the upstream connection's state is unknown, drop it.
            return message.Is(out Down down) && down.Target == _client && !_client.IsNone ? Close(ref ctx) : Effect.Receive;
        }

        if (message.Is(out HttpProxyMessage m))
        {
            return OnClientMessage(ref ctx, in message, m);
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Connect:
                if (!done.IsSuccess)
                {
                    return Fail(ref ctx, 502);
                }

                _socket = done.Socket;
                return ctx.Send(_socket, _link.RequestArea.AsSpan(0, _pending), _route.Options.ResponseTimeout);

            case IoOperation.Send:
                if (!done.IsSuccess)
                {
                    return Fail(ref ctx, 502);
                }

                if (!_requestLast)
                {
                    _ = ctx.Send(_client, new HttpProxyMessage(HttpProxyMessageKind.RequestAck, 0, 0, 0, 0));
                    return Effect.Receive;
                }

                _link.Parser.Reset(_clientHead);
                return ReceiveResponse(ref ctx);

            case IoOperation.Receive:
                return OnUpstreamData(ref ctx, in done);

            case IoOperation.Close:
                End();
                return Effect.Done;

            default:
                return Effect.Receive;
        }
    }

    private Effect OnClientMessage(ref Context ctx, in Message message, HttpProxyMessage m)
    {
        switch (m.Kind)
        {
            case HttpProxyMessageKind.Head:
                _client = message.Source;
                ctx.Watch(_client);
                _clientHead = (m.Flags & HttpProxyMessage.FlagClientHead) != 0;
                _client10 = (m.Flags & HttpProxyMessage.FlagClient10) != 0;
                _requestLast = (m.Flags & HttpProxyMessage.FlagLast) != 0;
                _headForwarded = false;
                _complete = false;
                _reused = !_socket.IsNone;
                if (_socket.IsNone)
                {
                    _pending = m.Length;
                    HttpUpstream upstream = _route.Upstreams[_pool.NextUpstream];
                    _pool.NextUpstream = (_pool.NextUpstream + 1) % _route.Upstreams.Length;
                    _pool.Counters[0]++;
                    return ctx.Connect(upstream.Address, upstream.Port, _route.Options.ConnectTimeout);
                }

                return ctx.Send(_socket, _link.RequestArea.AsSpan(0, m.Length), _route.Options.ResponseTimeout);

            case HttpProxyMessageKind.Body:
                if (message.Source != _client)
                {
                    return Effect.Receive;
                }

                _requestLast = (m.Flags & HttpProxyMessage.FlagLast) != 0;
                return ctx.Send(_socket, _link.RequestArea.AsSpan(0, m.Length), _route.Options.ResponseTimeout);

            case HttpProxyMessageKind.DataAck:
                if (message.Source != _client)
                {
                    return Effect.Receive;
                }

                if (!_complete)
                {
                    return ReceiveResponse(ref ctx);
                }

                ctx.Unwatch(_client);
                _client = Handle.None;
                if (_link.Parser.KeepAlive)
                {
                    _pool.ReturnIdle(_link);
                    return Effect.Receive;
                }

                return Close(ref ctx);

            case HttpProxyMessageKind.Abort:
                return message.Source == _client ? Close(ref ctx) : Effect.Receive;

            default:
                return Effect.Receive;
        }
    }

    private Effect ReceiveResponse(ref Context ctx) =>
        ctx.Receive(_socket, _route.Options.ChunkBytes, _route.Options.ResponseTimeout);

    /// <summary>Parses one upstream read into the response area (head fields, re-framed body) and hands it to the client.</summary>
    private Effect OnUpstreamData(ref Context ctx, in IoCompletion done)
    {
        HttpResponseParser parser = _link.Parser;
        Span<byte> area = _link.ResponseArea;
        int headLength = 0;
        int at = 0;
        bool headNow = false;
        if (!done.IsSuccess)
        {
            // A timeout before the head is the upstream being slow (504); anything else is a broken upstream (502).
            return Fail(ref ctx, done.Result.Kind == IoErrorKind.TimedOut ? 504 : 502);
        }

        ReadOnlySpan<byte> data = ctx.ReceivedData(in done);
        if (done.Result.Bytes == 0)
        {
            if (parser.Finish() != HttpParseEvent.MessageComplete)
            {
                return Fail(ref ctx, 502);
            }

            _complete = true;
        }

        while (!_complete)
        {
            HttpParseEvent ev = parser.Parse(data, out int consumed, out ReadOnlySpan<byte> body);
            data = data[consumed..];
            if (ev == HttpParseEvent.NeedMoreData)
            {
                break;
            }

            switch (ev)
            {
                case HttpParseEvent.HeadersComplete:
                    _chunkToClient = (parser.IsChunked || parser.IsCloseDelimited) && !_client10;
                    headLength = HttpProxyHeads.WriteResponse(area, parser, _chunkToClient, _via);
                    if (headLength < 0)
                    {
                        return Fail(ref ctx, 502);
                    }

                    at = headLength;
                    headNow = true;
                    break;
                case HttpParseEvent.BodyData:
                    int n = _chunkToClient ? HttpProxyHeads.WriteChunk(area[at..], body) : Copy(area[at..], body);
                    if (n < 0)
                    {
                        return Fail(ref ctx, 502);
                    }

                    at += n;
                    break;
                case HttpParseEvent.MessageComplete:
                    _complete = true;
                    break;
                default:
                    return Fail(ref ctx, 502);
            }
        }

        if (_complete && _chunkToClient)
        {
            "0\r\n\r\n"u8.CopyTo(area[at..]);
            at += 5;
        }

        if (!data.IsEmpty && _complete)
        {
            // Bytes after a complete response that the client did not ask for: the upstream connection is not reusable.
            _link.Parser.Reset(false);
            return Deliver(ref ctx, headNow, headLength, at, closeUpstream: true);
        }

        if (at == 0 && !_complete)
        {
            return ReceiveResponse(ref ctx); // part of a head, or chunk framing only: read on
        }

        return Deliver(ref ctx, headNow, headLength, at, closeUpstream: false);
    }

    private Effect Deliver(ref Context ctx, bool headNow, int headLength, int at, bool closeUpstream)
    {
        int flags = (headNow ? HttpProxyMessage.FlagHead : 0) | (_complete ? HttpProxyMessage.FlagComplete : 0);
        if (headNow && _client10 && (_link.Parser.IsChunked || _link.Parser.IsCloseDelimited))
        {
            flags |= HttpProxyMessage.FlagCloseClient; // an HTTP/1.0 client learns the end of such a body from the close
        }

        _headForwarded |= headNow;
        if (closeUpstream && _socket != SocketHandle.None)
        {
            _ = ctx.CloseNow(_socket);
            _socket = SocketHandle.None;
        }

        SendResult sent = ctx.Send(_client, new HttpProxyMessage(HttpProxyMessageKind.Data, at - headLength, headLength, 0, flags));
        if (sent != SendResult.Ok)
        {
            return Close(ref ctx); // the client connection is gone
        }

        return Effect.Receive; // wait for DataAck (the area is the connection's until then)
    }

    private static int Copy(Span<byte> area, ReadOnlySpan<byte> body)
    {
        if (body.Length > area.Length)
        {
            return -1;
        }

        body.CopyTo(area);
        return body.Length;
    }

    /// <summary>Tells the client connection the exchange failed (502/504, or a close once the head went out), then ends.</summary>
    private Effect Fail(ref Context ctx, int status)
    {
        if (!_client.IsNone)
        {
            _ = ctx.Send(_client, new HttpProxyMessage(HttpProxyMessageKind.Fail, 0, 0, _headForwarded ? 0 : status, 0));
        }

        return Close(ref ctx);
    }

    private Effect Close(ref Context ctx)
    {
        if (_socket.IsNone || !ctx.CanStart(IoOperation.Close))
        {
            if (!_socket.IsNone)
            {
                _ = ctx.CloseNow(_socket);
                _socket = SocketHandle.None;
            }

            End();
            return Effect.Done;
        }

        SocketHandle socket = _socket;
        _socket = SocketHandle.None;
        return ctx.Close(socket);
    }

    /// <summary>Gives the pool slot back, exactly once (normal end, crash, cancel).</summary>
    private void End()
    {
        if (_ended || _pool is null)
        {
            return;
        }

        _ended = true;
        _pool.Ended(_link);
    }
}
