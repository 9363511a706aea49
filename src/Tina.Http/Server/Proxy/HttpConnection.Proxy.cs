using System;
using Tina.Http.Parsing;
using Tina.Http.Server.Proxy;
using Tina.Io;

namespace Tina.Http.Server;

/// <summary>
/// The client side of a proxied request (<see cref="HttpServer.MapProxy"/>): the connection leases an upstream
/// exchange from its shard's pool, writes the upstream request head and then each framed body piece into the link's
/// request area as the body arrives (parsing pauses until each piece is acknowledged), then appends each response
/// step the exchange hands over to its output, acknowledging it once the send that carried it completed. So at most
/// one piece is in flight each way, and a body of any size streams through bounded buffers.
/// </summary>
/// <remarks>
/// Single-threaded (the connection isolate). <see cref="_proxyWaiting"/>: a request piece is with the exchange (no
/// parsing, no client Receive posted, so the acknowledgement, which is mail, is delivered). While the response is
/// awaited the phase is <see cref="HttpConnectionPhase.Calling"/>, exactly as for a handler call.
/// </remarks>
internal sealed partial class HttpConnection
{
    private HttpProxyRoute? _proxyRoute;
    private HttpProxyLink? _proxyLink;
    private Handle _proxyExchange;
    private HttpProxyMessage _proxyOut;   // a message to send at the next Pump (the parser callbacks have no context)
    private bool _proxyStart;             // a proxied head was parsed: lease and send it at the next Pump
    private bool _proxyWaiting;
    private bool _proxyLastSent;
    private bool _proxyAckOnSend;         // acknowledge the response step once the output holding it is sent

    private bool ProxyBlocksParsing => _proxyWaiting || _proxyStart;

    /// <summary>In <c>OnHead</c>, for a path no exact route has: true when a proxy route takes the request.</summary>
    private bool BeginProxy(HttpRequestParser parser, bool hasBody)
    {
        HttpProxyRoute? route = _server.MatchProxy(HttpTarget.PathOf(parser.Target));
        if (route is null)
        {
            return false;
        }

        _proxyRoute = route;
        _proxyStart = true;
        _proxyLastSent = !hasBody;
        if (parser.ExpectContinue && hasBody)
        {
            Append("HTTP/1.1 100 Continue\r\n\r\n"u8);
            _shard.Count(HttpServerCounter.ContinuesSent);
        }

        return true;
    }

    /// <summary>At a Pump: lease an exchange and hand it the head; send any pending piece.</summary>
    private void PumpProxy(ref Context ctx)
    {
        if (_proxyStart)
        {
            _proxyStart = false;
            StartProxy(ref ctx);
            if (_proxyRoute is not null && !_proxyWaiting && !_closeAfterFlush)
            {
                // A request without body: its MessageComplete is due now (the stash may be empty, so Pump would not parse).
                Process(ref ctx, _buffers!.Stash.AsSpan(0, _stashLength));
            }
        }

        if (_proxyOut.Kind != 0 && _proxyLink is not null)
        {
            HttpProxyMessage message = _proxyOut;
            _proxyOut = default;
            if (ctx.Send(_proxyExchange, message) != SendResult.Ok)
            {
                ProxyFailed(ctx.Now, 502);
            }
        }
    }

    private void StartProxy(ref Context ctx)
    {
        HttpProxyRoute route = _proxyRoute!;
        HttpProxyPool pool = route.PoolFor(ctx.ShardId);
        HttpRequestParser parser = _buffers!.Parser;
        if (!pool.TryLease(out HttpProxyLink link, out bool needsExchange))
        {
            _proxyRoute = null;
            FailRequest(ctx.Now, 503);
            return;
        }

        if (needsExchange)
        {
            SpawnResult spawned = ctx.Spawn<HttpProxyExchange, HttpProxyExchangeStart>(new HttpProxyExchangeStart(route.Index, link.Index));
            if (!spawned.IsOk)
            {
                pool.Unlease(link);
                _proxyRoute = null;
                FailRequest(ctx.Now, 503);
                return;
            }

            link.Exchange = spawned.Handle;
        }

        _proxyLink = link;
        _proxyExchange = link.Exchange; // kept here: the link forgets it when the exchange ends, before its last mail is read
        ctx.Watch(_proxyExchange);
        int head = HttpProxyHeads.WriteRequest(link.RequestArea, parser, _hasPeer, _peer, route.ViaBytes, route.ProtoBytes);
        if (head < 0)
        {
            ProxyFailed(ctx.Now, 431);
            return;
        }

        int flags = (_proxyLastSent ? HttpProxyMessage.FlagLast : 0) | (_isHead ? HttpProxyMessage.FlagClientHead : 0)
            | (_versionMinor == 0 ? HttpProxyMessage.FlagClient10 : 0);
        _proxyWaiting = !_proxyLastSent;
        _proxyOut = new HttpProxyMessage(HttpProxyMessageKind.Head, head, 0, 0, flags);
    }

