using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;
using Overload;

// Open-loop load at --rate requests/s over --connections for --warmup + --seconds, then one Markdown table row:
// offered, goodput (200/s), shed (503/s), dropped (the client's own in-flight window was full), accepted latency
// p50/p99/p99.9, and the server's RSS (first and last 10 s medians, max) when --pid is given.
LoadOptions options = LoadOptions.Parse(args);
var run = new LoadRun();
var connections = new List<LoadConnection>();
for (int i = 0; i < options.Connections; i++)
{
    connections.Add(new LoadConnection(options, run));
}

using var stop = new CancellationTokenSource();
var clock = Stopwatch.StartNew();
double until = options.Warmup + options.Seconds;
int writersDone = 0;
var threads = new List<Thread>();
foreach (LoadConnection c in connections)
{
    var writer = new Thread(() =>
    {
        c.Write(clock, until, stop.Token);
        Interlocked.Increment(ref writersDone);
    }) { IsBackground = true };
    var reader = new Thread(() => c.Read(() => Volatile.Read(ref writersDone) == options.Connections)) { IsBackground = true };
    threads.Add(writer);
    threads.Add(reader);
    writer.Start();
    reader.Start();
}

var rss = new RssSampler(options.ServerPid);
Thread.Sleep(TimeSpan.FromSeconds(options.Warmup));
run.Measuring = true;
double measuredFrom = clock.Elapsed.TotalSeconds;
while (clock.Elapsed.TotalSeconds < until)
{
    Thread.Sleep(1000);
    rss.Sample();
}

double measuredFor = clock.Elapsed.TotalSeconds - measuredFrom;
run.Measuring = false;
foreach (Thread t in threads)
{
    if (!t.Join(TimeSpan.FromSeconds(30)))
    {
        Console.Error.WriteLine("a connection did not finish within 30 s of the end");
    }
}

var accepted = new LatencyHistogram();
long sent = 0, dropped = 0, ok = 0, shed = 0, other = 0;
foreach (LoadConnection c in connections)
{
    accepted.Merge(c.Accepted);
    sent += c.Sent;
    dropped += c.Dropped;
    ok += c.Ok;
    shed += c.Shed;
    other += c.Other;
    if (c.Error is not null)
    {
        Console.Error.WriteLine($"connection error: {c.Error}");
    }

    c.Dispose();
}

static string Ms(double micros) => (micros / 1000).ToString("F2", CultureInfo.InvariantCulture);
string Rss()
{
    if (rss.KiB.Count == 0)
    {
        return "| | |";
    }

    long Median(int from, int to)
    {
        var w = rss.KiB.GetRange(Math.Max(0, from), Math.Min(rss.KiB.Count, to) - Math.Max(0, from));
        w.Sort();
        return w[w.Count / 2];
    }

    long max = 0;
    foreach (long k in rss.KiB)
    {
        max = Math.Max(max, k);
    }

    int n = rss.KiB.Count;
    return $"| {Median(0, Math.Min(10, n)) / 1024} → {Median(n - 10, n) / 1024} | {max / 1024} |";
}

var row = new StringBuilder();
row.Append(CultureInfo.InvariantCulture, $"| {options.Label} | {options.Rate:F0} | {sent / measuredFor:F0} | {ok / measuredFor:F0} | {shed / measuredFor:F0} | {dropped / measuredFor:F0} | {other} | ");
row.Append(CultureInfo.InvariantCulture, $"{Ms(accepted.Percentile(0.50))} | {Ms(accepted.Percentile(0.99))} | {Ms(accepted.Percentile(0.999))} {Rss()}");
Console.WriteLine(row.ToString());
return 0;
