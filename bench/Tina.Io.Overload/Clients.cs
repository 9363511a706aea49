using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Tina.Io.Overload;

/// <summary>How one client connection ended.</summary>
internal enum ClientOutcome
{
    /// <summary>Connected and got its echo back.</summary>
    Echoed,
    /// <summary>Connected, then the server closed or reset it before the echo: an accepted connection dropped.</summary>
    DroppedAfterConnect,
    /// <summary>The connect itself failed or timed out (the kernel refused it: never accepted).</summary>
    ConnectFailed,
    /// <summary>Connected, no echo and no close within the timeout.</summary>
    TimedOut,
}

/// <summary>Plain System.Net.Sockets clients: the load generator is not Tina, so it cannot flatter it.</summary>
internal static class Clients
{
    public static async Task<Socket?> ConnectAsync(int port, int receiveBufferBytes, TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferBytes > 0)
        {
            socket.ReceiveBufferSize = receiveBufferBytes; // before connect, so the window is small from the start
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancel.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>Sends <paramref name="message"/> and reads the same number of bytes back.</summary>
    public static async Task<ClientOutcome> EchoOnceAsync(Socket socket, byte[] message, byte[] into, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await socket.SendAsync(message, SocketFlags.None, cancel.Token).ConfigureAwait(false);
            int got = 0;
            while (got < message.Length)
            {
                int n = await socket.ReceiveAsync(into.AsMemory(got, message.Length - got), SocketFlags.None, cancel.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return ClientOutcome.DroppedAfterConnect;
                }

                got += n;
            }

            return into.AsSpan(0, got).SequenceEqual(message) ? ClientOutcome.Echoed : ClientOutcome.DroppedAfterConnect;
        }
        catch (SocketException)
        {
            return ClientOutcome.DroppedAfterConnect;
        }
        catch (OperationCanceledException)
        {
            return ClientOutcome.TimedOut;
        }
    }

    /// <summary>A fresh, well-behaved client: connect, echo <paramref name="rounds"/> messages, close.</summary>
    public static async Task<bool> FreshClientAsync(int port, int rounds, TimeSpan timeout)
    {
        using Socket? socket = await ConnectAsync(port, 0, timeout).ConfigureAwait(false);
        if (socket is null)
        {
            return false;
        }

        byte[] message = new byte[256];
        byte[] into = new byte[256];
        for (int i = 0; i < rounds; i++)
        {
            message.AsSpan().Fill((byte)i);
            if (await EchoOnceAsync(socket, message, into, timeout).ConfigureAwait(false) != ClientOutcome.Echoed)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A busy connection: echoes 16 KiB requests back to back until <paramref name="stop"/>.</summary>
    public static async Task<long> FloodAsync(int port, CancellationToken stop)
    {
        using Socket? socket = await ConnectAsync(port, 0, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        if (socket is null)
        {
            return -1;
        }

        byte[] message = new byte[16 * 1024];
        byte[] into = new byte[16 * 1024];
        long rounds = 0;
        while (!stop.IsCancellationRequested)
        {
            if (await EchoOnceAsync(socket, message, into, TimeSpan.FromSeconds(30)).ConfigureAwait(false) != ClientOutcome.Echoed)
            {
                return -1 - rounds;
            }

            rounds++;
        }

        return rounds;
    }
}
