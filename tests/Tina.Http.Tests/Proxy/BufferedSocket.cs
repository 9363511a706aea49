using System;
using System.Net.Sockets;
using System.Text;

namespace Tina.Http.Tests.Proxy;

/// <summary>
/// A blocking socket with a 64 KiB read buffer, read by lines and by exact byte counts: the side the proxy tests play
/// on both ends (the client of the proxy, and each connection of a test upstream). Every read is bounded by the
/// socket's timeouts, which its owner sets.
/// </summary>
internal sealed class BufferedSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly bool _closedFromAnotherThread;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;

    /// <param name="socket">The connected socket, owned from now on.</param>
    /// <param name="closedFromAnotherThread">True when another thread may dispose the socket while this one reads
    /// (a test upstream stopping): a read then reports end of stream instead of throwing.</param>
    public BufferedSocket(Socket socket, bool closedFromAnotherThread)
    {
        _socket = socket;
        _closedFromAnotherThread = closedFromAnotherThread;
    }

    public void Send(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += _socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
        }
    }

    /// <summary>The next line without its CRLF (or bare LF), or null at end of stream.</summary>
    public string? ReadLine()
    {
        while (true)
        {
            int lf = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (lf >= 0)
            {
                string line = Encoding.Latin1.GetString(_buffer, _start, lf).TrimEnd('\r');
                _start += lf + 1;
                return line;
            }

            if (!Fill())
            {
                return null;
            }
        }
    }

    /// <summary>Exactly <paramref name="count"/> bytes; throws naming <paramref name="what"/> when the stream ends first.</summary>
    public byte[] ReadBytes(int count, string what)
    {
        byte[] result = new byte[count];
        int got = 0;
        while (got < count)
        {
            if (_start == _end && !Fill())
            {
                throw new InvalidOperationException($"the stream ended inside {what} ({got} of {count} bytes)");
            }

            int n = Math.Min(count - got, _end - _start);
            Array.Copy(_buffer, _start, result, got, n);
            _start += n;
            got += n;
        }

        return result;
    }

    /// <summary>Skips up to <paramref name="count"/> bytes; returns how many came before the stream ended.</summary>
    public int Skip(int count)
    {
        int got = 0;
        while (got < count)
        {
            if (_start == _end && !Fill())
            {
                break;
            }

            int n = Math.Min(count - got, _end - _start);
            _start += n;
            got += n;
        }

        return got;
    }

    /// <summary>Everything until the stream ends.</summary>
    public byte[] ReadToEnd()
    {
        while (Fill())
        {
        }

        byte[] rest = _buffer.AsSpan(_start, _end - _start).ToArray();
        _start = _end;
        return rest;
    }

    /// <summary>True when the peer closed (end of stream or reset) with no further byte, within the read timeout.</summary>
    public bool SeesEndOfStream() => _start == _end && !Fill();

    public void Dispose() => _socket.Dispose();

    private bool Fill()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
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
        catch (ObjectDisposedException) when (_closedFromAnotherThread)
        {
            return false;
        }
    }
}
