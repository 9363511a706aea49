using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Tina.Http.Tests.Server;

namespace Tina.Http.Tests.Proxy;

/// <summary>
/// A loopback upstream for large bodies, with fixed buffers only (so a test can measure what a transfer allocates):
/// <c>PUT</c> reads the body checking every byte against <see cref="StreamPattern"/> and answers how many matched;
/// <c>GET ...?n=N</c> answers N pattern bytes with a Content-Length. One thread per accepted connection.
/// </summary>
internal sealed class StreamUpstream : IDisposable
{
    private readonly Socket _listener;
    private readonly List<Socket> _accepted = [];

    public StreamUpstream()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        new Thread(AcceptLoop) { IsBackground = true, Name = "stream upstream" }.Start();
    }

    public int Port { get; }

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

            lock (_accepted)
            {
                _accepted.Add(socket);
            }

            new Thread(() => Serve(new StreamClient(socket))) { IsBackground = true, Name = "stream upstream connection" }.Start();
        }
    }

    private static void Serve(StreamClient connection)
    {
        try
        {
            while (connection.ReadRequestHead() is ({ } line, var fields))
            {
                if (line.StartsWith("PUT ", StringComparison.Ordinal))
                {
                    long matched = connection.ReadPatternBody(fields);
                    string text = matched.ToString(CultureInfo.InvariantCulture);
                    connection.Send($"HTTP/1.1 200 OK\r\nContent-Length: {text.Length}\r\n\r\n{text}");
                }
                else
                {
                    int eq = line.IndexOf('=', StringComparison.Ordinal);
                    long n = long.Parse(line.AsSpan(eq + 1, line.IndexOf(' ', eq) - eq - 1), CultureInfo.InvariantCulture);
                    connection.Send($"HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n");
                    connection.WriteBody(n, chunked: false);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the proxy or the test closed the connection
        }
        finally
        {
            connection.Dispose();
        }
    }
}
