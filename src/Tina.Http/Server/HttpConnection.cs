using System;
using System.Buffers.Binary;
using Tina.Http.Parsing;
using Tina.Io;

namespace Tina.Http.Server;

/// <summary>
/// One per accepted socket. Full duplex: a Receive stays outstanding while a response is being sent, so pipelined
/// requests are parsed as they come and their responses are appended, in request order, to one output buffer that is
/// sent whenever no send is in flight. Static routes are answered here from preencoded bytes; handler routes go to the
/// shard's handler isolate by Call (parsing waits meanwhile, so order holds).
/// </summary>
/// <remarks>
/// Single-threaded (an isolate). Lanes: at most one Receive (<see cref="_receiving"/>) and one Send
/// (<see cref="_sending"/>) outstanding, each flag set when staged and cleared by its completion. Timeouts are the
/// Receive's own (the reactor's deadline sweep): the deadline of the current phase, so no thread and no timer message
/// (mail waits while the isolate waits for I/O) is involved.
/// </remarks>
internal sealed partial class HttpConnection : IIsolate
{
    private static readonly TimeSpan RateCheckInterval = TimeSpan.FromSeconds(1);
    private readonly HttpServer _server;
    private HttpShard _shard = null!;
    private HttpConnectionBuffers? _buffers;
    private HttpServerOptions _options = null!;
    private SocketHandle _socket;
    private IoAddress _peer;
    private bool _hasPeer;
    private bool _left;
    private bool _receivedAny; // a byte of a request has come since the connection's start or its last response

    /// <summary>This connection's index in <see cref="HttpShard.Live"/> (moved by the shard when another leaves).</summary>
    internal int LiveIndex { get; set; } = -1;

    /// <summary>The isolate's handle, for the drain (the listener, its parent, cancels idle connections).</summary>
    internal Handle Self { get; private set; }

    /// <summary>
    /// Nothing in flight: no request begun (idle after a response, or fresh), nothing to send, no call out. A drain
    /// cancels such a connection at once; any other finishes its request and closes after the response.
    /// </summary>
    internal bool IdleForDrain =>
        (_phase is HttpConnectionPhase.Idle or HttpConnectionPhase.Head)
        && !_receivedAny && !_sending && _outputLength == 0 && _stashLength == 0 && _calledHandler < 0 && !_stream && _proxyLink is null;

    private bool _receiving;
    private bool _sending;
    private bool _closeAfterFlush;
    private bool _peerClosed;
    private bool _startCall;
    private bool _parsePaused; // parsing stopped at a full output with no byte left: the parser may still hold an event
    private int _outputLength;
    private int _stashLength;

    private HttpConnectionPhase _phase;
    private TimeSpan _headDeadline;
    private TimeSpan _idleSince;
    private TimeSpan _bodyStart;
    private long _bodyBytes;
    private int _requests;

    // The current request.
    private int _route;
    private bool _isHead;
    private bool _keepAlive;
    private int _versionMinor;
    private bool _inlineAnswered;
    private int _slot = -1;
    private uint _generation;
    private int _slotHead;
    private int _slotBody;
    private bool _retried;
    private HttpPriority _priority;
    private int _calledHandler = -1; // the handler type of the Call out (counted in the shard's admission), or -1