    /// <summary>In <c>OnBody</c>: frame the piece into the request area; it goes at the next Pump.</summary>
    private void ProxyBody(ReadOnlySpan<byte> body)
    {
        HttpRequestParser parser = _buffers!.Parser;
        Span<byte> area = _proxyLink!.RequestArea;
        int n;
        bool last = false;
        if (parser.IsChunked)
        {
            n = HttpProxyHeads.WriteChunk(area, body);
        }
        else
        {
            body.CopyTo(area);
            n = body.Length;
            last = _bodyBytes >= parser.ContentLength;
        }

        _proxyLastSent = last;
        _proxyWaiting = !last;
        _proxyOut = new HttpProxyMessage(HttpProxyMessageKind.Body, n, 0, 0, last ? HttpProxyMessage.FlagLast : 0);
    }

    /// <summary>In <c>OnComplete</c>: the request is all read; for a chunked body the last chunk goes now. Then the response is awaited.</summary>
    private void ProxyComplete()
    {
        _phase = HttpConnectionPhase.Calling;
        if (!_proxyLastSent && _proxyLink is not null)
        {
            "0\r\n\r\n"u8.CopyTo(_proxyLink.RequestArea);
            _proxyLastSent = true;
            _proxyOut = new HttpProxyMessage(HttpProxyMessageKind.Body, 5, 0, 0, HttpProxyMessage.FlagLast);
        }
    }

    /// <summary>Mail from the exchange (or its Down); false when the message is not the proxy's.</summary>
    private bool OnProxyMail(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Down)
        {
            if (_proxyLink is not null && message.Is(out Down down) && down.Target == _proxyExchange)
            {
                ProxyFailed(ctx.Now, 502); // the exchange died without answering
            }

            return message.Kind == MessageKind.Down;
        }

        if (!message.Is(out HttpProxyMessage m))
        {
            return false;
        }

        if (_proxyLink is null || message.Source != _proxyExchange)
        {
            return true; // late mail of an exchange this connection no longer holds
        }

        TimeSpan now = ctx.Now;
        switch (m.Kind)
        {
            case HttpProxyMessageKind.RequestAck:
                _proxyWaiting = false;
                Process(ref ctx, _buffers!.Stash.AsSpan(0, _stashLength)); // also yields a MessageComplete already due
                break;
            case HttpProxyMessageKind.Data:
                ReadOnlySpan<byte> area = _proxyLink.ResponseArea;
                if ((m.Flags & HttpProxyMessage.FlagHead) != 0)
                {
                    if ((m.Flags & HttpProxyMessage.FlagCloseClient) != 0)
                    {
                        _keepAlive = false;
                    }

                    Append(area[..m.HeadLength]);
                    AppendTrailerFields(now);
                }

                if (!_isHead)
                {
                    Append(area.Slice(m.HeadLength, m.Length));
                }

                if ((m.Flags & HttpProxyMessage.FlagComplete) != 0)
                {
                    _ = ctx.Send(_proxyExchange, new HttpProxyMessage(HttpProxyMessageKind.DataAck, 0, 0, 0, 0));
                    ProxyRelease(ref ctx);
                    EndRequest(now);
                }
                else
                {
                    _proxyAckOnSend = true;
                }

                break;
            case HttpProxyMessageKind.Fail:
                ProxyFailed(now, m.Status);
                break;
        }

        return true;
    }

    /// <summary>After a client send completed: a response step fully sent is acknowledged, so the next may come.</summary>
    private void ProxySent(ref Context ctx)
    {
        if (_proxyAckOnSend && _outputLength == 0 && _proxyLink is not null)
        {
            _proxyAckOnSend = false;
            _ = ctx.Send(_proxyExchange, new HttpProxyMessage(HttpProxyMessageKind.DataAck, 0, 0, 0, 0));
        }
    }

    /// <summary>
    /// The exchange failed: before any response head, answer <paramref name="status"/> (the connection closes unless
    /// the request was all read); after it (status 0), the client's response is cut, so its connection closes.
    /// </summary>
    private void ProxyFailed(TimeSpan now, int status)
    {
        bool requestRead = _phase == HttpConnectionPhase.Calling;
        _proxyLink = null;
        _proxyRoute = null;
        _proxyWaiting = false;
        _proxyAckOnSend = false;
        _proxyOut = default;
        if (status == 0)
        {
            _keepAlive = false;
            _closeAfterFlush = true;
            _phase = HttpConnectionPhase.Idle;
            return;
        }

        _shard.Count(HttpServerCounter.HandlerFailures);
        if (requestRead)
        {
            WriteResponse(now, status, default, default);
            EndRequest(now);
        }
        else
        {
            FailRequest(now, status);
        }
    }

    private void ProxyRelease(ref Context ctx)
    {
        if (_proxyLink is not null)
        {
            ctx.Unwatch(_proxyExchange);
        }

        _proxyLink = null;
        _proxyRoute = null;
        _proxyWaiting = false;
        _proxyAckOnSend = false;
    }

    /// <summary>At the connection's end: an exchange still leased learns it through its watch (Down) and drops its upstream socket.</summary>
    private void ProxyAbandon(ref Context ctx)
    {
        if (_proxyLink is not null)
        {
            _ = ctx.Send(_proxyExchange, new HttpProxyMessage(HttpProxyMessageKind.Abort, 0, 0, 0, 0));
            _proxyLink = null;
        }
    }
}
