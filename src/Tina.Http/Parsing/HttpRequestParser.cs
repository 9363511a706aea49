using System;

// Over 400 lines on purpose: one incremental state machine (request line, fields, fixed and chunked bodies,
// trailers) whose states share the head buffer and field table; every rejection rule sits next to the byte it reads.

namespace Tina.Http.Parsing;

/// <summary>
/// An incremental, strict HTTP/1.1 request parser (RFC 9110/9112). Feed it receive bytes in any split; it returns at each
/// event (head complete, body bytes, message complete, error) and says how many bytes it consumed. It allocates only at
/// construction: the request line and header fields are copied into one buffer owned by the parser so the accessors stay
/// valid across splits, and body bytes are handed out as slices of the caller's input.
/// </summary>
/// <remarks>
/// Not thread-safe: one parser belongs to one connection isolate, which is single-threaded by construction. After
/// <see cref="HttpParseEvent.Error"/> the parser stays failed (every later call returns Error) because a framing error
/// leaves the position of the next request unknown: the connection must be answered with <see cref="ErrorStatus"/> and
/// closed. After <see cref="HttpParseEvent.MessageComplete"/> the next call starts the next pipelined request.
/// </remarks>
public sealed class HttpRequestParser
{
    private enum State
    {
        RequestLine,
        HeaderLine,
        FixedBody,
        ChunkSizeLine,
        ChunkData,
        ChunkDataCr,
        ChunkDataLf,
        TrailerLine,
        Complete,
        Failed,
    }

    private const long NoContentLength = -1;

    private readonly HttpParserOptions _options;

    // The request line at [0, _requestLineLength), then header field lines; offsets in _fields point into it.
    private readonly byte[] _head;
    private readonly HttpHeaderField[] _fields;

    // Chunk-size lines and trailer lines, which need no keeping once validated.
    private readonly byte[] _scratch;

    private State _state;
    private HttpParseError _error;
    private int _headLength;
    private int _lineStart;
    private int _lineBytes;
    private int _sectionBytes;
    private int _scratchLength;
    private int _requestLineLength;
    private int _methodLength;
    private int _targetStart;
    private int _targetLength;
    private int _versionMinor;
    private int _fieldCount;
    private int _trailerCount;
    private int _hostCount;
    private long _contentLength;
    private bool _hasTransferEncoding;
    private bool _chunkedIsFinal;
    private bool _chunkedSeen;
    private bool _unknownCoding;
    private bool _connectionClose;
    private bool _connectionKeepAlive;
    private bool _expectContinue;
    private long _remaining;
    private long _bodyTotal;

    /// <summary>Creates a parser; validates <paramref name="options"/> (throws naming the field out of range).</summary>
    public HttpRequestParser(HttpParserOptions? options = null)
    {
        _options = options ?? HttpParserOptions.Default;
        _options.Validate();
        _head = new byte[_options.MaxRequestLineBytes + _options.MaxHeaderSectionBytes];
        _fields = new HttpHeaderField[_options.MaxHeaderCount];
        _scratch = new byte[Math.Max(_options.MaxChunkLineBytes, _options.MaxHeaderSectionBytes)];
        ResetForNextRequest();
    }

    /// <summary>
    /// Forgets everything, a failure included, so the parser (and its buffers) can serve a new connection. Only for a
    /// new connection: within one, a failed parser must stay failed.
    /// </summary>
    public void Reset() => ResetForNextRequest();

    /// <summary>True while no byte of the current request has been consumed (between requests, or before the first).</summary>
    public bool IsBetweenRequests => _state == State.Complete || (_state == State.RequestLine && _headLength == 0 && _lineBytes == 0);

    /// <summary>The options this parser enforces.</summary>
    public HttpParserOptions Options => _options;

    /// <summary>Why the request was rejected, after <see cref="HttpParseEvent.Error"/>.</summary>
    public HttpParseError Error => _error;

    /// <summary>The status that answers <see cref="Error"/> (400, 413, 414, 417, 431, 501, 505), or 0.</summary>
    public int ErrorStatus => HttpParseErrors.StatusOf(_error);

    /// <summary>The method token. Valid from HeadersComplete until the next request starts.</summary>
    public ReadOnlySpan<byte> Method => _head.AsSpan(0, _methodLength);