    public HttpConnection(HttpServer server) => _server = server;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        try
        {
            return Dispatch(ref ctx, in message);
        }
        catch
        {
            Leave();
            throw;
        }
    }

    private Effect Dispatch(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out HttpConnectionStart start))
        {
            _shard = _server.ShardFor(ctx.ShardId);
            _options = _server.Options;
            _socket = start.Socket;
            _peer = start.Peer;
            _hasPeer = start.HasPeer;
            _buffers = _shard.RentBuffers();
            Self = ctx.Self;
            LiveIndex = _shard.AddLive(this);
            _buffers.Parser.Reset();
            _phase = HttpConnectionPhase.Head;
            _headDeadline = ctx.Now + _options.HeaderTimeout;
            return Pump(ref ctx);
        }

        if (message.Kind is MessageKind.Cancel or MessageKind.Shutdown)
        {
            return Finish(ref ctx);
        }

        if (message.Kind == MessageKind.Reply)
        {
            if (_streamCallOut)
            {
                OnStreamReply(ref ctx, in message); // streaming hook (Streaming/HttpConnection.Streaming.cs)
            }
            else
            {
                OnHandlerReply(ref ctx, in message);
            }

            return Pump(ref ctx);
        }

        if (OnProxyMail(ref ctx, in message)) // proxy hook (Proxy/HttpConnection.Proxy.cs)
        {
            return Pump(ref ctx);
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Receive when _lingering:
                return OnLingerReceive(ref ctx, in done); // lingering hook: read and drop until the client stops

            case IoOperation.Receive:
                _receiving = false;
                if (done.IsSuccess && done.Result.Bytes > 0)
                {
                    Process(ref ctx, ctx.ReceivedData(in done));
                    if (_phase == HttpConnectionPhase.Body)
                    {
                        CheckBodyRate(ctx.Now);
                    }
                }
                else if (done.IsSuccess)
                {
                    _peerClosed = true; // the client closed its side; answer what it sent, then close
                }
                else if (done.Result.Kind == IoErrorKind.TimedOut)
                {
                    OnReceiveTimeout(ctx.Now);
                }
                else
                {
                    return Abort(ref ctx);
                }

                return Pump(ref ctx);

            case IoOperation.Send:
                _sending = false;
                if (done.IsSuccess)
                {
                    ProxySent(ref ctx); // proxy hook
                }

                return done.IsSuccess ? Pump(ref ctx) : Abort(ref ctx);

            case IoOperation.Close:
                Leave();
                return Effect.Done;

            default:
                return Pump(ref ctx);
        }
    }

    /// <summary>Starts what can start: the handler call, the next send, the next receive; or closes when all is done.</summary>
    private Effect Pump(ref Context ctx)
    {
        if (_shard.Draining && _phase == HttpConnectionPhase.Idle && _stashLength == 0 && !_closeAfterFlush)
        {
            _closeAfterFlush = true; // idle once its last send is done: a drain that found it sending closes it now
        }

        if ((_stashLength > 0 || _parsePaused) && CanParse)
        {
            Process(ref ctx, _buffers!.Stash.AsSpan(0, _stashLength));
        }

        PumpProxy(ref ctx); // proxy hook

        if (StreamCallReady)
        {
            return StartStreamCall(ref ctx); // streaming hook
        }

        if (_startCall)
        {
            _startCall = false;
            return StartCall(ref ctx);
        }

        Effect effect = default;
        bool staged = false;
        if (_outputLength > 0 && !_sending)
        {
            effect = ctx.Send(_socket, _buffers!.Output.AsSpan(0, _outputLength), _options.SendTimeout);
            _outputLength = 0;
            _sending = true;
            staged = true;
            if (_parsePaused && CanParse)
            {
                // The Send copied the output: resume a pause that left no bytes in the stash now, before a Receive is
                // posted (else the held event, such as a bodiless request's end, waits for bytes that may never come).
                Process(ref ctx, default);
            }
        }

        if ((_closeAfterFlush || (_peerClosed && _stashLength == 0 && _phase != HttpConnectionPhase.Calling && !ProxyBlocksParsing && !StreamBlocksParsing)) && !_sending && _outputLength == 0)
        {
            if (_lingering)
            {
                return _receiving ? ctx.WaitForIo() : Finish(ref ctx);
            }

            return _lingerWanted && !_peerClosed && StartLinger(ref ctx, out Effect linger) ? linger : Finish(ref ctx);
        }

        if (!_receiving && !_closeAfterFlush && !_peerClosed && _stashLength == 0 && CanParse)
        {
            TimeSpan timeout = ReceiveTimeout(ctx.Now);
            if (timeout <= TimeSpan.Zero)
            {
                OnReceiveTimeout(ctx.Now);
                return staged ? effect : Pump(ref ctx);
            }

            effect = ctx.Receive(_socket, _options.ReceiveBytes, timeout);
            _receiving = true;
            staged = true;
        }

        if (staged)
        {
            return effect;
        }

        if (_receiving || _sending)
        {
            return ctx.WaitForIo();
        }

        return _phase == HttpConnectionPhase.Calling || ProxyBlocksParsing || _streamCallOut ? Effect.Receive : Finish(ref ctx);
    }

    private bool CanParse => _phase != HttpConnectionPhase.Calling && _outputLength < _options.MaxPendingResponseBytes && !_closeAfterFlush && !ProxyBlocksParsing && !StreamBlocksParsing;

    private TimeSpan ReceiveTimeout(TimeSpan now)
    {
        switch (_phase)
        {
            case HttpConnectionPhase.Idle:
                return _idleSince + _options.KeepAliveTimeout - now;
            case HttpConnectionPhase.Head:
                return _headDeadline - now;
            default:
                if (_options.MinRequestBodyBytesPerSecond == 0)
                {
                    return _options.KeepAliveTimeout;
                }

                TimeSpan graceEnd = _bodyStart + _options.MinRequestBodyRateGrace;
                return now < graceEnd ? graceEnd - now + TimeSpan.FromMilliseconds(1) : RateCheckInterval;
        }
    }

    private void OnReceiveTimeout(TimeSpan now)
    {
        switch (_phase)
        {
            case HttpConnectionPhase.Idle:
                _shard.Count(HttpServerCounter.IdleTimeouts);
                _closeAfterFlush = true;
                break;
            case HttpConnectionPhase.Head:
                if (now >= _headDeadline)
                {
                    _shard.Count(HttpServerCounter.HeaderTimeouts);
                    FailRequest(now, 408);
                }

                break;
            case HttpConnectionPhase.Body:
                if (_options.MinRequestBodyBytesPerSecond == 0)
                {
                    // No rate to check: a read that waited a whole KeepAliveTimeout for body bytes ends the request.
                    _shard.Count(HttpServerCounter.BodyRateTimeouts);
                    FailRequest(now, 408);
                }
                else
                {
                    CheckBodyRate(now);
                }

                break;
        }
    }

    private void CheckBodyRate(TimeSpan now)
    {
        if (_closeAfterFlush)
        {
            return; // the request was already answered (a parse error in its body, a refusal): nothing follows that answer
        }

        int rate = _options.MinRequestBodyBytesPerSecond;
        TimeSpan elapsed = now - _bodyStart;
        if (rate > 0 && elapsed > _options.MinRequestBodyRateGrace && _bodyBytes < rate * elapsed.TotalSeconds)
        {
            _shard.Count(HttpServerCounter.BodyRateTimeouts);
            FailRequest(now, 408);
        }
    }

    /// <summary>Parses <paramref name="data"/> up to a point where it must wait; keeps what is left in the stash.</summary>
    private void Process(ref Context ctx, ReadOnlySpan<byte> data)
    {
        HttpRequestParser parser = _buffers!.Parser;
        TimeSpan now = ctx.Now;
        _parsePaused = false;
        while (true)
        {
            if (_closeAfterFlush)
            {
                data = default; // after an error or the last request, later bytes are never parsed
                break;
            }

            if (!CanParse)
            {
                if (_phase != HttpConnectionPhase.Calling && !StreamBlocksParsing && !data.IsEmpty)
                {
                    _shard.Count(HttpServerCounter.ParsePauses);
                }

                // Paused at a full output with every byte consumed: the parser may still hold an event that needs no
                // input (the MessageComplete after a bodiless request's HeadersComplete). Pump resumes it once the
                // output is sent; the stash cannot, being empty. (Found by the http-server simulation workload.)
                _parsePaused = _phase != HttpConnectionPhase.Calling && data.IsEmpty;
                break;
            }

            if (!data.IsEmpty)
            {
                _receivedAny = true;
            }

            if (_phase == HttpConnectionPhase.Idle && !data.IsEmpty)
            {
                _phase = HttpConnectionPhase.Head;
                _headDeadline = now + _options.HeaderTimeout;
            }

            ReadOnlySpan<byte> input = data;
            bool limited = false;
            if (StreamLimitsInput) // streaming hook: a body piece never exceeds what the request area can take
            {
                int room = StreamRoom;
                if (room == 0)
                {
                    _streamCallDue = true; // CanParse is false now: the loop stops at its top
                    continue;
                }

                if (data.Length > room)
                {
                    input = data[..room];
                    limited = true;
                }
            }

            HttpParseEvent ev = parser.Parse(input, out int consumed, out ReadOnlySpan<byte> body);
            data = data[consumed..];
            if (ev == HttpParseEvent.NeedMoreData)
            {
                if (limited && !data.IsEmpty)
                {
                    continue; // the cut input was framing only (a chunk line): the area still has room
                }

                StreamInputDrained(); // streaming hook
                break;
            }

            switch (ev)
            {
                case HttpParseEvent.HeadersComplete:
                    OnHead(now);
                    break;
                case HttpParseEvent.BodyData:
                    OnBody(now, body);
                    break;
                case HttpParseEvent.MessageComplete:
                    OnComplete(now);
                    break;
                default:
                    _shard.Count(HttpServerCounter.ParseErrors);
                    FailRequest(now, parser.ErrorStatus);
                    break;
            }
        }

        // What is left waits in the stash (moved to its front when it already is the stash: CopyTo handles the overlap).
        data.CopyTo(_buffers.Stash);
        _stashLength = data.Length;
    }

    private void OnHead(TimeSpan now)
    {
        HttpRequestParser parser = _buffers!.Parser;
        _requests++;
        _shard.Count(HttpServerCounter.Requests);
        _versionMinor = parser.VersionMinor;
        _keepAlive = parser.KeepAlive && _requests < _options.MaxRequestsPerConnection;
        _isHead = parser.Method.SequenceEqual("HEAD"u8);
        _inlineAnswered = false;
        _retried = false;
        _route = _server.Match(parser.Method, HttpTarget.PathOf(parser.Target));
        bool hasBody = parser.ContentLength > 0 || parser.IsChunked;
        if (hasBody)
        {
            _phase = HttpConnectionPhase.Body;
            _bodyStart = now;
            _bodyBytes = 0;
        }

        if (_route == -1 && BeginProxy(parser, hasBody)) // proxy hook: a prefix route takes a path no exact route has
        {
            return;
        }

        if (_route >= 0 && !_server.Routes[_route].IsStatic)
        {
            int head = HeadLayoutBytes(parser);
            if (head > _options.MaxHandlerRequestBytes)
            {
                RefuseHandlerRequest(now, 431);
                return;
            }

            bool streaming = _server.Routes[_route].IsStreaming;
            if (!streaming && parser.ContentLength > _options.MaxHandlerRequestBytes - head)
            {
                RefuseHandlerRequest(now, 413);
                return;
            }

            // Load shedding: decided here, in O(1), before the request takes a slot or reaches the handler.
            _priority = PriorityOf(parser, _server.Routes[_route]);
            HttpServerCounter shed = _shard.Admission.Check(_priority, _server.Routes[_route].Handler, _shard.Connections, _shard.CallSlots.InUse, now);
            if (shed != HttpServerCounter.Count)
            {
                Shed(now, shed, close: hasBody || shed == HttpServerCounter.ShedConnections);
                return;
            }

            if (!_shard.CallSlots.TryAcquire(out _slot, out _generation))
            {
                RefuseHandlerRequest(now, 503);
                return;
            }

            _slotHead = WriteHeadLayout(parser, _shard.CallSlots.Request(_slot, _generation));
            _slotBody = 0;
            if (streaming)
            {
                BeginStream(); // streaming hook: the body goes to the handler piece by piece
            }
            if (parser.ExpectContinue && hasBody)
            {
                Append("HTTP/1.1 100 Continue\r\n\r\n"u8);
                _shard.Count(HttpServerCounter.ContinuesSent);
            }

            return;
        }

        // Inline (static, 404, 405). A client that waits for 100-continue is answered now, without reading its body,
        // and the connection closes after it (the body's framing is then unknown to us).
        if (parser.ExpectContinue && hasBody)
        {
            _keepAlive = false;
            WriteInline(now);
            _inlineAnswered = true;
            _closeAfterFlush = true;
        }
    }

    private void OnBody(TimeSpan now, ReadOnlySpan<byte> body)
    {
        _bodyBytes += body.Length;
        if (_proxyRoute is not null)
        {
            ProxyBody(body); // proxy hook
            return;
        }

        if (_stream)
        {
            StreamBody(body); // streaming hook
            return;
        }

        if (_slot < 0)
        {
            return; // an inline route reads and drops the body (bounded by the parser's MaxBodyBytes)
        }

        Span<byte> area = _shard.CallSlots.Request(_slot, _generation);
        if (_slotHead + _slotBody + body.Length > area.Length)
        {
            ReleaseSlot();
            RefuseHandlerRequest(now, 413); // a chunked body past the handler's bound
            return;
        }

        body.CopyTo(area[(_slotHead + _slotBody)..]);
        _slotBody += body.Length;
    }

    private void OnComplete(TimeSpan now)
    {
        if (_proxyRoute is not null)
        {
            ProxyComplete(); // proxy hook
            return;
        }

        if (_stream)
        {
            StreamComplete(); // streaming hook
            return;
        }

        if (_slot >= 0)
        {
            _phase = HttpConnectionPhase.Calling;
            _startCall = true;
            return;
        }

        if (!_inlineAnswered)
        {
            WriteInline(now);
        }

        EndRequest(now);
    }

    private void EndRequest(TimeSpan now)
    {
        _phase = HttpConnectionPhase.Idle;
        _idleSince = now;
        _receivedAny = _stashLength > 0; // a pipelined next request may already be here
        if (!_keepAlive || _shard.Draining) // a drain closes every connection after the response it owes
        {
            _closeAfterFlush = true;
        }
    }

    private Effect StartCall(ref Context ctx)
    {
        Handle handler = BeginHandlerCall(ref ctx);
        return ctx.Call(handler, new HttpHandlerRequest(_server.Id, _slot, _generation, _slotHead, _slotBody), _options.HandlerTimeout);
    }

    /// <summary>
    /// The bookkeeping of a Call to the route's handler (plain or streaming): the handler isolate (spawned at its first
    /// use on this shard; Handle.None when that failed, and the Call then fails), the call counted, its slot stamped for
    /// the queueing delay, the handler queue's count raised (lowered when its outcome comes).
    /// </summary>
    private Handle BeginHandlerCall(ref Context ctx)
    {
        HttpRoute route = _server.Routes[_route];
        Handle handler = _shard.Handlers[route.Handler];
        if (handler.IsNone)
        {
            SpawnResult spawned = _server.SpawnHandler(ref ctx, route.Handler);
            handler = spawned.IsOk ? spawned.Handle : Handle.None;
            _shard.Handlers[route.Handler] = handler;
        }

        _shard.Count(HttpServerCounter.HandlerCalls);
        _shard.CallSlots.Called(_slot, route.Handler, ctx.Now);
        _shard.Admission.CallStarted(route.Handler);
        _calledHandler = route.Handler;
        return handler;
    }

    private void OnHandlerReply(ref Context ctx, in Message message)
    {
        if (_calledHandler >= 0)
        {
            _shard.Admission.CallEnded(_calledHandler);
            _calledHandler = -1;
        }

        if (_phase != HttpConnectionPhase.Calling)
        {
            return;
        }

        TimeSpan now = ctx.Now;
        int status;
        if (message.Status == CallStatus.Ok && message.Is(out HttpHandlerResponse response)
            && response.Slot == _slot && response.Generation == _generation)
        {
            ReadOnlySpan<byte> area = _shard.CallSlots.Response(_slot, _generation);
            ReadOnlySpan<byte> headers = area[..response.HeaderBytes];
            ReadOnlySpan<byte> body = area.Slice(response.HeaderBytes, response.BodyBytes);
            WriteResponse(now, response.Status, headers, body);
            ReleaseSlot();
            EndRequest(now);
            return;
        }

        if (message.Status == CallStatus.StaleHandle && !_retried)
        {
            // The handler is gone (it crashed, or was stopped): respawn it and call once more with the same slot.
            _shard.Handlers[_server.Routes[_route].Handler] = Handle.None;
            _retried = true;
            _startCall = true;
            return;
        }

        if (message.Status is CallStatus.MailboxFull or CallStatus.PoolExhausted)
        {
            // The runtime refused the Call (the handler never saw it): the last, hard shedding signals.
            ReleaseSlot();
            Shed(now, message.Status == CallStatus.MailboxFull ? HttpServerCounter.ShedMailboxFull : HttpServerCounter.ShedMessagePool, close: false);
            EndRequest(now);
            return;
        }

        status = message.Status switch
        {
            CallStatus.Timeout => 504,
            CallStatus.NoReply or CallStatus.Failed or CallStatus.Ok => 500,
            _ => 503,
        };
        _shard.Count(HttpServerCounter.HandlerFailures);
        ReleaseSlot();
        WriteResponse(now, status, default, default);
        EndRequest(now);
    }

    /// <summary>
    /// Answers 503 with Retry-After, counted by <paramref name="reason"/> and class. The connection stays open unless
    /// <paramref name="close"/> (a body not read yet, whose bytes would cost more than the answer, or a full
    /// connection table, which closing relieves).
    /// </summary>
    private void Shed(TimeSpan now, HttpServerCounter reason, bool close)
    {
        _shard.Count(reason);
        _shard.Count(_priority switch
        {
            HttpPriority.Low => HttpServerCounter.ShedLow,
            HttpPriority.Normal => HttpServerCounter.ShedNormal,
            _ => HttpServerCounter.ShedHigh,
        });
        _slot = -1;
        if (close)
        {
            _keepAlive = false;
            _closeAfterFlush = true;
            _lingerWanted = true; // its body is unread
        }

        WriteResponse(now, 503, _server.RetryAfterLine, default);
        _inlineAnswered = true;
    }

    /// <summary>The route's class, or the one <see cref="HttpServerOptions.PriorityHeader"/> names.</summary>
    private HttpPriority PriorityOf(HttpRequestParser parser, HttpRoute route)
    {
        byte[] name = _server.PriorityHeaderName;
        if (name.Length > 0 && parser.TryGetHeader(name, out ReadOnlySpan<byte> value))
        {
            if (System.Text.Ascii.EqualsIgnoreCase(value, "high"u8))
            {
                return HttpPriority.High;
            }

            if (System.Text.Ascii.EqualsIgnoreCase(value, "normal"u8))
            {
                return HttpPriority.Normal;
            }

            if (System.Text.Ascii.EqualsIgnoreCase(value, "low"u8))
            {
                return HttpPriority.Low;
            }
        }

        return route.Priority;
    }

    private void RefuseHandlerRequest(TimeSpan now, int status)
    {
        _shard.Count(HttpServerCounter.HandlerRequestsRefused);
        _slot = -1;
        FailRequest(now, status);
    }

    /// <summary>Answers <paramref name="status"/> with Connection: close; nothing after it is parsed.</summary>
    private void FailRequest(TimeSpan now, int status)
    {
        _lingerWanted = true; // request bytes may still be coming: close lingering, so the client reads this answer
        ReleaseSlot();
        _keepAlive = false;
        _isHead = false;
        WriteResponse(now, status, default, default);
        _closeAfterFlush = true;
    }

    private void WriteInline(TimeSpan now)
    {
        _shard.Count(HttpServerCounter.InlineResponses);
        if (_route >= 0)
        {
            HttpRoute route = _server.Routes[_route];
            Append(route.StaticHead);
            AppendTrailerFields(now);
            if (!_isHead)
            {
                Append(route.StaticBody);
            }

            return;
        }

        if (_route == -1)
        {
            WriteResponse(now, 404, default, default);
            return;
        }

        WriteResponse(now, 405, _server.Routes[-2 - _route].AllowLine, default);
    }

    /// <summary>Status line, the given header lines, Content-Length, Date, Connection, the empty line, the body (not for HEAD).</summary>
    private void WriteResponse(TimeSpan now, int status, ReadOnlySpan<byte> headerLines, ReadOnlySpan<byte> body)
    {
        Span<byte> output = _buffers!.Output.AsSpan(_outputLength);
        int at = HttpStatus.WriteStatusLine(output, status);
        _outputLength += at;
        Append(headerLines);
        Append("Content-Length: "u8);
        output = _buffers.Output.AsSpan(_outputLength);
        body.Length.TryFormat(output, out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
        _outputLength += digits;
        Append("\r\n"u8);
        AppendTrailerFields(now);
        if (!_isHead)
        {
            Append(body);
        }
    }

    /// <summary>Date, Connection and the empty line that ends the head.</summary>
    private void AppendTrailerFields(TimeSpan now)
    {
        if (_shard.Draining)
        {
            _keepAlive = false; // the server drains: this is the connection's last response
        }

        _shard.Date.Refresh(now);
        Append("Date: "u8);
        Append(_shard.Date.Value);
        Append("\r\n"u8);
        if (!_keepAlive)
        {
            Append("Connection: close\r\n"u8);
        }
        else if (_versionMinor == 0)
        {
            Append("Connection: keep-alive\r\n"u8);
        }

        Append("\r\n"u8);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffers!.Output.AsSpan(_outputLength));
        _outputLength += bytes.Length;
    }

    private static int HeadLayoutBytes(HttpRequestParser parser)
    {
        int bytes = 1 + 2 + parser.Method.Length + 2 + parser.Target.Length + 2;
        for (int i = 0; i < parser.HeaderCount; i++)
        {
            bytes += 4 + parser.HeaderName(i).Length + parser.HeaderValue(i).Length;
        }

        return bytes;
    }

    /// <summary>Writes the head in <see cref="HttpRequestView"/>'s layout; returns its length.</summary>
    private static int WriteHeadLayout(HttpRequestParser parser, Span<byte> area)
    {
        area[0] = (byte)parser.VersionMinor;
        int at = 1;
        at = Field(area, at, parser.Method);
        at = Field(area, at, parser.Target);
        BinaryPrimitives.WriteUInt16LittleEndian(area[at..], (ushort)parser.HeaderCount);
        at += 2;
        for (int i = 0; i < parser.HeaderCount; i++)
        {
            at = Field(area, at, parser.HeaderName(i));
            at = Field(area, at, parser.HeaderValue(i));
        }

        return at;
    }

    private static int Field(Span<byte> area, int at, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(area[at..], (ushort)value.Length);
        value.CopyTo(area[(at + 2)..]);
        return at + 2 + value.Length;
    }

    private void ReleaseSlot()
    {
        if (_slot >= 0)
        {
            _shard.CallSlots.Release(_slot);
            _slot = -1;
        }
    }

    /// <summary>An I/O error (reset, send timeout): nothing more can be said to the client.</summary>
    private Effect Abort(ref Context ctx)
    {
        _outputLength = 0;
        _closeAfterFlush = true;
        return Finish(ref ctx);
    }

    private Effect Finish(ref Context ctx)
    {
        ProxyAbandon(ref ctx); // proxy hook
        StreamAbandon(ref ctx); // streaming hook
        if (!ctx.CanStart(IoOperation.Close) || _socket.IsNone)
        {
            Leave();
            return Effect.Done;
        }

        SocketHandle socket = _socket;
        _socket = SocketHandle.None;
        return ctx.Close(socket);
    }

    /// <summary>Gives back the shard accounting and the buffers, exactly once (normal end, crash, or cancel).</summary>
    private void Leave()
    {
        if (_left || _shard is null)
        {
            return;
        }

        _left = true;
        ReleaseSlot();
        if (_calledHandler >= 0)
        {
            _shard.Admission.CallEnded(_calledHandler); // it ended waiting: its outcome will never be read
            _calledHandler = -1;
        }

        _shard.RemoveLive(LiveIndex);
        LiveIndex = -1;
        _shard.Leave(_hasPeer, _peer);
        _shard.Count(HttpServerCounter.ConnectionsClosed);
        if (_buffers is not null)
        {
            _shard.ReturnBuffers(_buffers);
            _buffers = null;
        }
    }
}
