using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tina.Http.Tests.Proxy;

/// <summary>A response the proxy client read: status, fields in order, decoded body, and whether the body was cut.</summary>
internal sealed class ProxyResponse
{
    public int Status;
    public readonly List<(string Name, string Value)> Fields = [];
    public byte[] Body = [];
    public bool WasChunked;

    public string? Field(string name)
    {
        foreach ((string n, string v) in Fields)
        {
            if (n.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        return null;
    }

    public string BodyText => Encoding.Latin1.GetString(Body);
}

/// <summary>A blocking loopback client of the proxy that decodes Content-Length and chunked bodies (every read bounded by 10 s).</summary>
internal sealed class ProxyClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;

    public ProxyClient(int port)
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

    /// <summary>The next response, or null when the stream ends before one; throws when it ends inside a body.</summary>
    public ProxyResponse? Read(bool head = false)
    {
        string? line = ReadLine();
        if (line is null)
        {
            return null;
        }

        var response = new ProxyResponse { Status = int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture) };
        while ((line = ReadLine()) is { Length: > 0 })
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            response.Fields.Add((line[..colon], line[(colon + 1)..].Trim()));
        }

        if (line is null)
        {
            throw new InvalidOperationException("the stream ended inside a head");
        }

        if (head || response.Status is 204 or 304 || (response.Status >= 100 && response.Status < 200))
        {
            return response;
        }

        if (response.Field("Transfer-Encoding") is "chunked")
        {
            response.WasChunked = true;
            var body = new List<byte>();
            while (true)
            {
                string size = ReadLine() ?? throw new InvalidOperationException("the stream ended inside a chunked body");
                int n = int.Parse(size, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (n == 0)
                {
                    if (ReadLine() is not "")
                    {
                        throw new InvalidOperationException("no empty line after the last chunk");
                    }

                    break;
                }

                body.AddRange(ReadBytes(n));
                if (ReadLine() is not "")
                {
                    throw new InvalidOperationException("chunk data not followed by CRLF");
                }
            }

            response.Body = [.. body];
        }
        else if (response.Field("Content-Length") is string cl)
        {
            response.Body = ReadBytes(int.Parse(cl, CultureInfo.InvariantCulture));
        }
        else
        {
            var body = new List<byte>();
            while (Fill())
            {
            }

            body.AddRange(_buffer.AsSpan(_start, _end - _start).ToArray());
            _start = _end;
            response.Body = [.. body];
        }

        return response;
    }

    /// <summary>Reads a body of exactly <paramref name="count"/> bytes, or as many as come before the stream ends.</summary>
    public int Drain(int count)
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

    /// <summary>True when the proxy closed (end of stream or reset) with no further byte, within the read timeout.</summary>
    public bool SeesEndOfStream() => _start == _end && !Fill();

    public void Dispose() => _socket.Dispose();

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

    public byte[] ReadBytes(int count)
    {
        byte[] result = new byte[count];
        int got = 0;
        while (got < count)
        {
            if (_start == _end && !Fill())
            {
                throw new InvalidOperationException($"the stream ended inside a body ({got} of {count} bytes)");
            }

            int n = Math.Min(count - got, _end - _start);
            Array.Copy(_buffer, _start, result, got, n);
            _start += n;
            got += n;
        }

        return result;
    }

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
    }
}
