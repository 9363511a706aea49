using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace Tina.Benchmarks.Throughput;

/// <summary>
/// Multi-shard throughput, latency, allocation and idle-CPU measurements with real shard threads. Each scenario runs
/// <see cref="ThroughputOptions.Runs"/> times on a fresh runtime, pinned (shard i on CPU i) and unpinned: wait for
/// the shared machine to go quiet, start, warm up, then count work over a Stopwatch window while this thread sleeps.
/// A run whose shards got under 180 % CPU (the VM lent a core elsewhere) is printed, discarded and retried up to
/// <see cref="ThroughputOptions.MaxAttempts"/>. Prints every attempt, then a markdown summary (median and min–max
/// over the kept runs). The bare-ring rows measure the hardware ceiling with no Tina code on the path.
/// </summary>
internal static class ThroughputRunner
{
    public static int Run(ReadOnlySpan<string> args)
    {
        ThroughputOptions options = ThroughputOptions.Parse(args);
        Console.WriteLine(Stats.Invariant(
            $"# Tina throughput runner: {Environment.ProcessorCount} CPUs, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}"));
        Console.WriteLine(Stats.Invariant(
            $"# window {options.Window.TotalSeconds:0.#} s after {options.Warmup.TotalSeconds:0.#} s warm-up, {options.Runs} runs per row, quiet wait up to {options.QuietWait.TotalSeconds:0} s, GC server={System.Runtime.GCSettings.IsServerGC}"));

        var rows = new List<string>();
        foreach (Scenario scenario in Scenarios.All)
        {
            if (!options.Selects(scenario.Name))
            {
                continue;
            }

            Console.WriteLine();
            Console.WriteLine($"## {scenario.Name}: {scenario.Description}");
            foreach (bool pinned in PinModes(options, scenario.CanPin, scenario.CanUnpin))
            {
                int callers = scenario.Name == "callreply-64" ? Scenarios.ManyCallers : 1;
                bool isCall = IsRoundTrip(scenario);
                List<RunResult> runs = MeasureRuns(
                    () => Measure(scenario, pinned, options),
                    (result, run, attempt) => Describe(pinned, run, attempt, result, isCall, callers, IsBusy(scenario)),
                    IsBusy(scenario),
                    options,
                    out int discarded);

                rows.Add(SummaryRow(scenario, pinned, runs, callers, discarded));
            }
        }

        foreach (int writeBytes in s_bareRingWrites)
        {
            string name = BareRingName(writeBytes);
            if (!options.Selects(name))
            {
                continue;
            }

            Console.WriteLine();
            Console.WriteLine(Stats.Invariant(
                $"## {name}: hardware ceiling, no Tina code: bare SPSC ring of {BareRing.Capacity} x {BareRing.EntrySize}-byte entries (64-byte aligned), producer writes {writeBytes} bytes per entry and publishes every {BareRing.PublishBatch}"));
            foreach (bool pinned in PinModes(options, canPin: true, canUnpin: true))
            {
                List<RunResult> runs = MeasureRuns(
                    () => BareRingRun.Measure(pinned, writeBytes, options),
                    (result, run, attempt) => Stats.Invariant(
                        $"  {PinName(pinned)} run {run}.{attempt}: {result.WorkPerSecond / 1e6:0.00} M entries/s | CPU {result.ProcessCpuPercent:0}% | machine idle before {result.IdleBefore * 100:0}%{(Contended(result, busy: true) ? " | CONTENDED (<180% CPU)" : string.Empty)}"),
                    busy: true,
                    options,
                    out int discarded);

                rows.Add(Stats.Invariant(
                    $"| {name} | {PinName(pinned)} | {Stats.MedianRange(runs.Select(r => r.WorkPerSecond), 1e6, "0.00")} M msgs/s | – | – | – | {Stats.MedianRange(runs.Select(r => r.ProcessCpuPercent), 1, "0")} | – | – | – | – | {KeptColumn(runs, busy: true, discarded)} |"));
            }
        }

        foreach (bool twoLines in new[] { false, true })
        {
            string name = twoLines ? "bare-pingpong-2lines" : "bare-pingpong";
            if (!options.Selects(name))
            {
                continue;
            }

            Console.WriteLine();
            Console.WriteLine(twoLines
                ? "## bare-pingpong-2lines: as bare-pingpong, but each hop writes a payload line, then an index line (a ring's minimum: the reader sees the index, then fetches the slot)"
                : "## bare-pingpong: hardware floor for call/reply, no Tina code: two spinning threads bounce a counter, one cache line per hop");
            foreach (bool pinned in PinModes(options, canPin: true, canUnpin: true))
            {
                List<RunResult> runs = MeasureRuns(
                    () => BareRingRun.MeasurePingPong(pinned, twoLines, options),
                    (result, run, attempt) => Stats.Invariant(
                        $"  {PinName(pinned)} run {run}.{attempt}: {result.WorkPerSecond / 1e6:0.000} M round trips/s, mean {1e6 / result.WorkPerSecond:0.000} µs | CPU {result.ProcessCpuPercent:0}% | machine idle before {result.IdleBefore * 100:0}%{(Contended(result, busy: true) ? " | CONTENDED (<180% CPU)" : string.Empty)}"),
                    busy: true,
                    options,
                    out int discarded);

                rows.Add(Stats.Invariant(
                    $"| {name} | {PinName(pinned)} | {Stats.MedianRange(runs.Select(r => r.WorkPerSecond), 1e6, "0.000")} M RT/s | {Stats.MedianRange(runs.Select(r => 1e6 / r.WorkPerSecond), 1, "0.000")} | – | – | {Stats.MedianRange(runs.Select(r => r.ProcessCpuPercent), 1, "0")} | – | – | – | – | {KeptColumn(runs, busy: true, discarded)} |"));
            }
        }

        var idleRows = new List<string>();
        if (options.Selects("idle"))
        {
            Console.WriteLine();
            Console.WriteLine("## idle: 2 shards, default IdlePollTicks, no traffic after a 1,000-message burst; CPU over the window");
            var baseline = new List<double>();
            for (int r = 0; r < options.Runs; r++)
            {
                baseline.Add(MeasureIdleBaseline(options));
                Console.WriteLine(Stats.Invariant($"  baseline (this process, no runtime) run {r + 1}: process {baseline[r]:0.00}% of a core"));
            }

            idleRows.Add(Stats.Invariant($"| baseline: no runtime | – | {Stats.MedianRange(baseline, 1, "0.00")} | – | – |"));
            foreach (bool pinned in PinModes(options, canPin: true, canUnpin: true))
            {
                var runs = new List<IdleResult>();
                for (int r = 0; r < options.Runs; r++)
                {
                    IdleResult idle = MeasureIdle(pinned, options);
                    runs.Add(idle);
                    Console.WriteLine(Stats.Invariant(
                        $"  {PinName(pinned)} run {r + 1}: process {idle.ProcessCpuPercent:0.00}% of a core, shard threads {idle.ShardThreadsCpuPercent:0.00}%, parks {idle.Parks}, ticks {idle.Ticks}"));
                }

                idleRows.Add(Stats.Invariant(
                    $"| idle | {PinName(pinned)} | {Stats.MedianRange(runs.Select(x => x.ProcessCpuPercent), 1, "0.00")} | {Stats.MedianRange(runs.Select(x => x.ShardThreadsCpuPercent), 1, "0.00")} | {runs.Sum(x => x.Parks)} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("## Summary (median and min–max over the kept runs; a contended attempt is retried up to --max-attempts)");
        Console.WriteLine();
        Console.WriteLine("| scenario | pinning | throughput | mean latency µs | of which remote | max B/msg | process CPU % | ticks/s per shard (median) | refused sends/s | inbound drops | call failures | contended (<180% CPU) runs |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (string row in rows)
        {
            Console.WriteLine(row);
        }

        if (idleRows.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("| idle | pinning | process CPU % of one core | shard threads CPU % | parks (all runs) |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (string row in idleRows)
            {
                Console.WriteLine(row);
            }
        }

        return 0;
    }

    /// <summary>Bytes written per 128-byte entry by the bare ring: the whole entry, and what Tina writes for an 8-byte payload (32-byte header + 8).</summary>
    private static readonly int[] s_bareRingWrites = [BareRing.EntrySize, 40];

    private static string BareRingName(int writeBytes) => Stats.Invariant($"bare-ring-{writeBytes}");

    private static IEnumerable<bool> PinModes(ThroughputOptions options, bool canPin, bool canUnpin)
    {
        if (options.Pinned && canPin)
        {
            yield return true;
        }

        if (options.Unpinned && canUnpin)
        {
            yield return false;
        }
    }

    private static string PinName(bool pinned) => pinned ? "pinned [0,1]" : "unpinned";

    private static RunResult Measure(Scenario scenario, bool pinned, ThroughputOptions options)
    {
        double idleBefore = QuietWait.WaitForQuiet(options.QuietWait);
        using Rig rig = scenario.Build(pinned);
        TinaRuntime runtime = rig.Runtime;
        var before = new CounterSnapshot(runtime.ShardCount);
        var after = new CounterSnapshot(runtime.ShardCount);
        Func<long> work = rig.Work;
        Func<long>? remote = rig.RemoteWork;
        using Process process = Process.GetCurrentProcess();

        runtime.Start();
        Thread.Sleep(options.Warmup);

        process.Refresh();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        int gen0Before = GC.CollectionCount(0);
        before.Read(runtime); // allocates (public stats snapshots): outside the allocation bracket
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        // ---- measured window: nothing below allocates until the second allocation reading ----
        long workBefore = work();
        long remoteBefore = remote is null ? 0 : remote();
        long start = Stopwatch.GetTimestamp();
        Thread.Sleep(options.Window);
        long end = Stopwatch.GetTimestamp();
        long workAfter = work();
        long remoteAfter = remote is null ? 0 : remote();
        long allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        // ---- end of window ----
        after.Read(runtime);
        int gen0After = GC.CollectionCount(0);
        process.Refresh();
        TimeSpan cpuAfter = process.TotalProcessorTime;
        if (!runtime.Stop(TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException($"{scenario.Name}: shard threads did not stop within 10 s");
        }

        double seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        long units = workAfter - workBefore;
        var ticks = new double[runtime.ShardCount];
        for (int s = 0; s < ticks.Length; s++)
        {
            ticks[s] = (after[s, ShardCounter.Ticks] - before[s, ShardCounter.Ticks]) / seconds;
        }

        return new RunResult
        {
            WorkPerSecond = units / seconds,
            RemotePerSecond = remote is null ? double.NaN : (remoteAfter - remoteBefore) / seconds,
            BytesPerMessage = units == 0 ? double.NaN : (double)(allocatedAfter - allocatedBefore) / (units * rig.MessagesPerUnit),
            Gen0Collections = gen0After - gen0Before,
            ProcessCpuPercent = 100 * (cpuAfter - cpuBefore).TotalSeconds / seconds,
            TicksPerSecond = ticks,
            RefusedPerSecond = (Delta(ShardCounter.SendRingFull) + Delta(ShardCounter.SendMailboxFull) + Delta(ShardCounter.SendPoolExhausted)) / seconds,
            InboundDrops = Delta(ShardCounter.InboundMailboxFull) + Delta(ShardCounter.InboundPoolExhausted) + Delta(ShardCounter.InboundStaleHandle),
            CallFailures = Delta(ShardCounter.CallsTimedOut) + Delta(ShardCounter.CallsFailedFast) + Delta(ShardCounter.CallsNoReply) + Delta(ShardCounter.CallsFailedByCallee),
            Parks = Delta(ShardCounter.Parks),
            IdleBefore = idleBefore,
        };

        long Delta(ShardCounter counter) => CounterSnapshot.TotalDelta(before, after, counter);
    }

    /// <summary>Process CPU over a window with no runtime at all: what the measuring process costs by itself.</summary>
    private static double MeasureIdleBaseline(ThroughputOptions options)
    {
        QuietWait.WaitForQuiet(options.QuietWait);
        using Process process = Process.GetCurrentProcess();
        Thread.Sleep(options.Warmup);
        process.Refresh();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        Thread.Sleep(options.Window);
        long end = Stopwatch.GetTimestamp();
        process.Refresh();
        TimeSpan cpuAfter = process.TotalProcessorTime;
        return 100 * (cpuAfter - cpuBefore).TotalSeconds / Stopwatch.GetElapsedTime(start, end).TotalSeconds;
    }

    private static IdleResult MeasureIdle(bool pinned, ThroughputOptions options)
    {
        QuietWait.WaitForQuiet(options.QuietWait);
        var spec = new TinaSpec { ShardCount = 2, PinThreads = pinned }; // default IdlePollTicks (2,000)
        spec.AddIsolate<CountingSink>(slots: 1);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Handle sink0 = runtime.Spawn<CountingSink>(0).Handle;
        Handle sink1 = runtime.Spawn<CountingSink>(1).Handle;
        var before = new CounterSnapshot(2);
        var after = new CounterSnapshot(2);
        using Process process = Process.GetCurrentProcess();
        runtime.Start();

        // A burst of work first, so the shards have run and then gone idle (not just never woken).
        for (int i = 0; i < 1000; i++)
        {
            runtime.Send(i % 2 == 0 ? sink0 : sink1, new Ping(i));
        }

        Thread.Sleep(options.Warmup);
        process.Refresh();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        TimeSpan shardCpuBefore = ThreadCpu.ShardThreads();
        before.Read(runtime);
        long start = Stopwatch.GetTimestamp();
        Thread.Sleep(options.Window);
        long end = Stopwatch.GetTimestamp();
        after.Read(runtime);
        process.Refresh();
        TimeSpan cpuAfter = process.TotalProcessorTime;
        TimeSpan shardCpuAfter = ThreadCpu.ShardThreads();
        runtime.Stop(TimeSpan.FromSeconds(10));

        double seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        return new IdleResult
        {
            ProcessCpuPercent = 100 * (cpuAfter - cpuBefore).TotalSeconds / seconds,
            ShardThreadsCpuPercent = 100 * (shardCpuAfter - shardCpuBefore).TotalSeconds / seconds,
            Parks = CounterSnapshot.TotalDelta(before, after, ShardCounter.Parks),
            Ticks = CounterSnapshot.TotalDelta(before, after, ShardCounter.Ticks),
        };
    }

    /// <summary>Scenarios whose shards spin the whole window: less than 180 % process CPU means the VM took cores away.</summary>
    private static bool IsBusy(Scenario scenario) => !scenario.Name.EndsWith("-park", StringComparison.Ordinal);

    private static bool Contended(RunResult r, bool busy) => busy && r.ProcessCpuPercent < 180;

    /// <summary>
    /// Makes <see cref="ThroughputOptions.Runs"/> runs. Each run measures until an attempt is not contended or
    /// <see cref="ThroughputOptions.MaxAttempts"/> attempts were made; every attempt is printed (describe gets the
    /// result, the run number and the attempt number) and the contended ones discarded are counted.
    /// </summary>
    private static List<RunResult> MeasureRuns(
        Func<RunResult> measure, Func<RunResult, int, int, string> describe, bool busy, ThroughputOptions options, out int discarded)
    {
        var runs = new List<RunResult>();
        discarded = 0;
        for (int run = 1; run <= options.Runs; run++)
        {
            for (int attempt = 1; ; attempt++)
            {
                RunResult result = measure();
                Console.WriteLine(describe(result, run, attempt));
                if (!Contended(result, busy) || attempt >= options.MaxAttempts)
                {
                    runs.Add(result);
                    break;
                }

                discarded++;
            }
        }

        return runs;
    }

    /// <summary>Scenarios measured in round trips (a call and its reply, or two one-way hops).</summary>
    private static bool IsRoundTrip(Scenario scenario) =>
        scenario.Name.StartsWith("callreply", StringComparison.Ordinal) || scenario.Name.StartsWith("sendpingpong", StringComparison.Ordinal);

    private static string KeptColumn(List<RunResult> runs, bool busy, int discarded) =>
        Stats.Invariant($"{runs.Count(r => Contended(r, busy))} of {runs.Count} kept; {discarded} discarded");

    private static string Describe(bool pinned, int run, int attempt, RunResult r, bool isCall, int callers, bool busy)
    {
        string rate = isCall
            ? Stats.Invariant($"{r.WorkPerSecond / 1e6:0.000} M round trips/s, mean {callers * 1e6 / r.WorkPerSecond:0.000} µs per round trip")
            : Stats.Invariant($"{r.WorkPerSecond / 1e6:0.00} M msgs/s delivered");
        string remote = double.IsNaN(r.RemotePerSecond) ? string.Empty : Stats.Invariant($" ({r.RemotePerSecond / 1e6:0.00} M/s remote)");
        return Stats.Invariant(
            $"  {PinName(pinned)} run {run}.{attempt}: {rate}{remote} | {r.BytesPerMessage:0.000} B/msg (gen0 {r.Gen0Collections}) | CPU {r.ProcessCpuPercent:0}% | ticks/s {Stats.Join(r.TicksPerSecond, 1e6, "0.00")} M | refused {r.RefusedPerSecond / 1e6:0.00} M/s | drops {r.InboundDrops} | call failures {r.CallFailures} | parks {r.Parks} | machine idle before {r.IdleBefore * 100:0}%{(Contended(r, busy) ? " | CONTENDED (<180% CPU)" : string.Empty)}");
    }

    private static string SummaryRow(Scenario scenario, bool pinned, List<RunResult> runs, int callers, int discarded)
    {
        bool isCall = IsRoundTrip(scenario);
        string throughput = isCall
            ? Stats.MedianRange(runs.Select(r => r.WorkPerSecond), 1e6, "0.000") + " M RT/s"
            : Stats.MedianRange(runs.Select(r => r.WorkPerSecond), 1e6, "0.00") + " M msgs/s";
        string latency = isCall ? Stats.MedianRange(runs.Select(r => callers * 1e6 / r.WorkPerSecond), 1, "0.000") : "–";
        string remote = double.IsNaN(runs[0].RemotePerSecond) ? "–" : Stats.MedianRange(runs.Select(r => r.RemotePerSecond), 1e6, "0.00") + " M/s";
        int shards = runs[0].TicksPerSecond.Length;
        var ticks = new double[shards];
        for (int s = 0; s < shards; s++)
        {
            ticks[s] = Stats.Median(runs.Select(r => r.TicksPerSecond[s]));
        }

        return Stats.Invariant(
            $"| {scenario.Name} | {PinName(pinned)} | {throughput} | {latency} | {remote} | {Stats.Max(runs.Select(r => r.BytesPerMessage)):0.000} | {Stats.MedianRange(runs.Select(r => r.ProcessCpuPercent), 1, "0")} | {Stats.Join(ticks, 1e6, "0.00")} M | {Stats.MedianRange(runs.Select(r => r.RefusedPerSecond), 1e6, "0.00")} M | {runs.Sum(r => r.InboundDrops)} | {runs.Sum(r => r.CallFailures)} | {KeptColumn(runs, IsBusy(scenario), discarded)} |");
    }
}
