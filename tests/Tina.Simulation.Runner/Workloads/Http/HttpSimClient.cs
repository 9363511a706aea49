using System;
using System.Globalization;
using System.Text;
using Tina.Http.Parsing;
using Tina.Http.Server.Proxy;
using Tina.Io;

// Over 400 lines on purpose: one client session (plan, send in batches and pieces, parse responses, hold each to its
// request, end the connection) is one state machine whose steps share the session's state.

namespace Tina.Simulation.Workloads;

/// <summary>
/// An http-server client: runs its sessions one after another, each on a new connection, writing real HTTP/1.1 bytes
/// and checking every byte that comes back. A session is a plan of 1–8 requests (static, HEAD, 404, 405, echo with a
/// Content-Length or a chunked body, a slow handler route; the last may instead be HTTP/1.0, carry
/// <c>Connection: close</c>, or be malformed, then perhaps followed by a valid request that must go unanswered) sent in
/// batches (one request at a time, pipelined groups, or all at once), each batch in random pieces or, for a slow peer,
/// in pieces of a few bytes with pauses; some sessions abort mid-request (reset or close) and some wait, idle, for
/// the server's keep-alive close.
/// </summary>
/// <remarks>
/// <para>Half duplex: a batch is sent whole, then its responses are read (mail waits while an isolate waits for I/O,
/// so the pauses of a slow peer are timers between sends, with no receive outstanding).</para>
/// <para>What it holds the server to (a broken rule counts in <see cref="HttpClientTally.Violations"/>): every
/// response is well formed (<see cref="HttpResponseParser"/>) and answers the oldest unanswered request begun on the
/// connection (none: a response without a request), with a status and body right for that request (the echo's body
/// byte for byte, the slow route's status from its sequence number and its timing against the handler timeout); a
/// response says <c>Connection: close</c> exactly when it must (malformed, HTTP/1.0, the client asked, the
/// connection's last allowed request, a 408, parser statuses; a shed 503 may) and nothing follows it but the end of
/// the stream; a session begun after the faults stopped gets every request answered, and is never cut off,
/// left hanging or reset.</para>
/// </remarks>
internal sealed class HttpSimClient : IIsolate
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan SendTimeout = TimeSpan.FromMilliseconds(40);
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromMilliseconds(150);
    public static readonly byte[] StaticBody = "static:hello"u8.ToArray();

    private const long PaceTag = 1;
    private const long BackoffTag = 2;
    private const int RequestsMax = 10;
    private const int ReceiveBytes = 4096;
    private const int EchoBodyMax = 1500;

    private static readonly (byte[] Bytes, int Status, bool HeadParses)[] s_malformed =
    [
        (Ascii("GET /static?seq=# HTTP/1.1\r\nHost: sim\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"), 400, false),
        (Ascii("GET /static?seq=# HTTP/1.1\r\n\r\n"), 400, false),
        (Ascii("GET /static?seq=# HTTP/1.1\r\nHost: sim\r\nBad Header: x\r\n\r\n"), 400, false),
        (Ascii("BREW /static?seq=# HTTP/1.1\r\nHost: sim\r\n\r\n"), 501, false),
        (Ascii("GET /static?seq=# HTTP/2.0\r\nHost: sim\r\n\r\n"), 505, false),
        (Ascii("GET /static?seq=# HTTP/1.1\nHost: sim\n\n"), 400, false),
        (Ascii("POST /echo?seq=# HTTP/1.1\r\nHost: sim\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), 400, true),
    ];

    private readonly HttpSimWorld _world;
    private readonly HttpResponseParser _parser = new(maxHeadBytes: 4096, maxHeaderCount: 32, maxChunkLineBytes: 256);
    private readonly byte[] _out = new byte[32 * 1024];
    private readonly byte[] _expected = new byte[32 * 1024];  // each echo request's body as the handler must see it
    private readonly byte[] _body = new byte[8 * 1024];
    private readonly int[] _start = new int[RequestsMax + 1];
    private readonly int[] _headEnd = new int[RequestsMax];
    private readonly HttpSimRequestKind[] _kinds = new HttpSimRequestKind[RequestsMax];
    private readonly long[] _seqs = new long[RequestsMax];
    private readonly int[] _ms = new int[RequestsMax];
    private readonly int[] _malformed = new int[RequestsMax];
    private readonly bool[] _closeHeader = new bool[RequestsMax];
    private readonly int[] _expectedStart = new int[RequestsMax];
    private readonly int[] _expectedLength = new int[RequestsMax];
    private readonly int[] _batchEnd = new int[RequestsMax];
    private HttpClientTally _tally = null!;
    private int _port;
    private ulong _random;
    private long _seq;
    private SocketHandle _socket;

    // The session.
    private int _count;
    private int _outLength;
    private int _batches;
    private int _batch;
    private int _sent;
    private int _sendLimit;
    private int _piece;         // bytes of the send in flight
    private int _begun;         // requests whose first byte went out
    private int _headsCounted;  // requests whose head was counted as sent
    private int _answered;
    private bool _slow;
    private int _slowPiece;
    private int _slowPauseMs;
    private int _abortAt;
    private bool _abortive;
    private bool _waitIdle;
    private bool _calm;
    private bool _awaitEnd;
    private bool _mustEnd;
    private bool _inResponse;
    private bool _ended;        // the session's outcome is counted; only the close is left
    private int _bodyLength;
    private readonly TimeSpan[] _requestSentAt = new TimeSpan[RequestsMax];
    private readonly byte[] _history = new byte[600];
    private int _historyLength;
    private long _received;

    public HttpSimClient(HttpSimWorld world) => _world = world;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out HttpSimClientStart start))
        {
            _tally = _world.Tallies[start.Index];
            _tally.Sessions = start.Sessions;
            _port = start.Port;
            _random = start.Seed | 1;
            _seq = (long)start.Index * 1_000_000;
            return Begin(ref ctx);
        }

        if (message.Kind == MessageKind.Timer)
        {
            return message.TimerTag == PaceTag ? SendPiece(ref ctx) : Begin(ref ctx);
        }

        if (!message.Is(out IoCompletion done))
        {
            return Effect.Receive;
        }

        switch (done.Operation)
        {
            case IoOperation.Connect when done.IsSuccess:
                _socket = done.Socket;
                _tally.Connected++;
                _tally.SocketClosed = false;
                return StartBatch(ref ctx);
            case IoOperation.Connect:
                _tally.ConnectFailures++;
                _tally.SessionsDone++;
                return Backoff(ref ctx);
            case IoOperation.Send when done.IsSuccess:
                OnSent(done.Result.Bytes, ctx.Now);
                if (_sent < _sendLimit && _slow && _slowPauseMs > 0)
                {
                    RegisterTimer(ref ctx, TimeSpan.FromMilliseconds(Next(_slowPauseMs + 1)), PaceTag);
                    return Effect.Receive;
                }

                return SendPiece(ref ctx);
            case IoOperation.Send:
                _tally.IoFailures++; // the server may have closed first (a 408 to a slow peer): not a violation
                OnSent(_piece, ctx.Now); // a reset send may still have delivered its bytes: count them as possibly sent
                return EndSession(ref ctx);
            case IoOperation.Receive when done.IsSuccess && done.Result.Bytes > 0:
                return OnData(ref ctx, ctx.ReceivedData(in done));
            case IoOperation.Receive when done.IsSuccess:
                return OnEndOfStream(ref ctx);
            case IoOperation.Receive:
                if (done.Result.Kind == IoErrorKind.TimedOut)
                {
                    _tally.ReadTimeouts++;
                    if (_calm)
                    {
                        Violate(string.Create(CultureInfo.InvariantCulture, $"no response or end of stream within {ReadTimeout.TotalMilliseconds} ms on a calm network ({_answered} of {_begun} requests answered{(_mustEnd ? ", after a Connection: close response" : string.Empty)})"));
                    }
                }
                else
                {
                    _tally.IoFailures++;
                    if (_calm)
                    {
                        Violate(string.Create(CultureInfo.InvariantCulture, $"receive failed on a calm network: {done.Result}"));
                    }
                }

                return EndSession(ref ctx);
            case IoOperation.Close:
                _socket = SocketHandle.None;
                _tally.SocketClosed = true;
                _tally.SessionsDone++;
                return Begin(ref ctx);
            default:
                return Effect.Receive;
        }
    }

    /// <summary>Plans the next session and connects, or, with every session run, stays idle for the checkers.</summary>
    private Effect Begin(ref Context ctx)
    {
        if (_tally.SessionsDone >= _tally.Sessions)
        {
            return Effect.Receive;
        }

        Plan();
        _calm = _world.Calm;
        _tally.CalmSessions += _calm ? 1 : 0;
        return ctx.Connect(IoAddress.Loopback, _port, ConnectTimeout);
    }

    private Effect Backoff(ref Context ctx)
    {
        RegisterTimer(ref ctx, TimeSpan.FromMilliseconds(1 + Next(4)), BackoffTag);
        return Effect.Receive;
    }

    private static void RegisterTimer(ref Context ctx, TimeSpan delay, long tag)
    {
        if (ctx.RegisterTimer(delay, tag).IsNone)
        {
            throw new InvalidOperationException("timer table full: sized too small for the workload");
        }
    }

    private Effect StartBatch(ref Context ctx)
    {
        int end = _start[_batchEnd[_batch]];
        _sendLimit = _abortAt >= 0 && _abortAt < end ? _abortAt : end;
        _tally.PipelinedBatches += _batchEnd[_batch] - (_batch == 0 ? 0 : _batchEnd[_batch - 1]) > 1 ? 1 : 0;
        return SendPiece(ref ctx);
    }

    private Effect SendPiece(ref Context ctx)
    {
        if (_ended)
        {
            return Effect.Receive;
        }

        if (_sent < _sendLimit)
        {
            int rest = _sendLimit - _sent;
            int piece = _slow ? 1 + Next(_slowPiece) : Next(4) == 0 ? rest : 1 + Next(rest);
            piece = Math.Min(Math.Min(piece, rest), ctx.MaxSendBytes());
            _piece = piece;
            return ctx.Send(_socket, _out.AsSpan(_sent, piece), SendTimeout);
        }

        if (_sendLimit == _abortAt)
        {
            // Cut off mid-request: a reset (abortive close) or a plain close. Nothing more is read.
            _tally.Aborts++;
            _tally.Unanswered += _begun - _answered;
            _ended = true;
            return CloseSocket(ref ctx, _abortive);
        }

        return ctx.Receive(_socket, ReceiveBytes, ReadTimeout);
    }

    /// <summary>Counts the requests the bytes up to the new send offset began, and the heads they completed.</summary>
    private void OnSent(int bytes, TimeSpan now)
    {
        _sent += bytes;
        while (_begun < _count && _start[_begun] < _sent)
        {
            _requestSentAt[_begun] = now;
            _tally.RequestsStarted++;
            if (_kinds[_begun] == HttpSimRequestKind.Malformed)
            {
                _tally.MalformedSent++;
            }

            _begun++;
        }

        while (_headsCounted < _begun && _headEnd[_headsCounted] <= _sent)
        {
            if (_kinds[_headsCounted] != HttpSimRequestKind.Malformed || s_malformed[_malformed[_headsCounted]].HeadParses)
            {
                _tally.ValidHeadsSent++;
            }

            _headsCounted++;
        }
    }

    private Effect OnData(ref Context ctx, ReadOnlySpan<byte> data)
    {
        Remember(data);
        while (!_ended)
        {
            if (!_inResponse)
            {
                if (data.IsEmpty)
                {
                    break;
                }

                if (_mustEnd)
                {
                    Violate(string.Create(CultureInfo.InvariantCulture, $"{data.Length} bytes after a Connection: close response (request {_answered} of {_count})"));
                    return EndSession(ref ctx);
                }

                if (_answered >= _begun)
                {
                    Violate(string.Create(CultureInfo.InvariantCulture, $"a response without a request: {_answered} requests begun, all answered"));
                    return EndSession(ref ctx);
                }

                _parser.Reset(requestWasHead: _kinds[_answered] == HttpSimRequestKind.Head);
                _inResponse = true;
                _bodyLength = 0;
            }

            HttpParseEvent ev = _parser.Parse(data, out int consumed, out ReadOnlySpan<byte> body);
            data = data[consumed..];
            switch (ev)
            {
                case HttpParseEvent.NeedMoreData:
                    return Continue(ref ctx);
                case HttpParseEvent.HeadersComplete:
                    break;
                case HttpParseEvent.BodyData:
                    if (_bodyLength + body.Length > _body.Length)
                    {
                        Violate(string.Create(CultureInfo.InvariantCulture, $"response to request {_answered} has a body over {_body.Length} bytes"));
                        return EndSession(ref ctx);
                    }

                    body.CopyTo(_body.AsSpan(_bodyLength));
                    _bodyLength += body.Length;
                    break;
                case HttpParseEvent.MessageComplete:
                    _inResponse = false;
                    Verify(_answered);
                    _answered++;
                    break;
                default:
                    Violate(string.Create(CultureInfo.InvariantCulture, $"malformed response to request {_answered} ({_kinds[_answered]}): {_parser.Error}"));
                    return EndSession(ref ctx);
            }
        }

        return _ended ? EndSession(ref ctx) : Continue(ref ctx);
    }

    /// <summary>After the bytes of a receive: read on, send the next batch, or end the session.</summary>
    private Effect Continue(ref Context ctx)
    {
        if (_ended)
        {
            return EndSession(ref ctx);
        }

        if (_inResponse || _mustEnd || _awaitEnd || _answered < _batchEnd[_batch])
        {
            return ctx.Receive(_socket, ReceiveBytes, ReadTimeout);
        }

        if (_batch + 1 < _batches)
        {
            _batch++;
            return StartBatch(ref ctx);
        }

        if (_waitIdle)
        {
            // Stay connected, idle: the server must close at its keep-alive timeout, saying nothing.
            _awaitEnd = true;
            return ctx.Receive(_socket, ReceiveBytes, ReadTimeout + TimeSpan.FromMilliseconds(_world.KeepAliveMilliseconds));
        }

        _ended = true;
        return CloseSocket(ref ctx, abortive: false);
    }

    private Effect OnEndOfStream(ref Context ctx)
    {
        int unanswered = _begun - _answered;
        if (_calm && _inResponse)
        {
            Violate(string.Create(CultureInfo.InvariantCulture, $"the stream ended inside the response to request {_answered} on a calm network"));
        }
        else if (_calm && unanswered > 0 && !_mustEnd && !IdleRacePossible())
        {
            Violate(string.Create(CultureInfo.InvariantCulture, $"the server closed with {unanswered} of {_begun} requests unanswered and no Connection: close, on a calm network"));
        }

        if (_awaitEnd && unanswered == 0 && !_mustEnd)
        {
            _tally.IdleCloses++;
        }

        return EndSession(ref ctx);
    }

    /// <summary>
    /// True when the server may have closed the kept-alive connection at its idle timeout before the unanswered
    /// request reached it (the race every HTTP/1.1 client must live with, RFC 9112 section 9.3.1). The server's idle
    /// time starts when it writes the previous response, which is no earlier than the previous request was sent (this
    /// client may read slowly, so when the response arrived says nothing), and the request takes at most the
    /// network's longest one-way delay (4 ms) to arrive.
    /// </summary>
    private bool IdleRacePossible()
    {
        if (_answered == 0 || _answered >= _count)
        {
            return false;
        }

        bool possible = _requestSentAt[_answered] - _requestSentAt[_answered - 1] >= TimeSpan.FromMilliseconds(_world.KeepAliveMilliseconds - 5);
        _tally.IdleRaces += possible ? 1 : 0;
        return possible;
    }

    /// <summary>Counts what was left unanswered and closes the connection (once).</summary>
    private Effect EndSession(ref Context ctx)
    {
        if (!_ended)
        {
            _tally.Unanswered += _begun - _answered;
            _ended = true;
        }

        return CloseSocket(ref ctx, abortive: false);
    }

    private Effect CloseSocket(ref Context ctx, bool abortive)
    {
        if (_socket.IsNone)
        {
            return Effect.Receive;
        }

        return ctx.Close(_socket, abortive);
    }

    /// <summary>Holds response <paramref name="i"/> to request <paramref name="i"/>.</summary>
    private void Verify(int i)
    {
        _tally.Responses++;
        int status = _parser.Status;
        ReadOnlySpan<byte> body = _body.AsSpan(0, _bodyLength);
        HttpSimRequestKind kind = _kinds[i];
        bool close = HeaderEquals("connection"u8, "close"u8);
        bool mustClose = kind is HttpSimRequestKind.Malformed or HttpSimRequestKind.Http10 || _closeHeader[i]
            || i + 1 == _world.MaxRequestsPerConnection || status is 400 or 408 or 413 or 414 or 431 or 501 or 505;
        if (close != mustClose && !(close && status == 503))
        {
            Violate(string.Create(CultureInfo.InvariantCulture, $"response {status} to request {i} ({kind}) {(close ? "says" : "lacks")} Connection: close"));
            return;
        }

        if (close)
        {
            _mustEnd = true;
            _tally.CloseResponses++;
        }

        string? wrong = status == 408 ? null : Wrong(i, kind, status, body);
        if (wrong is not null)
        {
            Violate(string.Create(CultureInfo.InvariantCulture, $"request {i} ({kind}, seq {_seqs[i]}): {wrong}"));
            return;
        }

        bool handler = kind is HttpSimRequestKind.EchoLength or HttpSimRequestKind.EchoChunked or HttpSimRequestKind.Slow;
        if (status == 408)
        {
            _tally.Timeouts408++;
        }
        else if (kind == HttpSimRequestKind.Malformed && status != 503)
        {
            _tally.ParseRejections++;
        }
        else if (status == 503 && Has("retry-after"u8))
        {
            _tally.Shed++;
        }
        else if (handler && status is >= 200 and < 300)
        {
            _tally.HandlerOk++;
        }
        else if (handler)
        {
            _tally.HandlerFailures++;
        }
        else
        {
            _tally.InlineAnswers++;
        }
    }

    /// <summary>What is wrong with <paramref name="status"/> and <paramref name="body"/> as the answer to request <paramref name="i"/>, or null.</summary>
    private string? Wrong(int i, HttpSimRequestKind kind, int status, ReadOnlySpan<byte> body)
    {
        switch (kind)
        {
            case HttpSimRequestKind.Static:
            case HttpSimRequestKind.Http10:
                return status == 200 && body.SequenceEqual(StaticBody) ? null : Describe(status, body, "200 static:hello");
            case HttpSimRequestKind.Head:
                return status == 200 && body.IsEmpty && HeaderEquals("content-length"u8, "12"u8) ? null : Describe(status, body, "200, Content-Length 12, no body");
            case HttpSimRequestKind.NotFound:
                return status == 404 && body.IsEmpty ? null : Describe(status, body, "404");
            case HttpSimRequestKind.WrongMethod:
                return status == 405 && body.IsEmpty && HeaderEquals("allow"u8, "GET"u8) ? null : Describe(status, body, "405 Allow: GET");
            case HttpSimRequestKind.EchoLength:
            case HttpSimRequestKind.EchoChunked:
                if (status is 500 or 503 or 504)
                {
                    return body.IsEmpty ? null : Describe(status, body, "an empty failure");
                }

                return status == 200 && body.SequenceEqual(_expected.AsSpan(_expectedStart[i], _expectedLength[i]))
                    ? null
                    : Describe(status, body, string.Create(CultureInfo.InvariantCulture, $"200 echoing its {_expectedLength[i]} body bytes"));
            case HttpSimRequestKind.Slow:
                return WrongSlow(i, status, body);
            default:
                int expected = s_malformed[_malformed[i]].Status;
                bool shed = s_malformed[_malformed[i]].HeadParses && status == 503; // a handler route may shed at the head
                return status == expected || shed ? null : Describe(status, body, expected.ToString(CultureInfo.InvariantCulture));
        }
    }

    private string? WrongSlow(int i, int status, ReadOnlySpan<byte> body)
    {
        int ms = _ms[i];
        int answer = 200 + (int)(_seqs[i] % 4);
        if (status is 500 or 503)
        {
            return body.IsEmpty ? null : Describe(status, body, "an empty failure");
        }

        if (status == 504)
        {
            // The handler timeout is 20 ms: a reply due within 15 ms cannot miss it.
            return ms > 15 ? null : string.Create(CultureInfo.InvariantCulture, $"504 though the handler answers after {ms} ms");
        }

        if (status != answer)
        {
            return Describe(status, body, answer.ToString(CultureInfo.InvariantCulture));
        }

        if (ms >= 25)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{status} though the handler answers after {ms} ms, past the 20 ms handler timeout");
        }

        bool immediate = body.SequenceEqual(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"slow:{_seqs[i]}")));
        return immediate || (body.IsEmpty && ms > 0) ? null : Describe(status, body, "slow:<seq> (or nothing, deferred)");
    }

    private static string Describe(int status, ReadOnlySpan<byte> body, string expected)
    {
        string text = Encoding.ASCII.GetString(body[..Math.Min(body.Length, 40)]);
        return string.Create(CultureInfo.InvariantCulture, $"got {status} with {body.Length} body bytes \"{text}\", expected {expected}");
    }

    private bool Has(ReadOnlySpan<byte> name)
    {
        for (int h = 0; h < _parser.HeaderCount; h++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(_parser.HeaderName(h), name))
            {
                return true;
            }
        }

        return false;
    }

    private bool HeaderEquals(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        for (int h = 0; h < _parser.HeaderCount; h++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(_parser.HeaderName(h), name) && System.Text.Ascii.EqualsIgnoreCase(_parser.HeaderValue(h), value))
            {
                return true;
            }
        }

        return false;
    }

    private void Violate(string what)
    {
        _tally.Violations++;
        if (_tally.FirstViolation is null)
        {
            string sent = Escape(_out.AsSpan(Math.Max(0, _sent - 400), Math.Min(_sent, 400)));
            var plan = new StringBuilder();
            for (int i = 0; i < _count; i++)
            {
                plan.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? string.Empty : " ")}{_kinds[i]}@{_start[i]}{(_closeHeader[i] ? "+close" : string.Empty)}");
            }

            for (int b = 0; b < _batches; b++)
            {
                plan.Append(CultureInfo.InvariantCulture, $"{(b == 0 ? "; batches end at" : ",")} {_batchEnd[b]}");
            }

            plan.Append(CultureInfo.InvariantCulture, $"; slow {_slow}, abort at {_abortAt}, idle wait {_waitIdle}, batch {_batch}");
            string received = Escape(_history.AsSpan(0, _historyLength));
            _tally.FirstViolation = string.Create(CultureInfo.InvariantCulture, $"session {_tally.SessionsDone}{(_calm ? " (calm)" : string.Empty)}: {what} [plan: {plan}] [sent {_sent} bytes, last 400: {sent}] [received {_received} bytes, last {_historyLength}: {received}]");
        }

        _ended = true;
    }

    /// <summary>The bytes for a failure line: printable ASCII as is, the rest as \xNN (CR and LF as \r, \n).</summary>
    private static string Escape(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            _ = b switch
            {
                (byte)'\r' => text.Append("\\r"),
                (byte)'\n' => text.Append("\\n"),
                >= 0x20 and < 0x7F and not (byte)'"' => text.Append((char)b),
                _ => text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}"),
            };
        }

        return text.ToString();
    }

    /// <summary>Keeps the last bytes received on the connection, for a failure line.</summary>
    private void Remember(ReadOnlySpan<byte> data)
    {
        _received += data.Length;
        if (data.Length >= _history.Length)
        {
            data[^_history.Length..].CopyTo(_history);
            _historyLength = _history.Length;
            return;
        }

        int keep = Math.Min(_historyLength, _history.Length - data.Length);
        _history.AsSpan(_historyLength - keep, keep).CopyTo(_history);
        data.CopyTo(_history.AsSpan(keep));
        _historyLength = keep + data.Length;
    }

    // ---- the session plan ----

    private void Plan()
    {
        _outLength = 0;
        _sent = 0;
        _begun = 0;
        _headsCounted = 0;
        _answered = 0;
        _batch = 0;
        _awaitEnd = false;
        _mustEnd = false;
        _inResponse = false;
        _ended = false;
        _historyLength = 0;
        _received = 0;
        _count = 1 + Next(8);
        int expectedAt = 0;
        bool trailing = false;
        int last = _count - 1;
        int ending = Next(100);
        for (int i = 0; i < _count; i++)
        {
            _closeHeader[i] = false;
            _seqs[i] = ++_seq;
            _kinds[i] = i == last && ending < 12 ? HttpSimRequestKind.Malformed
                : i == last && ending < 18 ? HttpSimRequestKind.Http10
                : DrawKind();
            _closeHeader[i] = i == last && ending is >= 18 and < 30;
        }

        if (_kinds[last] == HttpSimRequestKind.Malformed && Next(2) == 0)
        {
            // A valid request pipelined after the malformed one: the server must never answer it.
            trailing = true;
            _count++;
            _seqs[_count - 1] = ++_seq;
            _kinds[_count - 1] = HttpSimRequestKind.Static;
            _closeHeader[_count - 1] = false;
        }

        for (int i = 0; i < _count; i++)
        {
            _start[i] = _outLength;
            WriteRequest(i, ref expectedAt);
        }

        _start[_count] = _outLength;

        // Batches: one request at a time (keep-alive), pipelined groups of 1–4, or everything at once.
        int mode = Next(3);
        _batches = 0;
        for (int i = 0; i < _count;)
        {
            int size = mode == 0 ? 1 : mode == 2 ? _count : 1 + Next(4);
            i = Math.Min(_count, i + size);
            _batchEnd[_batches++] = i;
        }

        if (trailing && _batches > 1 && _batchEnd[_batches - 2] == _count - 1)
        {
            _batchEnd[_batches - 2] = _count; // the trailing request goes in the malformed one's batch
            _batches--;
        }

        _slow = Next(100) < 15;
        _slowPiece = 1 + Next(16);
        _slowPauseMs = Next(2) == 0 ? 2 : 6;
        _tally.SlowSessions += _slow ? 1 : 0;
        _abortAt = Next(100) < 8 && _outLength > 1 ? 1 + Next(_outLength - 1) : -1;
        _abortive = Next(2) == 0;
        _waitIdle = Next(100) < 30;
    }

    private HttpSimRequestKind DrawKind()
    {
        int k = Next(100);
        return k < 20 ? HttpSimRequestKind.Static
            : k < 28 ? HttpSimRequestKind.Head
            : k < 34 ? HttpSimRequestKind.NotFound
            : k < 40 ? HttpSimRequestKind.WrongMethod
            : k < 62 ? HttpSimRequestKind.EchoLength
            : k < 80 ? HttpSimRequestKind.EchoChunked
            : HttpSimRequestKind.Slow;
    }

    private void WriteRequest(int i, ref int expectedAt)
    {
        long seq = _seqs[i];
        HttpSimRequestKind kind = _kinds[i];
        if (kind == HttpSimRequestKind.Malformed)
        {
            _malformed[i] = Next(s_malformed.Length);
            byte[] template = s_malformed[_malformed[i]].Bytes;
            int hash = Array.IndexOf(template, (byte)'#');
            Put(template.AsSpan(0, hash));
            PutNumber(seq);
            Put(template.AsSpan(hash + 1));
            _headEnd[i] = _outLength; // a malformed head's "end" is its last byte (only a HeadParses one counts)
            return;
        }

        switch (kind)
        {
            case HttpSimRequestKind.Head: Put("HEAD /static?seq="u8); break;
            case HttpSimRequestKind.NotFound: Put("GET /nope?seq="u8); break;
            case HttpSimRequestKind.WrongMethod: Put("DELETE /static?seq="u8); break;
            case HttpSimRequestKind.EchoLength or HttpSimRequestKind.EchoChunked: Put("POST /echo?seq="u8); break;
            case HttpSimRequestKind.Slow: Put("GET /slow?seq="u8); break;
            default: Put("GET /static?seq="u8); break;
        }

        PutNumber(seq);
        if (kind == HttpSimRequestKind.Slow)
        {
            _ms[i] = Next(4) == 0 ? 0 : Next(31);
            Put("&ms="u8);
            PutNumber(_ms[i]);
        }

        if (kind == HttpSimRequestKind.Http10)
        {
            Put(" HTTP/1.0\r\n\r\n"u8);
            _headEnd[i] = _outLength;
            return;
        }

        Put(" HTTP/1.1\r\nHost: sim\r\n"u8);
        if (_closeHeader[i])
        {
            Put("Connection: close\r\n"u8);
        }

        if (kind is not (HttpSimRequestKind.EchoLength or HttpSimRequestKind.EchoChunked))
        {
            Put("\r\n"u8);
            _headEnd[i] = _outLength;
            return;
        }

        // The body: "<seq>:" then letters, so a body answered to the wrong request differs at its first bytes.
        int tag = seq.TryFormat(_expected.AsSpan(expectedAt), out int digits, default, CultureInfo.InvariantCulture) ? digits : 0;
        _expected[expectedAt + tag] = (byte)':';
        int length = tag + 1 + Next(EchoBodyMax);
        for (int j = tag + 1; j < length; j++)
        {
            _expected[expectedAt + j] = (byte)('a' + ((seq + j) % 26));
        }

        _expectedStart[i] = expectedAt;
        _expectedLength[i] = length;
        ReadOnlySpan<byte> bodyBytes = _expected.AsSpan(expectedAt, length);
        expectedAt += length;
        if (kind == HttpSimRequestKind.EchoLength)
        {
            Put("Content-Length: "u8);
            PutNumber(length);
            Put("\r\n\r\n"u8);
            _headEnd[i] = _outLength;
            Put(bodyBytes);
            return;
        }

        Put("Transfer-Encoding: chunked\r\n\r\n"u8);
        _headEnd[i] = _outLength;
        while (!bodyBytes.IsEmpty)
        {
            int chunk = Next(3) == 0 ? bodyBytes.Length : 1 + Next(bodyBytes.Length);
            Span<byte> hex = _out.AsSpan(_outLength);
            chunk.TryFormat(hex, out int written, "x", CultureInfo.InvariantCulture);
            _outLength += written;
            Put("\r\n"u8);
            Put(bodyBytes[..chunk]);
            Put("\r\n"u8);
            bodyBytes = bodyBytes[chunk..];
        }

        Put("0\r\n\r\n"u8);
    }

    private void Put(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_out.AsSpan(_outLength));
        _outLength += bytes.Length;
    }

    private void PutNumber(long value)
    {
        value.TryFormat(_out.AsSpan(_outLength), out int written, default, CultureInfo.InvariantCulture);
        _outLength += written;
    }

    private int Next(int bound) => (int)(XorShift64.Next(ref _random) % (ulong)bound);

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
