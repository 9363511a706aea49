using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Tina.Io.Overload;

/// <summary>
/// Peers that never read: <c>stuck</c> clients with a small receive buffer each push 1 MiB and read nothing, so the
/// server's echo sends block. Meanwhile a fresh client every 250 ms must be served; buffers in use must stay within
/// what the stuck connections may hold (one send each for this echo server, plus provided-ring buffers capped per
/// connection); with the default send timeout (30 s) every stuck peer is closed and every buffer comes back.
/// </summary>
internal static class StuckScenario
{
    public static async Task<string> RunAsync(ServerProcess server, int stuck, int pushBytes)
    {
        int port = server.Settings.Port;
        var sockets = new Socket?[stuck];
        var pushes = new Task[stuck];
        for (int i = 0; i < stuck; i++)
        {
            int index = i;
            pushes[i] = Task.Run(async () =>
            {
                Socket? socket = await Clients.ConnectAsync(port, 4096, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                sockets[index] = socket;
                if (socket is null)
                {
                    return;
                }

                byte[] chunk = new byte[64 * 1024];
                try
                {
                    for (int sent = 0; sent < pushBytes; sent += chunk.Length)
                    {
                        await socket.SendAsync(chunk, SocketFlags.None).ConfigureAwait(false); // never reads a byte
                    }
                }
                catch (SocketException)
                {
                    // the server closed it (its send timed out): what this scenario expects in the end
                }
                catch (ObjectDisposedException)
                {
                }
            });
        }

        using var stopFresh = new CancellationTokenSource();
        int freshServed = 0, freshFailed = 0;
        Task fresh = Task.Run(async () =>
        {
            while (!stopFresh.IsCancellationRequested)
            {
                if (await Clients.FreshClientAsync(port, 4, TimeSpan.FromSeconds(10)).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref freshServed);
                }
                else
                {
                    Interlocked.Increment(ref freshFailed);
                }

                await Task.Delay(250).ConfigureAwait(false);
            }
        });

        var clock = Stopwatch.StartNew();
        long peakInUse = 0, peakRing = 0, peakRss = 0;
        int connected = 0;
        Dictionary<string, string> stats;
        double closedAt = -1;
        do
        {
            await Task.Delay(500).ConfigureAwait(false);
            stats = server.Stats();
            peakInUse = Math.Max(peakInUse, ServerProcess.Number(stats, "buffersInUse"));
            peakRing = Math.Max(peakRing, ServerProcess.Number(stats, "ringInHand"));
            peakRss = Math.Max(peakRss, ServerProcess.Number(stats, "rssKiB"));
            if (closedAt < 0 && ServerProcess.Number(stats, "SendTimeoutCloses") >= stuck)
            {
                closedAt = clock.Elapsed.TotalSeconds;
            }
        }
        while (closedAt < 0 && clock.Elapsed < TimeSpan.FromSeconds(120));

        stopFresh.Cancel();
        await fresh.ConfigureAwait(false);
        foreach (Socket? s in sockets)
        {
            connected += s is null ? 0 : 1;
        }

        Dictionary<string, string> settled = await Wait.UntilAsync(
            server, s => ServerProcess.Number(s, "buffersInUse") == 0 && ServerProcess.Number(s, "ringInHand") == 0, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        foreach (Socket? s in sockets)
        {
            s?.Dispose();
        }

        await Task.WhenAll(pushes).ConfigureAwait(false);
        Dictionary<string, string> after = await Wait.UntilAsync(server, s => ServerProcess.Number(s, "live") <= server.Settings.Shards, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"stuck {stats["backend"]}: {connected}/{stuck} non-reading peers pushing {pushBytes / 1024} KiB each; fresh clients while stuck: {freshServed} served, {freshFailed} failed; "
            + $"peak buffersInUse={peakInUse}/{stats["bufferCount"]} ({(double)peakInUse / Math.Max(1, connected):F2} per stuck peer) peak ringInHand={peakRing}/{stats["ringCount"]} peak rss={peakRss} KiB; "
            + $"all {stuck} closed by the send timeout after {closedAt:F1} s (SendTimeoutCloses={stats["SendTimeoutCloses"]}, BufferWaits={stats["BufferWaits"]}, ReceivePauses={stats["ReceivePauses"]}, "
            + $"ReceiveFallbacks={stats["ReceiveFallbacks"]}, BuffersExhausted={stats["BuffersExhausted"]}); then buffersInUse={settled["buffersInUse"]} ringInHand={settled["ringInHand"]}; "
            + $"after close: live={after["live"]} fds={after["fds"]}");
    }
}
