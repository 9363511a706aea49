using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace Tina.Http.Tests.Proxy;

/// <summary>One request an upstream read: its head lines and decoded body.</summary>
internal sealed class UpstreamRequest
{
    public string RequestLine = string.Empty;
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

    public bool Has(string name) => Field(name) is not null;
}

/// <summary>One accepted upstream connection, served by its test's script on a thread of its own (every read bounded).</summary>
internal sealed class UpstreamConnection
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private readonly ConcurrentQueue<UpstreamRequest> _sink;

    public UpstreamConnection(Socket socket, ConcurrentQueue<UpstreamRequest> sink)
    {
        _socket = socket;
        _sink = sink;
        _socket.ReceiveTimeout = 10_000;
        _socket.SendTimeout = 10_000;
    }

    /// <summary>The next request, or null at end of stream.</summary>
    public UpstreamRequest? ReadRequest()
    {
        string? line = ReadLine();
        if (line is null)
        {
            return null;
        }

        var request = new UpstreamRequest { RequestLine = line };
        while ((line = ReadLine()) is { Length: > 0 })
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            request.Fields.Add((line[..colon], line[(colon + 1)..].Trim()));
        }

        if (request.Field("Transfer-Encoding") is "chunked")
        {
            request.WasChunked = true;
            var body = new List<byte>();
            while (true)
            {
                int size = int.Parse(ReadLine()!, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    while (ReadLine() is { Length: > 0 })
                    {
                    }

                    break;
                }

                body.AddRange(ReadBytes(size));
                ReadLine();
            }

            request.Body = [.. body];
        }
        else if (request.Field("Content-Length") is string cl)
        {
            request.Body = ReadBytes(int.Parse(cl, CultureInfo.InvariantCulture));
        }

        _sink.Enqueue(request);
        return request;
    }

    public void Write(string text) => Write(Encoding.Latin1.GetBytes(text));

    public void Write(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += _socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
        }
    }

    public void Close() => _socket.Dispose();

    private string? ReadLine()
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

    private byte[] ReadBytes(int count)
    {
        byte[] result = new byte[count];
        int got = 0;
        while (got < count)
        {
            if (_start == _end && !Fill())
            {
                throw new InvalidOperationException("the proxy closed inside a request body");
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
        catch (ObjectDisposedException)
        {
            return false;
        }
    }
}

/// <summary>
/// A small upstream HTTP server on loopback (plain sockets): counts accepts, records requests, and serves each
/// connection with the test's script on a background thread.
/// </summary>
internal sealed class TestUpstream : IDisposable
{
    private readonly Socket _listener;
    private readonly Thread _acceptor;
    private readonly Action<UpstreamConnection> _script;
    private readonly List<Socket> _accepted = [];
    private int _accepts;

    public TestUpstream(Action<UpstreamConnection> script)
    {
        _script = script;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _acceptor = new Thread(AcceptLoop) { IsBackground = true, Name = "test upstream" };
        _acceptor.Start();
    }

    public int Port { get; }

    public int Accepts => Volatile.Read(ref _accepts);

    public ConcurrentQueue<UpstreamRequest> Requests { get; } = new();

    /// <summary>Serves requests with a fixed response until the proxy closes the connection.</summary>
    public static Action<UpstreamConnection> Answer(Func<UpstreamRequest, string> respond) => connection =>
    {
        while (connection.ReadRequest() is UpstreamRequest request)
        {
            connection.Write(respond(request));
        }

        connection.Close();
    };

    public void Dispose()
    {
        _listener.Dispose();
        lock (_accepted)
        {
            foreach (Socket s in _accepted)
            {
                s.Dispose();
            }
        }
    }

    private void AcceptLoop()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _accepts);
            lock (_accepted)
            {
                _accepted.Add(socket);
            }

            var connection = new UpstreamConnection(socket, Requests);
            var worker = new Thread(() =>
            {
                try
                {
                    _script(connection);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
                {
                    // The proxy closed the connection under the script: the test asserts what the client saw.
                }
            }) { IsBackground = true };
            worker.Start();
        }
    }
}
