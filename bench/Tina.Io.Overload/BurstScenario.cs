using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace Tina.Io.Overload;

/// <summary>
/// A connection burst into a flooded server: <c>flooders</c> connections echo 16 KiB back to back while
/// <c>burst</c> new connections connect at once and each asks for one echo. Every connection the kernel completed
/// must get its echo: one the server closed or reset first is an accepted connection dropped without the
/// application's decision (the server's own refusals are counted apart, as <c>sessionsRefused</c>).
/// </summary>
internal static class BurstScenario
{
    public static async Task<string> RunAsync(ServerProcess server, int flooders, int burst)
    {
        int port = server.Settings.Port;
        using var stopFlood = new CancellationTokenSource();
        var flood = new Task<long>[flooders];
        for (int i = 0; i < flooders; i++)
        {
            flood[i] = Task.Run(() => Clients.FloodAsync(port, stopFlood.Token));
        }

        await Task.Delay(1000).ConfigureAwait(false); // the flood is running before the burst starts

        var clock = Stopwatch.StartNew();
        var sockets = new Socket?[burst];
        var outcomes = new Task<ClientOutcome>[burst];
        for (int i = 0; i < burst; i++)
        {
            int index = i;
            outcomes[i] = Task.Run(async () =>
            {
                Socket? socket = await Clients.ConnectAsync(port, 0, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
                if (socket is null)
                {
                    return ClientOutcome.ConnectFailed;
                }

                sockets[index] = socket; // kept open until the end: the server holds every burst connection at once
                byte[] message = BitConverter.GetBytes((long)index);
                return await Clients.EchoOnceAsync(socket, message, new byte[8], TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            });
        }

        var counts = new int[4];
        foreach (Task<ClientOutcome> outcome in outcomes)
        {
            counts[(int)await outcome.ConfigureAwait(false)]++;
        }

        double burstSeconds = clock.Elapsed.TotalSeconds;
        Dictionary<string, string> peak = server.Stats();
        stopFlood.Cancel();
        long floodRounds = 0;
        int floodFailures = 0;
        foreach (Task<long> f in flood)
        {
            long r = await f.ConfigureAwait(false);
            floodRounds += Math.Max(0, r);
            floodFailures += r < 0 ? 1 : 0;
        }

        foreach (Socket? socket in sockets)
        {
            socket?.Dispose();
        }

        Dictionary<string, string> after = await Wait.UntilAsync(server, s => ServerProcess.Number(s, "live") <= server.Settings.Shards, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"burst {peak["backend"]}: {burst} connects under {flooders} flooders in {burstSeconds:F1} s: {counts[(int)ClientOutcome.Echoed]} echoed, "
            + $"{counts[(int)ClientOutcome.DroppedAfterConnect]} dropped after connect, {counts[(int)ClientOutcome.ConnectFailed]} connects failed, "
            + $"{counts[(int)ClientOutcome.TimedOut]} timed out; server: AcceptsRefusedTableFull={peak["AcceptsRefusedTableFull"]} sessionsRefused={peak["sessionsRefused"]} "
            + $"AcceptPauses={peak["AcceptPauses"]} AcceptBackoffs={peak["AcceptBackoffs"]} BufferWaits={peak["BufferWaits"]} peak live={peak["live"]} fds={peak["fds"]} rss={peak["rssKiB"]} KiB; "
            + $"flood {floodRounds} echoes, {floodFailures} flooders failed; after close: live={after["live"]} buffersInUse={after["buffersInUse"]} ringInHand={after["ringInHand"]} fds={after["fds"]}");
    }
}
