using System;
using System.Diagnostics;
using System.Globalization;
using Tina.Simulation.Workloads;

namespace Tina.Simulation;

/// <summary>
/// Simulation speed: runs seeds of both workloads back to back on this thread for a while and reports simulated
/// messages (handler dispatches) per wall-clock second, and seeds per second. A Stopwatch run, outside the tests.
/// </summary>
internal static class SpeedCommand
{
    public static int Run(string secondsText)
    {
        double seconds = double.Parse(secondsText, CultureInfo.InvariantCulture);
        var options = new SimulationOptions();
        // Warm up the JIT on both workloads first.
        for (ulong seed = 1; seed <= 20; seed++)
        {
            new Simulator(WorkloadCatalog.Create(seed % 2 == 0 ? "dispatcher" : "callmesh")!, seed, options).Run();
        }

        long dispatches = 0;
        long rounds = 0;
        long simulatedNanoseconds = 0;
        int seeds = 0;
        int failures = 0;
        var watch = Stopwatch.StartNew();
        ulong next = 0x5EED_0000;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            string name = (seeds % 2 == 0) ? "dispatcher" : "callmesh";
            SimulationResult result = new Simulator(WorkloadCatalog.Create(name)!, next++, options).Run();
            dispatches += result.Dispatches;
            rounds += result.Rounds;
            simulatedNanoseconds += result.NowNanoseconds;
            seeds++;
            failures += result.Passed ? 0 : 1;
        }

        watch.Stop();
        double elapsed = watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"simulation speed: {dispatches / elapsed:F0} simulated messages/s (handler dispatches) on one thread; {seeds / elapsed:F1} seeds/s; {rounds / elapsed:F0} rounds/s; {seeds} seeds, {dispatches} messages, {rounds} rounds in {elapsed:F2} s; failures {failures}"));
        return failures == 0 ? 0 : 1;
    }
}
