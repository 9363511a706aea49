using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace Tina.Io.Overload;

/// <summary>
/// Many idle connections: <c>idle</c> clients connect and send nothing. While they are open the server must hold no
/// I/O buffer for them (pool and provided ring), and fresh clients must be served.
/// </summary>
internal static class IdleScenario
{
    public static async Task<string> RunAsync(ServerProcess server, int idle, int freshClients)
    {
        int port = server.Settings.Port;
        Dictionary<string, string> before = server.Stats();
        var sockets = new List<Socket>(idle);
        int failed = 0;
        for (int start = 0; start < idle; start += 500)
        {
            var batch = new Task<Socket?>[Math.Min(500, idle - start)];
            for (int i = 0; i < batch.Length; i++)
            {
                batch[i] = Clients.ConnectAsync(port, 0, TimeSpan.FromSeconds(30));
            }

            foreach (Task<Socket?> t in batch)
            {
                Socket? s = await t.ConfigureAwait(false);
                if (s is null)
                {
                    failed++;
                }
                else
                {
                    sockets.Add(s);
                }
            }
        }

        int listeners = server.Settings.Shards;
        Dictionary<string, string> held = await Wait.UntilAsync(server, s => ServerProcess.Number(s, "live") >= sockets.Count + listeners, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        int served = 0;
        var fresh = new Task<bool>[freshClients];
        for (int i = 0; i < freshClients; i++)
        {
            fresh[i] = Clients.FreshClientAsync(port, 10, TimeSpan.FromSeconds(10));
        }

        foreach (Task<bool> f in fresh)
        {
            served += await f.ConfigureAwait(false) ? 1 : 0;
        }

        Dictionary<string, string> during = server.Stats(); // the idle ones are still open
        foreach (Socket s in sockets)
        {
            s.Dispose();
        }

        Dictionary<string, string> after = await Wait.UntilAsync(server, s => ServerProcess.Number(s, "live") <= listeners, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"idle {held["backend"]}: {sockets.Count} idle connections open ({failed} connects failed), server live={held["live"]}: buffersInUse={held["buffersInUse"]}/{held["bufferCount"]} "
            + $"ringInHand={held["ringInHand"]}/{held["ringCount"]} fds={held["fds"]} rss={held["rssKiB"]} KiB (before: fds={before["fds"]} rss={before["rssKiB"]} KiB); "
            + $"fresh clients served {served}/{freshClients} (10 echoes each); after they were served: buffersInUse={during["buffersInUse"]} ringInHand={during["ringInHand"]}; "
            + $"after close: live={after["live"]} fds={after["fds"]} buffersInUse={after["buffersInUse"]}");
    }
}