    /// <summary>The request target as sent.</summary>
    public ReadOnlySpan<byte> Target => _head.AsSpan(_targetStart, _targetLength);

    /// <summary>The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1 (higher minors are answered as 1.1).</summary>
    public int VersionMinor => _versionMinor;

    /// <summary>How many header fields the request carried.</summary>
    public int HeaderCount => _fieldCount;

    /// <summary>The Content-Length, or -1 when the request has none.</summary>
    public long ContentLength => _contentLength;

    /// <summary>Whether the body is chunked.</summary>
    public bool IsChunked => _chunkedIsFinal;

    /// <summary>Whether the connection stays open after this request (HTTP/1.1 unless close; HTTP/1.0 only with keep-alive).</summary>
    public bool KeepAlive => !_connectionClose && (_versionMinor >= 1 || _connectionKeepAlive);

    /// <summary>Whether the client sent Expect: 100-continue and waits before sending the body.</summary>
    public bool ExpectContinue => _expectContinue;

    /// <summary>The name of header field <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> HeaderName(int index)
    {
        HttpHeaderField f = _fields[CheckIndex(index)];
        return _head.AsSpan(f.NameStart, f.NameLength);
    }

    /// <summary>The value of header field <paramref name="index"/>, without surrounding whitespace.</summary>
    public ReadOnlySpan<byte> HeaderValue(int index)
    {
        HttpHeaderField f = _fields[CheckIndex(index)];
        return _head.AsSpan(f.ValueStart, f.ValueLength);
    }

    /// <summary>The first field named <paramref name="lowerCaseName"/> (compared ASCII case-insensitively).</summary>
    public bool TryGetHeader(ReadOnlySpan<byte> lowerCaseName, out ReadOnlySpan<byte> value)
    {
        for (int i = 0; i < _fieldCount; i++)
        {
            HttpHeaderField f = _fields[i];
            if (HttpSyntax.EqualsIgnoreCase(_head.AsSpan(f.NameStart, f.NameLength), lowerCaseName))
            {
                value = _head.AsSpan(f.ValueStart, f.ValueLength);
                return true;
            }
        }
        value = default;
        return false;
    }

