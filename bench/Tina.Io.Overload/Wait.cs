using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace Tina.Io.Overload;

/// <summary>Bounded polling of the server's stats.</summary>
internal static class Wait
{
    public static async Task<Dictionary<string, string>> UntilAsync(ServerProcess server, Func<Dictionary<string, string>, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Dictionary<string, string> stats = server.Stats();
            if (condition(stats) || clock.Elapsed > timeout)
            {
                return stats;
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }
}
