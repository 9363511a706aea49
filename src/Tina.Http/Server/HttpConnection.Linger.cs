using System;
using Tina.Io;

namespace Tina.Http.Server;

/// <summary>
/// The lingering close (<see cref="HttpServerOptions.LingerTimeout"/>, <see cref="HttpServerOptions.LingerMaxBytes"/>).
/// Closing a socket with received bytes unread makes the kernel send a reset, and a reset can make the client's
/// kernel discard the answer it has not read yet (a 413 for a body still being written). So after an error answer
/// is all sent, the connection shuts its send side (the client reads the answer, then an end of stream) and keeps
/// receiving and dropping bytes until the client closes, the bytes reach the bound, or the time is up; then it closes.
/// </summary>
/// <remarks>
/// Single-threaded (the connection isolate). Entered only with no Send in flight and the output empty; while lingering
/// nothing is parsed, and the only I/O is one Receive at a time whose bytes are never looked at (the buffer goes back
/// at the next collect). Where the backend cannot shut a send side (IOCP, the simulated network) the close is plain.
/// </remarks>
internal sealed partial class HttpConnection
{
    private bool _lingerWanted;  // the connection closes after an error answer: request bytes may be unread
    private bool _lingering;
    private TimeSpan _lingerUntil;
    private long _lingerBytes;

    /// <summary>True (with the effect to return) when the lingering close has begun; false: close at once.</summary>
    private bool StartLinger(ref Context ctx, out Effect effect)
    {
        effect = default;
        if (_options.LingerTimeout <= TimeSpan.Zero || _options.LingerMaxBytes <= 0 || _socket.IsNone || !ctx.ShutdownSend(_socket))
        {
            return false;
        }

        _lingering = true;
        _lingerUntil = ctx.Now + _options.LingerTimeout;
        _lingerBytes = 0;
        _shard.Count(HttpServerCounter.LingeringCloses);
        if (_receiving)
        {
            effect = ctx.WaitForIo(); // the Receive already out is the first lingering read
            return true;
        }

        _receiving = true;
        effect = ctx.Receive(_socket, _options.ReceiveBytes, _options.LingerTimeout);
        return true;
    }

    /// <summary>A lingering read: drop its bytes and read again while the bounds allow; an end, an error or a bound closes.</summary>
    private Effect OnLingerReceive(ref Context ctx, in IoCompletion done)
    {
        _receiving = false;
        if (done.IsSuccess && done.Result.Bytes > 0)
        {
            _lingerBytes += done.Result.Bytes;
            TimeSpan left = _lingerUntil - ctx.Now;
            if (_lingerBytes < _options.LingerMaxBytes && left > TimeSpan.Zero)
            {
                _receiving = true;
                return ctx.Receive(_socket, _options.ReceiveBytes, left);
            }
        }

        return Finish(ref ctx);
    }
}