    private int CheckIndex(int index)
    {
        if ((uint)index >= (uint)_fieldCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return index;
    }

    /// <summary>
    /// Parses from the start of <paramref name="input"/> up to the next event. <paramref name="consumed"/> bytes were used;
    /// call again with the rest. <paramref name="body"/> is set only for <see cref="HttpParseEvent.BodyData"/>.
    /// </summary>
    public HttpParseEvent Parse(ReadOnlySpan<byte> input, out int consumed, out ReadOnlySpan<byte> body)
    {
        body = default;
        int pos = 0;
        if (_state == State.Complete)
        {
            ResetForNextRequest();
        }

        // Each iteration either consumes input, changes state, or returns: bounded by input length plus states.
        while (true)
        {
            switch (_state)
            {
                case State.Failed:
                    consumed = pos;
                    return HttpParseEvent.Error;

                case State.RequestLine:
                case State.HeaderLine:
                {
                    if (!TakeHeadLine(input, ref pos))
                    {
                        consumed = pos;
                        return _state == State.Failed ? HttpParseEvent.Error : HttpParseEvent.NeedMoreData;
                    }
                    if (_state == State.RequestLine)
                    {
                        if (_headLength == 0)
                            {
                                continue; // RFC 9112 §2.2: an empty line before the request line is ignored.
                            }

                            if (!Fail(ParseRequestLine()))
                        {
                            _state = State.HeaderLine;
                            _sectionBytes = 0;
                        }
                        continue;
                    }
                    if (_headLength == _lineStart)
                    {
                        if (Fail(FinishHead()))
                            {
                                continue;
                            }

                            consumed = pos;
                        return HttpParseEvent.HeadersComplete;
                    }
                    Fail(AddField());
                    continue;
                }

                case State.FixedBody:
                case State.ChunkData:
                {
                    if (_remaining == 0)
                    {
                        if (_state == State.ChunkData)
                        {
                            _state = State.ChunkDataCr;
                            continue;
                        }
                        _state = State.Complete;
                        consumed = pos;
                        return HttpParseEvent.MessageComplete;
                    }
                    if (pos == input.Length)
                    {
                        consumed = pos;
                        return HttpParseEvent.NeedMoreData;
                    }
                    int take = (int)Math.Min(_remaining, input.Length - pos);
                    body = input.Slice(pos, take);
                    pos += take;
                    _remaining -= take;
                    consumed = pos;
                    return HttpParseEvent.BodyData;
                }

                case State.ChunkDataCr:
                case State.ChunkDataLf:
                {
                    if (pos == input.Length)
                    {
                        consumed = pos;
                        return HttpParseEvent.NeedMoreData;
                    }
                    byte b = input[pos++];
                    if (_state == State.ChunkDataCr && b == '\r')
                        {
                            _state = State.ChunkDataLf;
                        }
                        else if (b == '\n' && (_state == State.ChunkDataLf || _options.AllowBareLf))
                        {
                            _state = State.ChunkSizeLine;
                        }
                        else
                        {
                            Fail(HttpParseError.MissingChunkTerminator);
                        }

                        continue;
                }

                case State.ChunkSizeLine:
                case State.TrailerLine:
                {
                    if (!TakeScratchLine(input, ref pos))
                    {
                        consumed = pos;
                        return _state == State.Failed ? HttpParseEvent.Error : HttpParseEvent.NeedMoreData;
                    }
                    ReadOnlySpan<byte> line = _scratch.AsSpan(0, _scratchLength);
                    _scratchLength = 0;
                    if (_state == State.ChunkSizeLine)
                    {
                        Fail(ParseChunkSize(line));
                        continue;
                    }
                    if (line.IsEmpty)
                    {
                        _state = State.Complete;
                        consumed = pos;
                        return HttpParseEvent.MessageComplete;
                    }
                    // Trailer fields are validated like header fields and counted, then discarded (see design/http.md).
                    HttpParseError trailerError = ParseFieldLine(line, out _, out _, out _);
                    if (trailerError == HttpParseError.None && ++_trailerCount > _options.MaxHeaderCount)
                        {
                            trailerError = HttpParseError.TooManyHeaders;
                        }

                        Fail(trailerError);
                    continue;
                }

                default: // State.Complete is reset on entry and never reached here.
                    consumed = pos;
                    return HttpParseEvent.NeedMoreData;
            }
        }
    }

    private bool Fail(HttpParseError error)
    {
        if (error == HttpParseError.None)
        {
            return false;
        }

        _error = error;
        _state = State.Failed;
        return true;
    }

    /// <summary>Copies input up to LF into the head buffer; true once a whole line (without its line ending) is there.</summary>
    private bool TakeHeadLine(ReadOnlySpan<byte> input, ref int pos)
    {
        bool requestLine = _state == State.RequestLine;
        ReadOnlySpan<byte> rest = input[pos..];
        int lf = rest.IndexOf((byte)'\n');
        int take = lf < 0 ? rest.Length : lf + 1;
        int limit = requestLine ? _options.MaxRequestLineBytes : _options.MaxHeaderSectionBytes;
        int used = requestLine ? _lineBytes : _sectionBytes;
        if (used + take > limit)
        {
            Fail(requestLine ? HttpParseError.RequestLineTooLong : HttpParseError.HeaderSectionTooLarge);
            return false;
        }
        int copy = lf < 0 ? take : lf;
        rest[..copy].CopyTo(_head.AsSpan(_headLength));
        _headLength += copy;
        pos += take;
        _lineBytes += take;
        _sectionBytes += take;
        if (lf < 0)
        {
            return false;
        }

        Span<byte> line = _head.AsSpan(_lineStart, _headLength - _lineStart);
        int length = line.Length;
        if (Fail(EndLine(line, ref length)))
        {
            return false;
        }

        _headLength = _lineStart + length;
        _lineBytes = requestLine && length == 0 ? _lineBytes : 0;
        return true;
    }

    /// <summary>Copies input up to LF into scratch, bounded by the chunk-line or trailer-section limit.</summary>
    private bool TakeScratchLine(ReadOnlySpan<byte> input, ref int pos)
    {
        bool chunkLine = _state == State.ChunkSizeLine;
        ReadOnlySpan<byte> rest = input[pos..];
        int lf = rest.IndexOf((byte)'\n');
        int take = lf < 0 ? rest.Length : lf + 1;
        int limit = chunkLine ? _options.MaxChunkLineBytes : _options.MaxHeaderSectionBytes;
        int used = chunkLine ? _lineBytes : _sectionBytes;
        if (used + take > limit)
        {
            Fail(chunkLine ? HttpParseError.ChunkLineTooLong : HttpParseError.HeaderSectionTooLarge);
            return false;
        }
        int copy = lf < 0 ? take : lf;
        rest[..copy].CopyTo(_scratch.AsSpan(_scratchLength));
        _scratchLength += copy;
        pos += take;
        _lineBytes += take;
        _sectionBytes += take;
        if (lf < 0)
        {
            return false;
        }

        Span<byte> line = _scratch.AsSpan(0, _scratchLength);
        int length = line.Length;
        if (Fail(EndLine(line, ref length)))
        {
            return false;
        }

        _scratchLength = length;
        _lineBytes = 0;
        return true;
    }

    /// <summary>Strips the CR of CRLF and applies the bare-LF and bare-CR rules to a line whose LF was removed.</summary>
    private HttpParseError EndLine(Span<byte> line, ref int length)
    {
        if (length > 0 && line[length - 1] == '\r')
        {
            length--;
        }
        else if (!_options.AllowBareLf)
        {
            return HttpParseError.BareLf;
        }

        Span<byte> content = line[..length];
        int cr = content.IndexOf((byte)'\r');
        if (cr >= 0)
        {
            if (!_options.AllowBareCr)
            {
                return HttpParseError.BareCr;
            }

            content.Replace((byte)'\r', (byte)' ');
        }
        return HttpParseError.None;
    }

    private HttpParseError ParseRequestLine()
    {
        ReadOnlySpan<byte> line = _head.AsSpan(0, _headLength);
        int sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0)
        {
            return sp1 == 0 ? HttpParseError.BadRequestLine : HttpParseError.BadRequestLine;
        }

        int sp2Rel = line[(sp1 + 1)..].IndexOf((byte)' ');
        if (sp2Rel <= 0)
        {
            return HttpParseError.BadRequestLine;
        }

        int sp2 = sp1 + 1 + sp2Rel;
        ReadOnlySpan<byte> method = line[..sp1];
        ReadOnlySpan<byte> target = line[(sp1 + 1)..sp2];
        ReadOnlySpan<byte> version = line[(sp2 + 1)..];

        // Version first: an HTTP/2 preface ("PRI * HTTP/2.0") is answered 505, not 501 for its method.
        if (version.Length != 8 || !version.StartsWith("HTTP/"u8) || version[6] != '.'
            || !char.IsAsciiDigit((char)version[5]) || !char.IsAsciiDigit((char)version[7]))
        {
            return HttpParseError.InvalidVersion;
        }

        if (version[5] != '1')
        {
            return HttpParseError.VersionNotSupported;
        }

        _versionMinor = version[7] == '0' ? 0 : 1;

        for (int i = 0; i < method.Length; i++)
        {
            if (!HttpSyntax.IsToken(method[i]))
            {
                return HttpParseError.InvalidMethod;
            }
        }
        bool isConnect = method.SequenceEqual("CONNECT"u8);
        bool isOptions = method.SequenceEqual("OPTIONS"u8);
        if (!_options.AllowUnknownMethods && !IsKnownMethod(method))
        {
            return HttpParseError.MethodNotImplemented;
        }

        HttpParseError targetError = ValidateTarget(target, isConnect, isOptions);
        if (targetError != HttpParseError.None)
        {
            return targetError;
        }

        _methodLength = sp1;
        _targetStart = sp1 + 1;
        _targetLength = target.Length;
        _requestLineLength = _headLength;
        _lineStart = _headLength;
        return HttpParseError.None;
    }

