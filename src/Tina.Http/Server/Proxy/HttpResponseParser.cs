using System;
using Tina.Http.Parsing;

namespace Tina.Http.Server.Proxy;

/// <summary>
/// A strict, incremental, allocation-free parser of HTTP/1.1 responses read from an upstream server: status line,
/// header section, then the body framed by RFC 9112 §6.3 (no body for HEAD, 1xx, 204 and 304; Transfer-Encoding
/// <c>chunked</c>; Content-Length; otherwise until the upstream closes). Chunked bodies are reported decoded (the
/// proxy re-frames them); trailers are validated and dropped. Interim 1xx responses (other than 101) are skipped.
/// </summary>
/// <remarks>
/// Same call shape as <see cref="HttpRequestParser"/>: <see cref="Parse"/> runs to the next event and says how many
/// input bytes it used. Head bytes are copied into a buffer allocated at construction (the caller may reuse its
/// input buffer after each call); body bytes are slices of the input. Single-threaded: one parser per upstream
/// exchange, owned by the isolate doing it. Strictness is the request parser's: CRLF only, no obs-fold, Content-Length
/// with Transfer-Encoding rejected, differing Content-Length rejected, any coding but a single <c>chunked</c> rejected.
/// </remarks>
public sealed class HttpResponseParser
{
    private readonly byte[] _head;
    private readonly int[] _fields; // per field: name start, name length, value start, value length
    private readonly byte[] _line;
    private readonly int _maxHeaderCount;
    private State _state = State.StatusLine;
    private int _headLength;
    private int _lineStart;
    private int _lineLength;
    private int _fieldCount;
    private long _remaining;
    private bool _requestWasHead;
    private int _reasonStart;
    private int _reasonLength;

