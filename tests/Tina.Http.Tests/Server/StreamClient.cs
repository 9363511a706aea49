using System;
using System.Buffers;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tina.Http.Tests.Server;

/// <summary>
/// A blocking loopback client for large bodies: writes a body of the <see cref="StreamPattern"/> (Content-Length or
/// chunked) and reads a response body while checking every byte against the pattern, with fixed buffers only (after
/// the head, nothing is allocated per byte or per read), so a test can measure what the transfer allocates. Every
/// read and write is bounded by the socket's 10 s timeouts.
/// </summary>
internal sealed class StreamClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _in = new byte[1 << 16];
    private readonly byte[] _out = new byte[(1 << 16) + 16];
    private int _start;
    private int _end;

    public StreamClient(int port)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveTimeout = 10_000,
            SendTimeout = 10_000,
            NoDelay = true,
        };
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
    }

    /// <summary>Takes over an accepted socket (a test upstream's side of a connection).</summary>
    public StreamClient(Socket accepted)
    {
        _socket = accepted;
        _socket.ReceiveTimeout = 10_000;
        _socket.SendTimeout = 10_000;
    }

    public Socket Socket => _socket;

    /// <summary>Bytes of body written so far (read by another thread while the writer runs).</summary>
    public long Written;

    public void Send(string text)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(text);
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += _socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
        }
    }

    /// <summary>Writes <paramref name="length"/> pattern bytes in pieces of <paramref name="piece"/>, as chunks when <paramref name="chunked"/> (then the last chunk).</summary>
    public void WriteBody(long length, bool chunked, int piece = 1 << 16)
    {
        long offset = 0;
        while (offset < length)
        {
            int n = (int)Math.Min(piece, length - offset);
            int at = 0;
            if (chunked)
            {
                Utf8Formatter.TryFormat(n, _out, out at, new StandardFormat('X'));
                _out[at++] = (byte)'\r';
                _out[at++] = (byte)'\n';
            }

            StreamPattern.Fill(_out.AsSpan(at, n), offset);
            at += n;
            if (chunked)
            {
                _out[at++] = (byte)'\r';
                _out[at++] = (byte)'\n';
            }

            SendAll(_out.AsSpan(0, at));
            offset += n;
            System.Threading.Volatile.Write(ref Written, offset);
        }

        if (chunked)
        {
            SendAll("0\r\n\r\n"u8);
        }
    }

    /// <summary>A request's line and fields, or a null line at end of stream (a test upstream's side).</summary>
    public (string? Line, Dictionary<string, string> Fields) ReadRequestHead()
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? first = ReadLine();
        string? line;
        while (first is not null && (line = ReadLine()) is { Length: > 0 })
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            fields[line[..colon]] = line[(colon + 1)..].Trim();
        }

        return (first, fields);
    }

    /// <summary>The status line's code and the fields (lower-case names), or status 0 at end of stream.</summary>
    public (int Status, Dictionary<string, string> Fields) ReadHead()
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? line = ReadLine();
        if (line is null)
        {
            return (0, fields);
        }

        int status = int.Parse(line.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        while ((line = ReadLine()) is { Length: > 0 })
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            fields[line[..colon]] = line[(colon + 1)..].Trim();
        }

        return (status, fields);
    }

    /// <summary>
    /// Reads the body the fields frame (Content-Length or chunked), checking each byte against the pattern; returns
    /// the bytes that matched before the body ended, a wrong byte came (then -1 - offset), or the stream ended.
    /// </summary>
    public long ReadPatternBody(Dictionary<string, string> fields)
    {
        long offset = 0;
        if (fields.TryGetValue("Content-Length", out string? declared))
        {
            long length = long.Parse(declared, System.Globalization.CultureInfo.InvariantCulture);
            return ReadPattern(length, ref offset) ? offset : -1 - offset;
        }

        while (true)
        {
            long size = ReadChunkSize();
            if (size < 0)
            {
                return offset; // the stream ended inside the body
            }

            if (size == 0)
            {
                ReadCrlf(); // no trailers are sent
                return offset;
            }

            if (!ReadPattern(size, ref offset))
            {
                return -1 - offset;
            }

            ReadCrlf();
        }
    }

    /// <summary>A short Content-Length body as Latin-1 text.</summary>
    public string ReadText(Dictionary<string, string> fields)
    {
        int length = int.Parse(fields["Content-Length"], System.Globalization.CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        while (text.Length < length && (_start < _end || Fill()))
        {
            text.Append((char)_in[_start++]);
        }

        return text.ToString();
    }

    public bool SeesEndOfStream()
    {
        if (_start < _end)
        {
            return false;
        }

        try
        {
            return _socket.Receive(_in, 0, _in.Length, SocketFlags.None) == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();

    private bool ReadPattern(long count, ref long offset)
    {
        long end = offset + count;
        while (offset < end)
        {
            if (_start == _end && !Fill())
            {
                return true; // ended early: the caller sees the short count
            }

            int n = (int)Math.Min(end - offset, _end - _start);
            if (StreamPattern.Check(_in.AsSpan(_start, n), offset) >= 0)
            {
                return false;
            }

            _start += n;
            offset += n;
        }

        return true;
    }

    /// <summary>A chunk-size line's value (hex, no extensions expected), or -1 at end of stream.</summary>
    private long ReadChunkSize()
    {
        long size = 0;
        while (true)
        {
            if (_start == _end && !Fill())
            {
                return -1;
            }

            byte b = _in[_start++];
            if (b == '\r')
            {
                continue;
            }

            if (b == '\n')
            {
                return size;
            }

            size = (size << 4) + (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        }
    }

    private void ReadCrlf()
    {
        for (int i = 0; i < 2; i++)
        {
            if (_start == _end && !Fill())
            {
                return;
            }

            _start++;
        }
    }

    private string? ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !Fill())
            {
                return line.Length > 0 ? line.ToString() : null;
            }

            byte b = _in[_start++];
            if (b == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            line.Append((char)b);
        }
    }

    private bool Fill()
    {
        _start = 0;
        _end = 0;
        try
        {
            _end = _socket.Receive(_in, 0, _in.Length, SocketFlags.None);
            return _end > 0;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return false;
        }
    }

    private void SendAll(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            bytes = bytes[_socket.Send(bytes, SocketFlags.None)..];
        }
    }
}