    private static bool IsKnownMethod(ReadOnlySpan<byte> m) =>
        m.SequenceEqual("GET"u8) || m.SequenceEqual("HEAD"u8) || m.SequenceEqual("POST"u8) || m.SequenceEqual("PUT"u8)
        || m.SequenceEqual("DELETE"u8) || m.SequenceEqual("CONNECT"u8) || m.SequenceEqual("OPTIONS"u8)
        || m.SequenceEqual("TRACE"u8) || m.SequenceEqual("PATCH"u8);

    private static HttpParseError ValidateTarget(ReadOnlySpan<byte> target, bool isConnect, bool isOptions)
    {
        for (int i = 0; i < target.Length; i++)
        {
            byte b = target[i];
            if (!HttpSyntax.IsTargetByte(b))
            {
                return HttpParseError.InvalidTarget;
            }

            if (b == '%' && (i + 2 >= target.Length || !HttpSyntax.IsHex(target[i + 1]) || !HttpSyntax.IsHex(target[i + 2])))
            {
                return HttpParseError.InvalidTarget;
            }
        }
        if (isConnect)
        {
            return target[0] != '/' && target.IndexOf((byte)':') > 0 ? HttpParseError.None : HttpParseError.InvalidTarget;
        }

        if (target[0] == '/')
        {
            return HttpParseError.None;
        }

        if (target.Length == 1 && target[0] == '*')
        {
            return isOptions ? HttpParseError.None : HttpParseError.InvalidTarget;
        }

        ReadOnlySpan<byte> lower = target.Length >= 8 ? target[..8] : target;
        if (StartsWithIgnoreCase(target, "http://"u8) || StartsWithIgnoreCase(lower, "https://"u8))
        {
            return HttpParseError.None;
        }

        return HttpParseError.InvalidTarget;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> span, ReadOnlySpan<byte> lowerPrefix) =>
        span.Length > lowerPrefix.Length && HttpSyntax.EqualsIgnoreCase(span[..lowerPrefix.Length], lowerPrefix);

