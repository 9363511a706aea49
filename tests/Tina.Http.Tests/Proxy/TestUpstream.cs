using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

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
internal sealed class UpstreamConnection : IDisposable
{
    private readonly BufferedSocket _connection;
    private readonly ConcurrentQueue<UpstreamRequest> _sink;

    public UpstreamConnection(Socket socket, ConcurrentQueue<UpstreamRequest> sink)
    {
        socket.ReceiveTimeout = 10_000;
        socket.SendTimeout = 10_000;
        _connection = new BufferedSocket(socket, closedFromAnotherThread: true);
        _sink = sink;
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

    public void Write(byte[] bytes) => _connection.Send(bytes);

    public void Close() => Dispose();

    public void Dispose() => _connection.Dispose();

    private string? ReadLine() => _connection.ReadLine();

    private byte[] ReadBytes(int count) => _connection.ReadBytes(count, "a request body");
}

/// <summary>
/// A small upstream HTTP server on loopback (plain sockets): counts accepts, records requests, and serves each
/// connection with the test's script on a background thread.
/// </summary>
internal sealed class TestUpstream : IDisposable
{
    private readonly LoopbackAcceptor _acceptor;
    private readonly Action<UpstreamConnection> _script;

    public TestUpstream(Action<UpstreamConnection> script)
    {
        _script = script;
        _acceptor = new LoopbackAcceptor("test upstream", 64, Serve);
    }

    public int Port => _acceptor.Port;

    public int Accepts => _acceptor.Accepts;

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

    public void Dispose() => _acceptor.Dispose();

    private void Serve(Socket socket)
    {
        try
        {
            _script(new UpstreamConnection(socket, Requests));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The proxy closed the connection under the script: the test asserts what the client saw.
        }
    }
}
