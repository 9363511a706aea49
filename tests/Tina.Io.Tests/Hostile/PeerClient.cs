using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace Tina.Io.Tests.Hostile;

/// <summary>Plain System.Net.Sockets clients for the hostile cases: every call is bounded by a socket timeout or a deadline.</summary>
internal static class PeerClient
{
    /// <summary>A blocking client with 10 s send and receive timeouts; <paramref name="receiveBuffer"/> sets SO_RCVBUF before the handshake.</summary>
    public static Socket Connect(IPEndPoint endpoint, int receiveBuffer = 0)
    {
        Socket client = Create(receiveBuffer);
        try
        {
            client.Connect(endpoint);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return client;
    }

    /// <summary>An unconnected client socket (it owns a descriptor from here on).</summary>
    public static Socket Create(int receiveBuffer = 0)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 10_000, SendTimeout = 10_000, NoDelay = true };
        if (receiveBuffer > 0)
        {
            client.ReceiveBufferSize = receiveBuffer;
        }

        return client;
    }

    /// <summary>Sends <paramref name="message"/> on a blocking client and asserts that exactly it comes back.</summary>
    public static void AssertEcho(Socket client, byte[] message)
    {
        client.Send(message);
        var echo = new byte[message.Length];
        ReceiveExactly(client, echo);
        Assert.That(echo, Is.EqualTo(message), "the echo is the message");
    }

    /// <summary>Receives exactly <paramref name="destination"/>'s length on a blocking client (each read bounded by its timeout).</summary>
    public static void ReceiveExactly(Socket client, byte[] destination)
    {
        int got = 0;
        while (got < destination.Length)
        {
            int read = client.Receive(destination, got, destination.Length - got, SocketFlags.None);
            Assert.That(read, Is.GreaterThan(0), () => $"end of stream after {got} of {destination.Length} echoed bytes");
            got += read;
        }
    }

    /// <summary>
    /// Writes <paramref name="payload"/> and reads its echo at the same time (non-blocking, so neither side's buffers
    /// can deadlock the exchange); with <paramref name="halfClose"/> shuts the sending side once all is written and
    /// reads until the end of stream. Bounded by <paramref name="limit"/>.
    /// </summary>
    public static (byte[] Echo, bool EndOfStream) Exchange(Socket client, byte[] payload, bool halfClose, TimeSpan limit)
    {
        client.Blocking = false;
        var echo = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int sent = 0;
        bool shut = false;
        var wall = Stopwatch.StartNew();
        while (wall.Elapsed < limit)
        {
            bool moved = false;
            if (sent < payload.Length)
            {
                int wrote = client.Send(payload, sent, Math.Min(chunk.Length, payload.Length - sent), SocketFlags.None, out SocketError sendError);
                if (sendError == SocketError.Success)
                {
                    sent += wrote;
                    moved = true;
                }
                else if (sendError != SocketError.WouldBlock)
                {
                    throw new SocketException((int)sendError);
                }
            }
            else if (halfClose && !shut)
            {
                client.Shutdown(SocketShutdown.Send);
                shut = true;
            }

            int read = client.Receive(chunk, 0, chunk.Length, SocketFlags.None, out SocketError receiveError);
            if (receiveError == SocketError.Success)
            {
                if (read == 0)
                {
                    return (echo.ToArray(), true);
                }

                echo.Write(chunk, 0, read);
                moved = true;
                if (!halfClose && echo.Length >= payload.Length)
                {
                    break;
                }
            }
            else if (receiveError != SocketError.WouldBlock)
            {
                throw new SocketException((int)receiveError);
            }

            if (!moved)
            {
                client.Poll(1000, sent < payload.Length ? SelectMode.SelectWrite : SelectMode.SelectRead);
            }
        }

        return (echo.ToArray(), false);
    }

    /// <summary>A pattern that differs per client and does not repeat with any small period.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 13) ^ (i >> 8) ^ (i >> 16) ^ (seed * 101));
        }

        return bytes;
    }
}
