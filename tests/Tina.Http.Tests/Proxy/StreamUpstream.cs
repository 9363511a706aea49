using System;
using System.Globalization;
using System.Net.Sockets;
using Tina.Http.Tests.Server;

namespace Tina.Http.Tests.Proxy;

/// <summary>
/// A loopback upstream for large bodies, with fixed buffers only (so a test can measure what a transfer allocates):
/// <c>PUT</c> reads the body checking every byte against <see cref="StreamPattern"/> and answers how many matched;
/// <c>GET ...?n=N</c> answers N pattern bytes with a Content-Length. One thread per accepted connection.
/// </summary>
internal sealed class StreamUpstream : IDisposable
{
    private readonly LoopbackAcceptor _acceptor = new("stream upstream", 16, socket => Serve(new StreamClient(socket)));

    public int Port => _acceptor.Port;

    public void Dispose() => _acceptor.Dispose();

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
