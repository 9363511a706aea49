using System;
using System.Globalization;
using System.IO;

namespace Tina.Benchmarks.Throughput;

/// <summary>
/// CPU time of this process's shard threads (named <c>tina-shard-N</c>), from <c>/proc/self/task/*/stat</c>
/// (Linux only; 10 ms resolution at the usual 100 Hz USER_HZ). Returns <see cref="TimeSpan.Zero"/> elsewhere.
/// </summary>
internal static class ThreadCpu
{
    private const double ClockTicksPerSecond = 100.0; // sysconf(_SC_CLK_TCK) on Linux x64

    public static TimeSpan ShardThreads()
    {
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.Zero;
        }

        long ticks = 0;
        foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                string name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                if (!name.StartsWith("tina-shard", StringComparison.Ordinal))
                {
                    continue;
                }

                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // After "pid (comm) ": fields[0] is state (field 3); utime is field 14, stime field 15.
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread exited between listing and reading.
            }
        }

        return TimeSpan.FromSeconds(ticks / ClockTicksPerSecond);
    }
}
