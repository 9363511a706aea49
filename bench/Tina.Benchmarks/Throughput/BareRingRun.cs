using System;
using System.Diagnostics;
using System.Threading;
using Tina.Scheduling;

namespace Tina.Benchmarks.Throughput;

/// <summary>
/// Runs the no-Tina hardware baselines between two threads (pinned to CPU 0 and 1, or not): a <see cref="BareRing"/>
/// (entries per second) and a <see cref="BarePingPong"/> (round trips per second).
/// </summary>
internal static class BareRingRun
{
    public static RunResult Measure(bool pinned, int writeBytes, ThroughputOptions options)
    {
        double idleBefore = QuietWait.WaitForQuiet(options.QuietWait);
        var ring = new BareRing(writeBytes);
        return MeasureTwoThreads(
            pinned, idleBefore, options, ("bare-producer", ring.Produce), ("bare-consumer", ring.Consume), () => ring.Consumed, ring.RequestStop);
    }

    /// <summary>Runs a <see cref="BarePingPong"/> and measures round trips per second.</summary>
    public static RunResult MeasurePingPong(bool pinned, bool twoLinesPerHop, ThroughputOptions options)
    {
        double idleBefore = QuietWait.WaitForQuiet(options.QuietWait);
        var pingPong = new BarePingPong(twoLinesPerHop);
        return MeasureTwoThreads(
            pinned, idleBefore, options, ("bare-caller", pingPong.Call), ("bare-replier", pingPong.Reply), () => pingPong.RoundTrips, pingPong.RequestStop);
    }

    /// <summary>
    /// Starts <paramref name="cpu1"/> then <paramref name="cpu0"/> on their own threads (pinned to CPU 1 and 0, or
    /// not), warms up, counts <paramref name="work"/> and process CPU over the window, then stops and joins them.
    /// </summary>
    private static RunResult MeasureTwoThreads(
        bool pinned,
        double idleBefore,
        ThroughputOptions options,
        (string Name, Action Body) cpu0,
        (string Name, Action Body) cpu1,
        Func<long> work,
        Action requestStop)
    {
        var first = new Thread(() => Run(pinned, cpu: 0, cpu0.Body)) { IsBackground = true, Name = cpu0.Name };
        var second = new Thread(() => Run(pinned, cpu: 1, cpu1.Body)) { IsBackground = true, Name = cpu1.Name };
        using Process process = Process.GetCurrentProcess();
        second.Start();
        first.Start();
        Thread.Sleep(options.Warmup);

        process.Refresh();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        long workBefore = work();
        long start = Stopwatch.GetTimestamp();
        Thread.Sleep(options.Window);
        long end = Stopwatch.GetTimestamp();
        long workAfter = work();
        process.Refresh();
        TimeSpan cpuAfter = process.TotalProcessorTime;

        requestStop();
        first.Join();
        second.Join();
        double seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        return new RunResult
        {
            WorkPerSecond = (workAfter - workBefore) / seconds,
            ProcessCpuPercent = 100 * (cpuAfter - cpuBefore).TotalSeconds / seconds,
            IdleBefore = idleBefore,
            BytesPerMessage = double.NaN,
        };
    }

    private static void Run(bool pinned, int cpu, Action body)
    {
        if (pinned)
        {
            CpuPin.TryPinCurrentThread(cpu);
        }

        body();
    }
}