    /// <summary>Creates a parser whose head (status line + fields) is at most <paramref name="maxHeadBytes"/>.</summary>
    public HttpResponseParser(int maxHeadBytes = 32 * 1024, int maxHeaderCount = 100, int maxChunkLineBytes = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeadBytes, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeaderCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunkLineBytes, 8);
        _head = new byte[maxHeadBytes];
        _fields = new int[maxHeaderCount * 4];
        _line = new byte[maxChunkLineBytes];
        _maxHeaderCount = maxHeaderCount;
    }

    private enum State
    {
        StatusLine,
        HeaderLine,
        FixedBody,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailer,
        CloseBody,
        Complete,
        Failed,
    }

    /// <summary>The status code (valid after <see cref="HttpParseEvent.HeadersComplete"/>).</summary>
    public int Status { get; private set; }

    /// <summary>0 for HTTP/1.0, 1 for HTTP/1.1.</summary>
    public int VersionMinor { get; private set; }

    /// <summary>The declared Content-Length, or -1 when none.</summary>
    public long ContentLength { get; private set; }

    /// <summary>The body is chunked (reported decoded).</summary>
    public bool IsChunked { get; private set; }

    /// <summary>The body runs until the upstream closes (no length, not chunked): call <see cref="Finish"/> at the end of stream.</summary>
    public bool IsCloseDelimited { get; private set; }

    /// <summary>The response has a body at all (false for HEAD, 1xx, 204, 304, and Content-Length 0).</summary>
    public bool HasBody { get; private set; }

    /// <summary>The upstream connection may carry a next request after this response (HTTP/1.1 without <c>close</c>, framed).</summary>
    public bool KeepAlive { get; private set; }

    /// <summary>Why the response was rejected.</summary>
    public HttpResponseError Error { get; private set; }

    /// <summary>Number of header fields.</summary>
    public int HeaderCount => _fieldCount;

    /// <summary>Body bytes still expected for a Content-Length body.</summary>
    public long Remaining => _remaining;

    /// <summary>The reason phrase (valid until the next response starts).</summary>
    public ReadOnlySpan<byte> Reason => _head.AsSpan(_reasonStart, _reasonLength);

    /// <summary>The name of field <paramref name="index"/>, as sent.</summary>
    public ReadOnlySpan<byte> HeaderName(int index) => _head.AsSpan(_fields[index * 4], _fields[(index * 4) + 1]);

    /// <summary>The value of field <paramref name="index"/>, without surrounding whitespace.</summary>
    public ReadOnlySpan<byte> HeaderValue(int index) => _head.AsSpan(_fields[(index * 4) + 2], _fields[(index * 4) + 3]);

    /// <summary>Starts a new response; <paramref name="requestWasHead"/>: the request was HEAD (so no body follows).</summary>
    public void Reset(bool requestWasHead)
    {
        _requestWasHead = requestWasHead;
        _state = State.StatusLine;
        _headLength = 0;
        _lineStart = 0;
        _lineLength = 0;
        _fieldCount = 0;
        _remaining = 0;
        Status = 0;
        VersionMinor = 0;
        ContentLength = -1;
        IsChunked = false;
        IsCloseDelimited = false;
        HasBody = false;
        KeepAlive = false;
        Error = HttpResponseError.None;
        _reasonStart = 0;
        _reasonLength = 0;
    }

    /// <summary>
    /// The upstream closed its side: <see cref="HttpParseEvent.MessageComplete"/> for a close-delimited body (or one
    /// already complete), otherwise <see cref="HttpParseEvent.Error"/> with <see cref="HttpResponseError.Truncated"/>.
    /// </summary>
    public HttpParseEvent Finish()
    {
        if (_state is State.CloseBody or State.Complete)
        {
            _state = State.Complete;
            return HttpParseEvent.MessageComplete;
        }

        return Fail(HttpResponseError.Truncated);
    }

    /// <summary>Parses up to the next event; <paramref name="consumed"/> input bytes were used.</summary>
    public HttpParseEvent Parse(ReadOnlySpan<byte> input, out int consumed, out ReadOnlySpan<byte> body)
    {
        body = default;
        consumed = 0;
        while (true)
        {
            switch (_state)
            {
                case State.Failed:
                    return HttpParseEvent.Error;
                case State.Complete:
                    return HttpParseEvent.MessageComplete;
                case State.FixedBody:
                    if (consumed == input.Length)
                    {
                        return HttpParseEvent.NeedMoreData;
                    }

                    if (TakeBody(input, ref consumed, out body))
                    {
                        _state = State.Complete;
                    }

                    return HttpParseEvent.BodyData;

                case State.CloseBody:
                    if (consumed == input.Length)
                    {
                        return HttpParseEvent.NeedMoreData;
                    }

                    body = input[consumed..];
                    consumed = input.Length;
                    return HttpParseEvent.BodyData;
                case State.ChunkData:
                    if (consumed == input.Length)
                    {
                        return HttpParseEvent.NeedMoreData;
                    }

                    if (TakeBody(input, ref consumed, out body))
                    {
                        _state = State.ChunkDataEnd;
                        _lineLength = 0;
                    }

                    return HttpParseEvent.BodyData;

                default:
                    {
                        // A line state: accumulate up to LF.
                        if (!TakeLine(input, ref consumed, out ReadOnlySpan<byte> line))
                        {
                            return _state == State.Failed ? HttpParseEvent.Error : HttpParseEvent.NeedMoreData;
                        }

                        HttpParseEvent ev = OnLine(line);
                        if (ev != HttpParseEvent.NeedMoreData)
                        {
                            return ev;
                        }

                        break;
                    }
            }
        }
    }

    /// <summary>Copies bytes up to and including LF into the head (status, fields) or the line scratch (chunk lines, trailers).</summary>
    private bool TakeLine(ReadOnlySpan<byte> input, ref int consumed, out ReadOnlySpan<byte> line)
    {
        line = default;
        bool isHead = _state is State.StatusLine or State.HeaderLine;
        byte[] target = isHead ? _head : _line;
        int start = isHead ? _lineStart : 0;
        ReadOnlySpan<byte> rest = input[consumed..];
        int lf = rest.IndexOf((byte)'\n');
        int take = lf < 0 ? rest.Length : lf + 1;
        int used = isHead ? _headLength : _lineLength;
        if (used + take > target.Length)
        {
            Fail(isHead ? HttpResponseError.HeadTooLarge : (_state == State.Trailer ? HttpResponseError.HeadTooLarge : HttpResponseError.ChunkLineTooLong));
            return false;
        }

        rest[..take].CopyTo(target.AsSpan(used));
        consumed += take;
        if (isHead)
        {
            _headLength += take;
        }
        else
        {
            _lineLength += take;
        }

        if (lf < 0)
        {
            return false;
        }

        int end = (isHead ? _headLength : _lineLength) - 1; // index of LF
        if (end == start || target[end - 1] != '\r')
        {
            Fail(HttpResponseError.BadLineEnding);
            return false;
        }

        line = target.AsSpan(start, end - 1 - start);
        if (line.IndexOf((byte)'\r') >= 0)
        {
            Fail(HttpResponseError.BadLineEnding);
            return false;
        }

        if (isHead)
        {
            _lineStart = _headLength;
        }
        else
        {
            _lineLength = 0;
        }

        return true;
    }

    private HttpParseEvent OnLine(ReadOnlySpan<byte> line)
    {
        switch (_state)
        {
            case State.StatusLine:
                return OnStatusLine(line);
            case State.HeaderLine:
                return line.IsEmpty ? OnHeadEnd() : OnField(line);
            case State.ChunkSize:
                return OnChunkSize(line);
            case State.ChunkDataEnd:
                if (!line.IsEmpty)
                {
                    return Fail(HttpResponseError.BadChunk);
                }

                _state = State.ChunkSize;
                return HttpParseEvent.NeedMoreData;
            default: // Trailer
                if (line.IsEmpty)
                {
                    _state = State.Complete;
                    return HttpParseEvent.MessageComplete;
                }

                return ValidField(line, out _, out _) ? HttpParseEvent.NeedMoreData : Fail(HttpResponseError.BadChunk);
        }
    }

    private HttpParseEvent OnStatusLine(ReadOnlySpan<byte> line)
    {
        // HTTP/1.x SP 3DIGIT SP reason-phrase (the reason may be empty but the SP is required by RFC 9112 §4).
        if (line.Length < 13 || !line.StartsWith("HTTP/1."u8) || (line[7] != '0' && line[7] != '1') || line[8] != ' '
            || !HttpSyntax.IsDigit(line[9]) || !HttpSyntax.IsDigit(line[10]) || !HttpSyntax.IsDigit(line[11]) || line[12] != ' ' || line[9] == '0')
        {
            return Fail(HttpResponseError.BadStatusLine);
        }

        ReadOnlySpan<byte> reason = line[13..];
        foreach (byte b in reason)
        {
            if (!HttpSyntax.IsFieldValueByte(b))
            {
                return Fail(HttpResponseError.BadStatusLine);
            }
        }

        VersionMinor = line[7] - '0';
        Status = ((line[9] - '0') * 100) + ((line[10] - '0') * 10) + (line[11] - '0');
        int start = _lineStart - 2 - reason.Length;
        _reasonStart = start;
        _reasonLength = reason.Length;
        _state = State.HeaderLine;
        return HttpParseEvent.NeedMoreData;
    }

    private HttpParseEvent OnField(ReadOnlySpan<byte> line)
    {
        if (_fieldCount == _maxHeaderCount)
        {
            return Fail(HttpResponseError.TooManyHeaders);
        }

        if (!ValidField(line, out int nameLength, out Range value))
        {
            return Fail(HttpResponseError.BadHeader);
        }

        int lineStart = _lineStart - 2 - line.Length;
        int f = _fieldCount * 4;
        _fields[f] = lineStart;
        _fields[f + 1] = nameLength;
        (int offset, int length) = value.GetOffsetAndLength(line.Length);
        _fields[f + 2] = lineStart + offset;
        _fields[f + 3] = length;
        _fieldCount++;
        return HttpParseEvent.NeedMoreData;
    }

    private static bool ValidField(ReadOnlySpan<byte> line, out int nameLength, out Range value)
    {
        value = default;
        nameLength = line.IndexOf((byte)':');
        if (nameLength <= 0)
        {
            return false;
        }

        for (int i = 0; i < nameLength; i++)
        {
            if (!HttpSyntax.IsToken(line[i]))
            {
                return false; // also rejects obs-fold (a leading SP) and whitespace before the colon
            }
        }

        int start = nameLength + 1;
        int end = line.Length;
        while (start < end && HttpSyntax.IsOws(line[start]))
        {
            start++;
        }

        while (end > start && HttpSyntax.IsOws(line[end - 1]))
        {
            end--;
        }

        for (int i = start; i < end; i++)
        {
            if (!HttpSyntax.IsFieldValueByte(line[i]))
            {
                return false;
            }
        }

        value = start..end;
        return true;
    }

    private HttpParseEvent OnHeadEnd()
    {
        if (Status == 101)
        {
            return Fail(HttpResponseError.Upgrade);
        }

        if (Status < 200)
        {
            // An interim response (100, 103): dropped; the final one follows on the same connection.
            Reset(_requestWasHead);
            return HttpParseEvent.NeedMoreData;
        }

        bool close = VersionMinor == 0;
        bool hasTe = false;
        for (int i = 0; i < _fieldCount; i++)
        {
            ReadOnlySpan<byte> name = HeaderName(i);
            ReadOnlySpan<byte> value = HeaderValue(i);
            if (HttpSyntax.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!HttpSyntax.TryParseDecimal(value, out long length) || (ContentLength >= 0 && ContentLength != length))
                {
                    return Fail(HttpResponseError.BadContentLength);
                }

                ContentLength = length;
            }
            else if (HttpSyntax.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                if (hasTe || !HttpSyntax.EqualsIgnoreCase(value, "chunked"u8))
                {
                    return Fail(HttpResponseError.BadTransferEncoding);
                }

                hasTe = true;
            }
            else if (HttpSyntax.EqualsIgnoreCase(name, "connection"u8))
            {
                if (HttpHopByHop.ListHas(value, "close"u8))
                {
                    close = true;
                }
                else if (VersionMinor == 0 && HttpHopByHop.ListHas(value, "keep-alive"u8))
                {
                    close = false;
                }
            }
        }

        if (hasTe && ContentLength >= 0)
        {
            return Fail(HttpResponseError.ContentLengthWithTransferEncoding);
        }

        bool bodiless = _requestWasHead || Status == 204 || Status == 304;
        if (bodiless)
        {
            _state = State.Complete;
        }
        else if (hasTe)
        {
            IsChunked = true;
            HasBody = true;
            _state = State.ChunkSize;
            _lineLength = 0;
        }
        else if (ContentLength >= 0)
        {
            HasBody = ContentLength > 0;
            _remaining = ContentLength;
            _state = ContentLength > 0 ? State.FixedBody : State.Complete;
        }
        else
        {
            IsCloseDelimited = true;
            HasBody = true;
            close = true;
            _state = State.CloseBody;
        }

        KeepAlive = !close;
        return HttpParseEvent.HeadersComplete;
    }

    private HttpParseEvent OnChunkSize(ReadOnlySpan<byte> line)
    {
        int semicolon = line.IndexOf((byte)';');
        ReadOnlySpan<byte> digits = semicolon < 0 ? line : line[..semicolon];
        while (!digits.IsEmpty && HttpSyntax.IsOws(digits[^1]))
        {
            digits = digits[..^1];
        }

        if (digits.IsEmpty)
        {
            return Fail(HttpResponseError.BadChunk);
        }

        if (!HttpSyntax.TryParseHexPrefix(digits, out long size, out int used))
        {
            return Fail(HttpResponseError.ChunkSizeOverflow);
        }

        if (used != digits.Length)
        {
            return Fail(HttpResponseError.BadChunk);
        }

        if (semicolon >= 0)
        {
            foreach (byte b in line[(semicolon + 1)..])
            {
                if (!HttpSyntax.IsFieldValueByte(b))
                {
                    return Fail(HttpResponseError.BadChunk); // extensions are ignored, but must be visible bytes
                }
            }
        }

        if (size == 0)
        {
            _state = State.Trailer;
            return HttpParseEvent.NeedMoreData;
        }

        _remaining = size;
        _state = State.ChunkData;
        return HttpParseEvent.NeedMoreData;
    }


    /// <summary>Up to <c>_remaining</c> body bytes from the rest of <paramref name="input"/>; true when the part is done.</summary>
    private bool TakeBody(ReadOnlySpan<byte> input, scoped ref int consumed, out ReadOnlySpan<byte> body)
    {
        int take = (int)Math.Min(_remaining, input.Length - consumed);
        body = input.Slice(consumed, take);
        consumed += take;
        _remaining -= take;
        return _remaining == 0;
    }

    private HttpParseEvent Fail(HttpResponseError error)
    {
        Error = error;
        _state = State.Failed;
        return HttpParseEvent.Error;
    }
}
