using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;

namespace Tina.Peers;

/// <summary>
/// Parent: runs every cell in its own child process (<c>dotnet Tina.Peers.dll --child system scenario</c>), then
/// rewrites its section of bench/RESULTS.md. Child: one warm-up run, then the measured runs, one RESULT line.
/// Options: <c>--quick</c> (one short run per cell); <c>--systems a,b</c> and <c>--scenarios x,burst</c> run only
/// those cells and print the table without touching RESULTS.md.
/// </summary>
internal static class Harness
{
    private const string BeginMarker = "<!-- Tina.Peers:begin -->";
    private const string EndMarker = "<!-- Tina.Peers:end -->";

    private static readonly string[] s_scenarios = ["oneway", "pingpong-call", "pingpong-send", "fanin"];

    private static readonly string[] s_systems =
        ["tina-pinned", "tina-unpinned", "akka-default", "akka-tuned", "proto-default", "proto-tuned", "channel", "ring"];

    public static int Run(string[] args)
    {
        bool quick = Array.IndexOf(args, "--quick") >= 0;
        int runs = quick ? 1 : 5;
        double seconds = quick ? 0.5 : 1.5;
        if (args.Length >= 3 && args[0] == "--child" && args[2] == "burst")
        {
            string told = Burst.Run(args[1]);
            Console.WriteLine($"BURST {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} {told}");
            return 0;
        }

        if (args.Length >= 3 && args[0] == "--child")
        {
            return Child(args[1], args[2], runs, seconds);
        }

        string[]? systems = ListOption(args, "--systems");
        string[]? scenarios = ListOption(args, "--scenarios");
        return Parent(quick, systems ?? s_systems, scenarios ?? [.. s_scenarios, "burst"], writeResults: systems is null && scenarios is null);
    }

