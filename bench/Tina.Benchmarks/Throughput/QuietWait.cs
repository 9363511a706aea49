using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace Tina.Benchmarks.Throughput;

/// <summary>
/// The machine is a shared 2-vCPU VM with other work on it. Before each run, wait (up to a limit) for a moment when
/// the whole machine is mostly idle, judged from <c>/proc/stat</c> over half a second; report whether one came.
/// </summary>
internal static class QuietWait
{
    /// <summary>Idle share of all CPUs that counts as quiet.</summary>
    public const double QuietIdleFraction = 0.85;

    /// <summary>Waits until the machine is quiet or <paramref name="limit"/> passes; returns the last idle share seen (NaN off Linux).</summary>
    public static double WaitForQuiet(TimeSpan limit)
    {
        if (!OperatingSystem.IsLinux() || limit <= TimeSpan.Zero)
        {
            return double.NaN;
        }

        long start = Stopwatch.GetTimestamp();
        double idle;
        do
        {
            idle = IdleFraction(TimeSpan.FromMilliseconds(500));
        }
        while (idle < QuietIdleFraction && Stopwatch.GetElapsedTime(start) < limit);

        return idle;
    }

    private static double IdleFraction(TimeSpan over)
    {
        (long idle0, long total0) = ReadStat();
        Thread.Sleep(over);
        (long idle1, long total1) = ReadStat();
        return total1 == total0 ? 1.0 : (double)(idle1 - idle0) / (total1 - total0);
    }

    private static (long Idle, long Total) ReadStat()
    {
        using var reader = new StreamReader("/proc/stat");
        string line = reader.ReadLine() ?? string.Empty; // "cpu  user nice system idle iowait irq softirq steal ..."
        string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long total = 0;
        for (int i = 1; i < parts.Length && i <= 8; i++)
        {
            total += long.Parse(parts[i], CultureInfo.InvariantCulture);
        }

        long idle = long.Parse(parts[4], CultureInfo.InvariantCulture) + long.Parse(parts[5], CultureInfo.InvariantCulture);
        return (idle, total);
    }
}
