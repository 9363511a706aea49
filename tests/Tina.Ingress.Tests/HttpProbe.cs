using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;

namespace Tina.Ingress.Tests;

/// <summary>A minimal HTTP/1.1 client over one socket, every read bounded by a receive timeout.</summary>
public sealed class HttpProbe : IDisposable
{
    private readonly Socket _socket;
    private readonly List<byte> _pending = [];

    public HttpProbe(int port)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, NoDelay = true };
        _socket.Connect("127.0.0.1", port);
    }

    public void Write(string text) => _socket.Send(Encoding.ASCII.GetBytes(text));

    /// <summary>Reads one response (head, then Content-Length bytes of body).</summary>
    public HttpAnswer Read()
    {
        int end;
        while ((end = HeadEnd()) < 0)
        {
            Fill();
        }

        string head = Encoding.ASCII.GetString(_pending.GetRange(0, end).ToArray());
        string[] lines = head.Split("\r\n");
        int status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines[1..])
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }

        int length = headers.TryGetValue("Content-Length", out string? value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        while (_pending.Count < end + 4 + length)
        {
            Fill();
        }

        string body = Encoding.UTF8.GetString(_pending.GetRange(end + 4, length).ToArray());
        _pending.RemoveRange(0, end + 4 + length);
        return new HttpAnswer(status, headers, body);
    }

    /// <summary>One GET on a fresh connection that closes after it.</summary>
    public static HttpAnswer Get(int port, string path)
    {
        using var probe = new HttpProbe(port);
        probe.Write($"GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
        return probe.Read();
    }

    /// <summary>True when the server closed the connection (end of stream or reset) with nothing more sent.</summary>
    public bool SeesEndOfStream()
    {
        if (_pending.Count > 0)
        {
            return false;
        }

        byte[] one = new byte[1];
        try
        {
            return _socket.Receive(one) == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            return true;
        }
    }

    /// <summary>True when a new connection to <paramref name="port"/> is refused (nothing listens).</summary>
    public static bool ConnectIsRefused(int port)
    {
        try
        {
            using var probe = new HttpProbe(port);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();

    private int HeadEnd()
    {
        for (int i = 0; i + 3 < _pending.Count; i++)
        {
            if (_pending[i] == '\r' && _pending[i + 1] == '\n' && _pending[i + 2] == '\r' && _pending[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private void Fill()
    {
        var buffer = new byte[4096];
        int read = _socket.Receive(buffer);
        if (read == 0)
        {
            throw new InvalidOperationException("The server closed the connection before the response was complete.");
        }

        _pending.AddRange(buffer.AsSpan(0, read).ToArray());
    }
}

public sealed record HttpAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body);