    /// <summary>The comma-separated value after <paramref name="name"/>, or null when the option is absent.</summary>
    private static string[]? ListOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
    }

    private static ICell? Cell(string system, string scenario) => system switch
    {
        "tina-pinned" => new TinaCell(scenario, pinned: true),
        "tina-unpinned" => new TinaCell(scenario, pinned: false),
        "akka-default" => new AkkaCell(scenario, tuned: false),
        "akka-tuned" => new AkkaCell(scenario, tuned: true),
        "proto-default" => new ProtoCell(scenario, tuned: false),
        "proto-tuned" => new ProtoCell(scenario, tuned: true),
        "channel" => scenario == "pingpong-call" ? null : new ChannelCell(scenario),
        "ring" => scenario == "pingpong-call" ? null : new RingCell(scenario),
        _ => null,
    };

    private static int Child(string system, string scenario, int runs, double seconds)
    {
        ICell? cell = Cell(system, scenario);
        if (cell is null)
        {
            Console.WriteLine("RESULT n/a");
            return 0;
        }

        cell.Start();
        Measure(cell, seconds); // warm-up
        var rates = new List<double>();
        long allocated = 0, work = 0;
        int gcs0 = GC.CollectionCount(0), gcs1 = GC.CollectionCount(1), gcs2 = GC.CollectionCount(2);
        TimeSpan pause0 = GC.GetTotalPauseDuration();
        for (int r = 0; r < runs; r++)
        {
            (double rate, long bytes, long units) = Measure(cell, seconds);
            rates.Add(rate);
            allocated += bytes;
            work += units;
        }

        int gen0 = GC.CollectionCount(0) - gcs0, gen1 = GC.CollectionCount(1) - gcs1, gen2 = GC.CollectionCount(2) - gcs2;
        double pauseMs = (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds / runs;
        cell.Stop();
        rates.Sort();
        double bytesPerMsg = work == 0 ? 0 : (double)allocated / (work * cell.MessagesPerUnit);
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"RESULT {rates[rates.Count / 2]:F0} {rates[0]:F0} {rates[^1]:F0} {bytesPerMsg:F1} {gen0} {gen1} {gen2} {pauseMs:F1} {peak / (1024 * 1024)}"));
        return 0;
    }

    private static (double Rate, long Bytes, long Units) Measure(ICell cell, double seconds)
    {
        long bytes0 = GC.GetTotalAllocatedBytes(true);
        long w0 = cell.Work();
        var sw = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        long w1 = cell.Work();
        double elapsed = sw.Elapsed.TotalSeconds;
        long bytes1 = GC.GetTotalAllocatedBytes(true);
        return ((w1 - w0) / elapsed, bytes1 - bytes0, w1 - w0);
    }

    /// <summary>
    /// Runs the chosen cells. Only a run of every cell (no <c>--systems</c> or <c>--scenarios</c>) rewrites the
    /// RESULTS.md section; a filtered run (a smoke test of a few cells) prints its table and leaves the file alone.
    /// </summary>
    private static int Parent(bool quick, string[] systems, string[] scenarios, bool writeResults)
    {
        string dll = typeof(Harness).Assembly.Location;
        string load0 = File.ReadAllText("/proc/loadavg").Trim();
        var sb = new StringBuilder();
        sb.AppendLine(BeginMarker);
        sb.AppendLine("## Peer comparison (bench/Tina.Peers)");
        sb.AppendLine();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Environment.ProcessorCount} vCPUs, {Environment.OSVersion}, .NET {Environment.Version}"));
        sb.AppendLine($"- Command: `dotnet run -c Release --project bench/Tina.Peers{(quick ? " -- --quick" : string.Empty)}`; {(quick ? "1 run of 0.5 s" : "1 warm-up + 5 measured runs of 1.5 s")} per cell, each cell in its own process, 16-byte messages");
        sb.AppendLine($"- Load average before: `{load0}`");
        sb.AppendLine();
        sb.AppendLine("Each cell: median msgs/s (round trips/s for ping-pong) [min–max]; bytes allocated per message over all threads; GC collections gen0/1/2 over the measured runs; GC pause per run; peak working set.");
        sb.AppendLine();
        sb.AppendLine("| system | scenario | median /s | min–max | B/msg | GC 0/1/2 | pause ms/run | peak WS MB |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (string scenario in s_scenarios)
        {
            if (Array.IndexOf(scenarios, scenario) < 0)
            {
                continue;
            }

            foreach (string system in systems)
            {
                string line = RunChild(dll, system, scenario, quick);
                Console.WriteLine($"{system} {scenario}: {line}");
                string[] f = line.Split(' ');
                if (f.Length < 10 || f[0] != "RESULT")
                {
                    continue;
                }

                sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {system} | {scenario} | {M(f[1])} | {M(f[2])}–{M(f[3])} | {f[4]} | {f[5]}/{f[6]}/{f[7]} | {f[8]} | {f[9]} |"));
            }
        }

        sb.AppendLine();
        sb.AppendLine($"Burst of {BurstState.Messages:N0} messages into a stalled receiver (its handler blocks): what the sender is told, and peak working set.");
        sb.AppendLine();
        sb.AppendLine("| system | sender is told | peak WS MB |");
        sb.AppendLine("|---|---|---:|");
        foreach (string system in Array.IndexOf(scenarios, "burst") >= 0 ? systems : [])
        {
            string line = RunChild(dll, system, "burst", quick);
            Console.WriteLine($"{system} burst: {line}");
            string[] f = line.Split(' ');
            if (f.Length >= 3 && f[0] == "BURST")
            {
                sb.AppendLine($"| {system} | {f[2].Replace('_', ' ')} | {f[1]} |");
            }
        }

        sb.AppendLine();
        sb.AppendLine($"- Load average after: `{File.ReadAllText("/proc/loadavg").Trim()}`");
        sb.AppendLine(EndMarker);
        if (writeResults)
        {
            WriteSection(sb.ToString());
        }
        else
        {
            Console.WriteLine();
            Console.WriteLine(sb.ToString());
        }

        return 0;
    }

    private static string M(string rate)
    {
        double v = double.Parse(rate, CultureInfo.InvariantCulture);
        return v >= 1e6 ? string.Create(CultureInfo.InvariantCulture, $"{v / 1e6:F2} M")
            : v >= 1e4 ? string.Create(CultureInfo.InvariantCulture, $"{v / 1e3:F0} k")
            : string.Create(CultureInfo.InvariantCulture, $"{v:F0}");
    }

    private static string RunChild(string dll, string system, string scenario, bool quick)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--child");
        psi.ArgumentList.Add(system);
        psi.ArgumentList.Add(scenario);
        if (quick)
        {
            psi.ArgumentList.Add("--quick");
        }

        using Process p = Process.Start(psi)!;
        string result = "failed";
        string? l;
        while ((l = p.StandardOutput.ReadLine()) is not null)
        {
            if (l.StartsWith("RESULT", StringComparison.Ordinal) || l.StartsWith("BURST", StringComparison.Ordinal))
            {
                result = l;
            }
        }

        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
        }

        return result;
    }

    private static void WriteSection(string section)
    {
        string dir = AppContext.BaseDirectory;
        while (dir.Length > 1 && !File.Exists(Path.Combine(dir, "Tina.sln")))
        {
            dir = Path.GetDirectoryName(dir)!;
        }

        string path = Path.Combine(dir, "bench", "RESULTS.md");
        string text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        int b = text.IndexOf(BeginMarker, StringComparison.Ordinal);
        int e = text.IndexOf(EndMarker, StringComparison.Ordinal);
        text = b >= 0 && e > b
            ? string.Concat(text.AsSpan(0, b), section.TrimEnd(), text.AsSpan(e + EndMarker.Length))
            : text.TrimEnd() + "\n\n" + section;
        File.WriteAllText(path, text);
        Console.WriteLine($"wrote {path}");
    }
}