    /// <summary>Validates one field line: no leading whitespace, token name, colon right after it, valid value bytes.</summary>
    private static HttpParseError ParseFieldLine(ReadOnlySpan<byte> line, out int nameLength, out int valueStart, out int valueLength)
    {
        nameLength = 0;
        valueStart = 0;
        valueLength = 0;
        if (HttpSyntax.IsOws(line[0]))
        {
            return HttpParseError.ObsoleteLineFolding;
        }

        int colon = line.IndexOf((byte)':');
        if (colon < 0)
        {
            return HttpParseError.MissingColon;
        }

        if (colon == 0)
        {
            return HttpParseError.InvalidHeaderName;
        }

        if (HttpSyntax.IsOws(line[colon - 1]))
        {
            return HttpParseError.WhitespaceBeforeColon;
        }

        for (int i = 0; i < colon; i++)
        {
            if (!HttpSyntax.IsToken(line[i]))
            {
                return HttpParseError.InvalidHeaderName;
            }
        }
        int start = colon + 1;
        int end = line.Length;
        for (int i = start; i < end; i++)
        {
            if (!HttpSyntax.IsFieldValueByte(line[i]))
            {
                return HttpParseError.InvalidHeaderValue;
            }
        }
        while (start < end && HttpSyntax.IsOws(line[start]))
        {
            start++;
        }

        while (end > start && HttpSyntax.IsOws(line[end - 1]))
        {
            end--;
        }

        nameLength = colon;
        valueStart = start;
        valueLength = end - start;
        return HttpParseError.None;
    }

    private HttpParseError AddField()
    {
        ReadOnlySpan<byte> line = _head.AsSpan(_lineStart, _headLength - _lineStart);
        HttpParseError error = ParseFieldLine(line, out int nameLength, out int valueStart, out int valueLength);
        if (error != HttpParseError.None)
        {
            return error;
        }

        if (_fieldCount == _fields.Length)
        {
            return HttpParseError.TooManyHeaders;
        }

        _fields[_fieldCount++] = new HttpHeaderField(_lineStart, nameLength, _lineStart + valueStart, valueLength);
        ReadOnlySpan<byte> name = line[..nameLength];
        ReadOnlySpan<byte> value = line.Slice(valueStart, valueLength);
        _lineStart = _headLength;
        return InterpretField(name, value);
    }

