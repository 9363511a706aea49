using System;
using System.Globalization;

namespace Tina.Http.Server;

/// <summary>
/// The connection's side of a streaming handler route (<see cref="HttpServer.MapStreamingHandler{THandler}"/>). The
/// request keeps one call slot for its whole life: the head and then each body piece go into the slot's request area
/// (parsing is cut so a piece never exceeds it), and one Call (<see cref="HttpStreamRequest"/>) carries each piece to
/// the handler; each reply (<see cref="HttpStreamResponse"/>) hands back response bytes from the slot's response area,
/// which are framed into the output at once. Once the body has ended the connection keeps calling (pulls) until the
/// handler ends the response.
/// </summary>
/// <remarks>
/// Single-threaded (the connection isolate). Invariants: at most one call of the request is out
/// (<see cref="_streamCallOut"/>), and while one is out or due no Receive is posted and nothing is parsed, so the
/// request area has one writer at a time and a slow handler stops the client's socket being read (TCP pushes back).
/// A call is started only when the output has room for a whole response area (below
/// <see cref="HttpServerOptions.MaxPendingResponseBytes"/>) and what is in it is already being sent, so a client that
/// does not read stops the calls: memory is the output buffer and the slot, whatever the body length.
/// </remarks>
internal sealed partial class HttpConnection
{
    private bool _stream;              // the request is on a streaming route and holds its slot
    private bool _streamCallDue;       // a piece (or a pull) waits to be called
    private bool _streamCallOut;
    private bool _streamHeadSent;      // the handler has had the head (its first call is made)
    private bool _streamRequestEnded;  // the body is all read: later calls are pulls
    private bool _streamResponseHead;  // the response head is in the output
    private bool _streamChunked;
    private long _streamRemaining;     // body bytes still owed under a declared Content-Length; -1: chunked or close-delimited
    private int _streamCallFlags;
    private TimeSpan _streamCallAt;
    private int _streamSlot;           // the request's (slot, generation), kept for the abort notice after the slot is released
    private uint _streamGeneration;

    private bool StreamBlocksParsing => _streamCallOut || _streamCallDue;

    /// <summary>Parsing of the body is cut to what the request area can still take.</summary>
    private bool StreamLimitsInput => _stream && !_streamRequestEnded && _phase == HttpConnectionPhase.Body;

    private int StreamRoom => _shard.CallSlots.Request(_slot, _generation).Length - _slotHead - _slotBody;

    /// <summary>In <c>OnHead</c>, once the slot is taken and the head written: the request streams.</summary>
    private void BeginStream()
    {
        _stream = true;
        _streamSlot = _slot;
        _streamGeneration = _generation;
        _streamCallDue = false;
        _streamCallOut = false;
        _streamHeadSent = false;
        _streamRequestEnded = false;
        _streamResponseHead = false;
        _streamChunked = false;
        _streamRemaining = -1;
    }

    /// <summary>In <c>OnBody</c>: the piece fits (the input was cut to the room); a full area makes a call due.</summary>
    private void StreamBody(ReadOnlySpan<byte> body)
    {
        Span<byte> area = _shard.CallSlots.Request(_slot, _generation);
        body.CopyTo(area[(_slotHead + _slotBody)..]);
        _slotBody += body.Length;
        if (StreamRoom == 0)
        {
            _streamCallDue = true;
        }
    }

    /// <summary>At the end of the bytes at hand: whatever the handler has not had yet goes now.</summary>
    private void StreamInputDrained()
    {
        if (_stream && !_streamRequestEnded && !_streamCallOut && (_slotBody > 0 || !_streamHeadSent))
        {
            _streamCallDue = true;
        }
    }

    /// <summary>In <c>OnComplete</c>: the body is all read; the last piece (maybe empty) is due, then pulls.</summary>
    private void StreamComplete()
    {
        _streamRequestEnded = true;
        _phase = HttpConnectionPhase.Calling;
        _streamCallDue = true;
    }

    /// <summary>At a Pump: true when the due call may start now (the output has room and is being sent, no Receive is out).</summary>
    private bool StreamCallReady =>
        _streamCallDue && !_streamCallOut && !_receiving && !_closeAfterFlush
        && _outputLength < _options.MaxPendingResponseBytes && (_outputLength == 0 || _sending);

    private Effect StartStreamCall(ref Context ctx)
    {
        _streamCallDue = false;
        Handle handler = BeginHandlerCall(ref ctx);
        _shard.Count(HttpServerCounter.StreamCalls);
        _streamCallFlags = (_streamHeadSent ? 0 : HttpStreamRequest.FlagHead) | (_streamRequestEnded ? HttpStreamRequest.FlagLast : 0);
        _streamCallOut = true;
        _streamCallAt = ctx.Now;
        int head = _streamHeadSent ? 0 : _slotHead;
        return ctx.Call(handler, new HttpStreamRequest(_server.Id, _slot, _generation, head, _slotBody, _streamCallFlags), _options.HandlerTimeout);
    }

