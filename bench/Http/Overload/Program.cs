using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Overload;

// Open-loop load at --rate requests/s over --connections for --warmup + --seconds, then one Markdown table row:
// offered, goodput (200/s), shed (503/s), dropped (the client's own in-flight window was full), accepted latency
// p50/p99/p99.9, and the server's RSS (first and last 10 s medians, max) when --pid is given.
LoadOptions options = LoadOptions.Parse(args);
var run = new LoadRun();
var accepted = new LatencyHistogram();
var connections = new List<LoadConnection>();
for (int i = 0; i < options.Connections; i++)
{
    connections.Add(new LoadConnection(options, run, accepted));
}

var readers = new List<Task>();
foreach (LoadConnection c in connections)
{
    readers.Add(Task.Run(c.ReadAsync));
}

// This thread is the scheduler: about every millisecond it offers each connection the requests its schedule
// (rate / connections a second) has made due since, and once a second it samples the server's RSS.
var rss = new RssSampler(options.ServerPid);
var clock = Stopwatch.StartNew();
double until = options.Warmup + options.Seconds;
double perConnection = options.Rate / options.Connections;
double measuredFrom = 0;
double nextSample = options.Warmup + 1;
while (true)
{
    double now = clock.Elapsed.TotalSeconds;
    if (now >= until)
    {
        break;
    }

    if (!run.Measuring && now >= options.Warmup)
    {
        run.Measuring = true;
        measuredFrom = now;
    }

    if (now >= nextSample)
    {
        rss.Sample();
        nextSample += 1;
    }

    // Each connection's schedule is offset by its share of one period (i / connections), so the connections' requests
    // fall evenly over time instead of all at once each period (in step, 384 connections would be 384-request bursts).
    for (int i = 0; i < connections.Count; i++)
    {
        LoadConnection c = connections[i];
        long due = (long)((now * perConnection) + ((double)i / connections.Count));
        int n = (int)(due - c.Scheduled);
        if (n > 0)
        {
            c.Scheduled = due;
            c.Offer(n);
        }
    }

    Thread.Sleep(1);
}

double measuredFor = clock.Elapsed.TotalSeconds - measuredFrom;
run.Measuring = false;

// What was written is still owed: wait (bounded) for every answer, then close the sockets under the pending receives.
var settle = Stopwatch.StartNew();
while (settle.Elapsed < TimeSpan.FromSeconds(30) && !connections.TrueForAll(c => c.Settled || c.Error is not null))
{
    Thread.Sleep(10);
}

if (!connections.TrueForAll(c => c.Settled || c.Error is not null))
{
    Console.Error.WriteLine("some requests were still unanswered 30 s after the end");
}

run.Finished = true;
foreach (LoadConnection c in connections)
{
    c.Dispose();
}

Task.WaitAll(readers.ToArray(), TimeSpan.FromSeconds(10));
long sent = 0, dropped = 0, ok = 0, shed = 0, other = 0;
foreach (LoadConnection c in connections)
{
    sent += c.Sent;
    dropped += c.Dropped;
    ok += c.Ok;
    shed += c.Shed;
    other += c.Other;
    if (c.Error is not null)
    {
        Console.Error.WriteLine($"connection error: {c.Error}");
    }
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