    private HttpParseError InterpretField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        switch (name.Length)
        {
            case 4 when HttpSyntax.EqualsIgnoreCase(name, "host"u8):
                if (++_hostCount > 1)
                {
                    return HttpParseError.DuplicateHost;
                }

                return ValidateHost(value);
            case 14 when HttpSyntax.EqualsIgnoreCase(name, "content-length"u8):
                return ParseContentLength(value);
            case 17 when HttpSyntax.EqualsIgnoreCase(name, "transfer-encoding"u8):
                return ParseTransferEncoding(value);
            case 10 when HttpSyntax.EqualsIgnoreCase(name, "connection"u8):
                ParseConnection(value);
                return HttpParseError.None;
            case 6 when HttpSyntax.EqualsIgnoreCase(name, "expect"u8):
                if (!HttpSyntax.EqualsIgnoreCase(value, "100-continue"u8))
                {
                    return HttpParseError.UnsupportedExpectation;
                }

                _expectContinue = true;
                return HttpParseError.None;
            default:
                return HttpParseError.None;
        }
    }

    private static HttpParseError ValidateHost(ReadOnlySpan<byte> value)
    {
        // uri-host [ ":" port ]: reg-name, IPv4 or an IP literal in brackets; no userinfo, path, query or whitespace.
        for (int i = 0; i < value.Length; i++)
        {
            byte b = value[i];
            bool ok = b == '[' || b == ']' || (HttpSyntax.IsTargetByte(b) && b != '/' && b != '?' && b != '@');
            if (!ok)
            {
                return HttpParseError.InvalidHost;
            }
        }
        return HttpParseError.None;
    }

    private HttpParseError ParseContentLength(ReadOnlySpan<byte> value)
    {
        // RFC 9110 §8.6: a list of identical values may be taken as one; anything else is invalid.
        while (true)
        {
            int comma = value.IndexOf((byte)',');
            ReadOnlySpan<byte> member = HttpSyntax.TrimOws(comma < 0 ? value : value[..comma]);
            if (!HttpSyntax.TryParseDecimal(member, out long n))
            {
                return HttpParseError.InvalidContentLength;
            }

            if (_contentLength != NoContentLength && _contentLength != n)
            {
                return HttpParseError.DifferingContentLength;
            }

            _contentLength = n;
            if (comma < 0)
            {
                return HttpParseError.None;
            }

            value = value[(comma + 1)..];
        }
    }

    private HttpParseError ParseTransferEncoding(ReadOnlySpan<byte> value)
    {
        _hasTransferEncoding = true;
        while (true)
        {
            int comma = value.IndexOf((byte)',');
            ReadOnlySpan<byte> member = HttpSyntax.TrimOws(comma < 0 ? value : value[..comma]);
            if (!member.IsEmpty) // RFC 9110 §5.6.1: empty list elements are ignored.
            {
                if (HttpSyntax.EqualsIgnoreCase(member, "chunked"u8))
                {
                    if (_chunkedSeen)
                    {
                        return HttpParseError.TransferEncodingNotChunked; // chunked applied twice (RFC 9112 §6.1)
                    }

                    _chunkedSeen = true;
                    _chunkedIsFinal = true;
                }
                else
                {
                    _unknownCoding = true;
                    _chunkedIsFinal = false;
                }
            }
            if (comma < 0)
            {
                return HttpParseError.None;
            }

            value = value[(comma + 1)..];
        }
    }

    private void ParseConnection(ReadOnlySpan<byte> value)
    {
        while (true)
        {
            int comma = value.IndexOf((byte)',');
            ReadOnlySpan<byte> member = HttpSyntax.TrimOws(comma < 0 ? value : value[..comma]);
            if (HttpSyntax.EqualsIgnoreCase(member, "close"u8))
            {
                _connectionClose = true;
            }
            else if (HttpSyntax.EqualsIgnoreCase(member, "keep-alive"u8))
            {
                _connectionKeepAlive = true;
            }

            if (comma < 0)
            {
                return;
            }

            value = value[(comma + 1)..];
        }
    }

    /// <summary>The checks that need the whole head: Host presence and the framing rules of RFC 9112 §6.</summary>
    private HttpParseError FinishHead()
    {
        if (_versionMinor >= 1 && _hostCount == 0)
        {
            return HttpParseError.MissingHost;
        }

        if (_hasTransferEncoding)
        {
            if (_contentLength != NoContentLength)
            {
                return HttpParseError.ContentLengthWithTransferEncoding;
            }

            if (_versionMinor == 0)
            {
                return HttpParseError.TransferEncodingInHttp10;
            }

            if (!_chunkedIsFinal)
            {
                return HttpParseError.TransferEncodingNotChunked;
            }

            if (_unknownCoding)
            {
                return HttpParseError.TransferEncodingNotImplemented;
            }

            _state = State.ChunkSizeLine;
            _lineBytes = 0;
            _sectionBytes = 0;
            return HttpParseError.None;
        }
        if (_contentLength > _options.MaxBodyBytes)
        {
            return HttpParseError.BodyTooLarge;
        }

        _state = State.FixedBody;
        _remaining = _contentLength == NoContentLength ? 0 : _contentLength;
        return HttpParseError.None;
    }

    private HttpParseError ParseChunkSize(ReadOnlySpan<byte> line)
    {
        if (!HttpSyntax.TryParseHexPrefix(line, out long size, out int i))
        {
            return HttpParseError.ChunkSizeOverflow;
        }

        if (i == 0)
        {
            return HttpParseError.InvalidChunkSize;
        }

        if (!ValidChunkExtensions(line[i..]))
        {
            return HttpParseError.InvalidChunkExtension;
        }

        if (size > _options.MaxBodyBytes - _bodyTotal)
        {
            return HttpParseError.BodyTooLarge;
        }

        _bodyTotal += size;
        if (size == 0)
        {
            _state = State.TrailerLine;
            _sectionBytes = 0;
            return HttpParseError.None;
        }
        _state = State.ChunkData;
        _remaining = size;
        return HttpParseError.None;
    }

    /// <summary>chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ) — validated, then ignored.</summary>
    private static bool ValidChunkExtensions(ReadOnlySpan<byte> ext)
    {
        int i = 0;
        while (true)
        {
            while (i < ext.Length && HttpSyntax.IsOws(ext[i]))
            {
                i++;
            }

            if (i == ext.Length)
            {
                return true;
            }

            if (ext[i] != ';')
            {
                return false;
            }

            i++;
            while (i < ext.Length && HttpSyntax.IsOws(ext[i]))
            {
                i++;
            }

            int nameStart = i;
            while (i < ext.Length && HttpSyntax.IsToken(ext[i]))
            {
                i++;
            }

            if (i == nameStart)
            {
                return false;
            }

            int save = i;
            while (i < ext.Length && HttpSyntax.IsOws(ext[i]))
            {
                i++;
            }

            if (i == ext.Length || ext[i] != '=')
            {
                i = save;
                continue;
            }
            i++;
            while (i < ext.Length && HttpSyntax.IsOws(ext[i]))
            {
                i++;
            }

            if (i == ext.Length)
            {
                return false;
            }

            if (ext[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i == ext.Length)
                    {
                        return false;
                    }

                    byte b = ext[i];
                    if (b == '"')
                    {
                        i++;
                        break;
                    }
                    if (b == '\\')
                    {
                        i++;
                        if (i == ext.Length || !HttpSyntax.IsFieldValueByte(ext[i]))
                        {
                            return false;
                        }
                    }
                    else if (!HttpSyntax.IsFieldValueByte(b))
                    {
                        return false;
                    }
                    i++;
                }
            }
            else
            {
                int valueStart = i;
                while (i < ext.Length && HttpSyntax.IsToken(ext[i]))
                {
                    i++;
                }

                if (i == valueStart)
                {
                    return false;
                }
            }
        }
    }

    private void ResetForNextRequest()
    {
        _state = State.RequestLine;
        _error = HttpParseError.None;
        _headLength = 0;
        _lineStart = 0;
        _lineBytes = 0;
        _sectionBytes = 0;
        _scratchLength = 0;
        _requestLineLength = 0;
        _methodLength = 0;
        _targetStart = 0;
        _targetLength = 0;
        _versionMinor = 1;
        _fieldCount = 0;
        _trailerCount = 0;
        _hostCount = 0;
        _contentLength = NoContentLength;
        _hasTransferEncoding = false;
        _chunkedIsFinal = false;
        _chunkedSeen = false;
        _unknownCoding = false;
        _connectionClose = false;
        _connectionKeepAlive = false;
        _expectContinue = false;
        _remaining = 0;
        _bodyTotal = 0;
    }
}
