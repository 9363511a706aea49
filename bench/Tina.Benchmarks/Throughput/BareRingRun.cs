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
        var producer = new Thread(() => Run(pinned, cpu: 0, ring.Produce)) { IsBackground = true, Name = "bare-producer" };
        var consumer = new Thread(() => Run(pinned, cpu: 1, ring.Consume)) { IsBackground = true, Name = "bare-consumer" };
        using Process process = Process.GetCurrentProcess();
        consumer.Start();
        producer.Start();
        Thread.Sleep(options.Warmup);

        process.Refresh();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        long consumedBefore = ring.Consumed;
        long start = Stopwatch.GetTimestamp();
        Thread.Sleep(options.Window);
        long end = Stopwatch.GetTimestamp();
        long consumedAfter = ring.Consumed;
        process.Refresh();
        TimeSpan cpuAfter = process.TotalProcessorTime;

        ring.RequestStop();
        producer.Join();
        consumer.Join();
        double seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        return new RunResult
        {
            WorkPerSecond = (consumedAfter - consumedBefore) / seconds,
            ProcessCpuPercent = 100 * (cpuAfter - cpuBefore).TotalSeconds / seconds,
            IdleBefore = idleBefore,
            BytesPerMessage = double.NaN,
        };
    }

    /// <summary>Runs a <see cref="BarePingPong"/> and measures round trips per second.</summary>
    public static RunResult MeasurePingPong(bool pinned, bool twoLinesPerHop, ThroughputOptions options)
    {
        double idleBefore = QuietWait.WaitForQuiet(options.QuietWait);
        var pingPong = new BarePingPong(twoLinesPerHop);
        var caller = new Thread(() => Run(pinned, cpu: 0, pingPong.Call)) { IsBackground = true, Name = "bare-caller" };
        var replier = new Thread(() => Run(pinned, cpu: 1, pingPong.Reply)) { IsBackground = true, Name = "bare-replier" };
        using Process process = Process.GetCurrentProcess();
        replier.Start();
        caller.Start();
        Thread.Sleep(options.Warmup);

        process.Refresh();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        long before = pingPong.RoundTrips;
        long start = Stopwatch.GetTimestamp();
        Thread.Sleep(options.Window);
        long end = Stopwatch.GetTimestamp();
        long after = pingPong.RoundTrips;
        process.Refresh();
        TimeSpan cpuAfter = process.TotalProcessorTime;

        pingPong.RequestStop();
        caller.Join();
        replier.Join();
        double seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        return new RunResult
        {
            WorkPerSecond = (after - before) / seconds,
            ProcessCpuPercent = 100 * (cpuAfter - cpuBefore).TotalSeconds / seconds,
            IdleBefore = idleBefore,
            BytesPerMessage = double.NaN,
        };
    }

    private static void Run(bool pinned, int cpu, Action body)
    {
        if (pinned)
        {
            ThreadAffinity.TryPinCurrentThread(cpu, out _);
        }

        body();
    }
}
