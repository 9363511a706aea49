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
    private readonly BufferedSocket _connection;

    public ProxyClient(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 10_000, SendTimeout = 10_000 };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        _connection = new BufferedSocket(socket, closedFromAnotherThread: false);
    }

    public void Send(string text) => Send(Encoding.Latin1.GetBytes(text));

    public void Send(byte[] bytes) => _connection.Send(bytes);

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
            response.Body = _connection.ReadToEnd();
        }

        return response;
    }

    /// <summary>Reads a body of exactly <paramref name="count"/> bytes, or as many as come before the stream ends.</summary>
    public int Drain(int count) => _connection.Skip(count);

    /// <summary>True when the proxy closed (end of stream or reset) with no further byte, within the read timeout.</summary>
    public bool SeesEndOfStream() => _connection.SeesEndOfStream();

    public void Dispose() => _connection.Dispose();

    public string? ReadLine() => _connection.ReadLine();

    public byte[] ReadBytes(int count) => _connection.ReadBytes(count, "a body");
}
