using System;
using System.Diagnostics;
using System.Threading;
using Tina.Scheduling;

namespace Tina.Benchmarks.Throughput;

/// <summary>Runs a <see cref="BareRing"/> between two threads (pinned to CPU 0 and 1, or not) and measures entries per second.</summary>
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

    private static void Run(bool pinned, int cpu, Action body)
    {
        if (pinned)
        {
            ThreadAffinity.TryPinCurrentThread(cpu, out _);
        }

        body();
    }
}
