using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tina.Http.Tests.Server;

/// <summary>One parsed response.</summary>
internal sealed class RawResponse
{
    public int Status;
    public readonly Dictionary<string, string> Headers = new(StringComparer.OrdinalIgnoreCase);
    public string Body = string.Empty;

    public bool Closes => Headers.TryGetValue("Connection", out string? v) && v.Equals("close", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A blocking loopback client that sends raw bytes and reads responses (every read bounded by a 10 s timeout).</summary>
internal sealed class RawClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;

    public RawClient(int port)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
    }

    public void Send(string text) => Send(Encoding.Latin1.GetBytes(text));

    public void Send(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += _socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
        }
    }

    /// <summary>Sends, tolerating a server that has already closed (a reset on send after it answered).</summary>
    public void SendTolerant(byte[] bytes)
    {
        try
        {
            Send(bytes);
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>The next response, or null when the stream ends (or is reset) before one starts.</summary>
    public RawResponse? Read(bool headRequest = false)
    {
        int headEnd;
        while ((headEnd = IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (!Fill())
            {
                return null;
            }
        }

        string head = Encoding.Latin1.GetString(_buffer, _start, headEnd - _start);
        _start = headEnd + 4;
        string[] lines = head.Split("\r\n");
        var response = new RawResponse { Status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) };
        for (int i = 1; i < lines.Length; i++)
        {
            int colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            response.Headers[lines[i][..colon]] = lines[i][(colon + 1)..].Trim();
        }

        if (headRequest || response.Status == 100 || !response.Headers.TryGetValue("Content-Length", out string? cl))
        {
            return response;
        }

        int length = int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture);
        while (_end - _start < length)
        {
            if (!Fill())
            {
                throw new InvalidOperationException("the stream ended inside a body");
            }
        }

        response.Body = Encoding.Latin1.GetString(_buffer, _start, length);
        _start += length;
        return response;
    }

    /// <summary>Reads responses until the stream ends; returns them (the stream's end is guaranteed on return).</summary>
    public List<RawResponse> ReadAllUntilClosed()
    {
        var all = new List<RawResponse>();
        while (Read() is RawResponse response)
        {
            all.Add(response);
        }

        return all;
    }

    /// <summary>True when the server has closed: end of stream or a reset, with no further byte, within the read timeout.</summary>
    public bool SeesEndOfStream()
    {
        if (_end > _start)
        {
            return false;
        }

        return !Fill();
    }

    public void Dispose() => _socket.Dispose();

    private int IndexOf(ReadOnlySpan<byte> pattern)
    {
        int at = _buffer.AsSpan(_start, _end - _start).IndexOf(pattern);
        return at < 0 ? -1 : _start + at;
    }

    /// <summary>Reads more bytes; false at end of stream or reset. A timeout throws (a test that hangs fails).</summary>
    private bool Fill()
    {
        if (_start > 0 && _start == _end)
        {
            _start = _end = 0;
        }

        try
        {
            int n = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
            _end += n;
            return n > 0;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return false;
        }
    }
}