    /// <summary>The outcome of the call that was out: response bytes into the output, or the end of the request.</summary>
    private void OnStreamReply(ref Context ctx, in Message message)
    {
        _streamCallOut = false;
        if (_calledHandler >= 0)
        {
            _shard.Admission.CallEnded(_calledHandler);
            _calledHandler = -1;
        }

        TimeSpan now = ctx.Now;
        if (_phase == HttpConnectionPhase.Body)
        {
            _bodyStart += now - _streamCallAt; // time spent waiting for the handler is not the client's slowness
        }

        if (!_stream)
        {
            return;
        }

        bool first = (_streamCallFlags & HttpStreamRequest.FlagHead) != 0;
        if (message.Status == CallStatus.Ok && message.Is(out HttpStreamResponse response)
            && response.Slot == _slot && response.Generation == _generation)
        {
            ReadOnlySpan<byte> area = _shard.CallSlots.Response(_slot, _generation);
            if (response.HeaderBytes < 0 || response.BodyBytes < 0 || response.HeaderBytes + response.BodyBytes > area.Length)
            {
                StreamFail(now, 500);
                return;
            }

            _streamHeadSent = true;
            _slotHead = 0;
            _slotBody = 0;
            bool end = (response.Flags & HttpStreamResponse.FlagEnd) != 0;
            if ((response.Flags & HttpStreamResponse.FlagHead) != 0)
            {
                if (_streamResponseHead)
                {
                    StreamFail(now, 500); // a second head: the handler lost track
                    return;
                }

                WriteStreamHead(now, response.Status, area[..response.HeaderBytes], response.ContentLength);
            }
            else if (!_streamResponseHead && (response.BodyBytes > 0 || end))
            {
                StreamFail(now, 500); // body before any head
                return;
            }

            if (!StreamWriteBody(area.Slice(response.HeaderBytes, response.BodyBytes)))
            {
                StreamFail(now, 500); // more than the declared length
                return;
            }

            if (end)
            {
                StreamEnd(now);
            }
            else if (_streamRequestEnded)
            {
                _streamCallDue = true; // pull the next piece of the response
            }

            return;
        }

        if (message.Status == CallStatus.StaleHandle && first && !_retried)
        {
            // The handler is gone before it saw anything of this request: respawn it and call once more.
            _shard.Handlers[_server.Routes[_route].Handler] = Handle.None;
            _retried = true;
            _streamCallDue = true;
            return;
        }

        _shard.Count(HttpServerCounter.HandlerFailures);
        StreamFail(now, message.Status switch
        {
            CallStatus.Timeout => 504,
            CallStatus.NoReply or CallStatus.Failed or CallStatus.Ok => 500,
            _ => 503,
        });
    }

    private void WriteStreamHead(TimeSpan now, int status, ReadOnlySpan<byte> headerLines, long contentLength)
    {
        _streamResponseHead = true;
        _outputLength += HttpStatus.WriteStatusLine(_buffers!.Output.AsSpan(_outputLength), status);
        Append(headerLines);
        if (contentLength >= 0)
        {
            Append("Content-Length: "u8);
            contentLength.TryFormat(_buffers.Output.AsSpan(_outputLength), out int digits, default, CultureInfo.InvariantCulture);
            _outputLength += digits;
            Append("\r\n"u8);
            _streamRemaining = contentLength;
        }
        else if (_versionMinor >= 1)
        {
            Append("Transfer-Encoding: chunked\r\n"u8);
            _streamChunked = true;
        }
        else
        {
            _keepAlive = false; // HTTP/1.0 without a length: the body ends at the close
        }

        AppendTrailerFields(now);
    }

    /// <summary>Frames one piece of response body into the output; false when it passes the declared length.</summary>
    private bool StreamWriteBody(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return true;
        }

        if (_streamRemaining >= 0)
        {
            if (body.Length > _streamRemaining)
            {
                return false;
            }

            _streamRemaining -= body.Length;
        }

        if (_isHead)
        {
            return true;
        }

        if (_streamChunked)
        {
            body.Length.TryFormat(_buffers!.Output.AsSpan(_outputLength), out int digits, "X", CultureInfo.InvariantCulture);
            _outputLength += digits;
            Append("\r\n"u8);
            Append(body);
            Append("\r\n"u8);
            return true;
        }

        Append(body);
        return true;
    }

    /// <summary>The handler ended the response: frame its end, give the slot back; an unread rest of the body is read and dropped.</summary>
    private void StreamEnd(TimeSpan now)
    {
        if (_streamRemaining > 0)
        {
            StreamFail(now, 500); // shorter than declared: the framing is broken, the connection must close
            return;
        }

        if (_streamChunked && !_isHead)
        {
            Append("0\r\n\r\n"u8);
        }

        _stream = false;
        _streamCallDue = false;
        ReleaseSlot();
        if (_streamRequestEnded)
        {
            EndRequest(now);
        }
        else
        {
            _inlineAnswered = true; // OnBody drops the rest (no slot), OnComplete ends the request
        }
    }

    /// <summary>
    /// The request cannot go on (a failed or timed-out call, a handler breaking the protocol): before the response head
    /// the client gets <paramref name="status"/> and the connection closes (the body may be unread); after it the
    /// response is cut and the connection closes, so the client sees a truncated body, never a wrong one.
    /// </summary>
    private void StreamFail(TimeSpan now, int status)
    {
        _stream = false;
        _streamCallDue = false;
        if (_streamResponseHead)
        {
            ReleaseSlot();
            _keepAlive = false;
            _closeAfterFlush = true;
            return;
        }

        FailRequest(now, status);
    }

    /// <summary>At the connection's end: a handler that has seen part of a request not finished learns it is over.</summary>
    private void StreamAbandon(ref Context ctx)
    {
        if (_stream && _streamHeadSent)
        {
            Handle handler = _shard.Handlers[_server.Routes[_route].Handler];
            if (!handler.IsNone)
            {
                _ = ctx.Send(handler, new HttpStreamAbort(_server.Id, _streamSlot, _streamGeneration));
            }

            _shard.Count(HttpServerCounter.StreamAborts);
        }

        _stream = false;
        _streamCallDue = false;
    }
}
