using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using NUnit.Framework;
using Tina.Http.Server;

namespace Tina.Http.Tests.Server;

/// <summary>
/// Ten times the measured capacity for 60 s. The handler's capacity is fixed by its pace (one request per timer
/// firing), measured first with closed-loop clients; then Low clients offer ten times that, open loop (batches on a
/// schedule, at most 4 batches unanswered, the debt dropped when a batch runs late, so the offered rate is what was
/// really sent), while two High
/// clients go one request at a time. Checked: every request sent is answered exactly once with 200 or 503 +
/// Retry-After; High succeeds ≥ 99 %; the server's shed counters match what the clients saw; nothing crashed; the
/// memory the process holds live (the managed heap after a full collection, sampled each second: the server's pools
/// are allocated at boot, so growth there is a leak or an unbounded queue) over the last 10 s is within 10 % of the
/// one after warm-up; and after the spike a High
/// probe is back to the unloaded latency within a second. The bounds are wide (the drain after the spike takes
/// the handler's queue, at most 8 × its pace); no speed is asserted.
/// </summary>
[TestFixture]
[Platform("Linux")]
[NonParallelizable]
public sealed class SustainedOverloadTests
{
    private const int LowClients = 16;
    private const int HighClients = 2;
    private const int Batch = 16;
    private const int MaxInFlight = 4 * Batch;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan SpikeLength = TimeSpan.FromSeconds(60);

    [Test]
    public void TenTimesCapacityForAMinute_ServesHigh_KeepsMemoryFlat_RecoversWithinASecond()
    {
        PacedHandler.Pace = Pace;
        using var server = new TestServer(configure: o =>
        {
            o.MaxHandlerQueue = 8;       // the handler owes at most 8: Low shed from 4 calls out, High at 8
            o.HandlerTimeout = TimeSpan.FromSeconds(30);
            o.MaxRequestsPerConnection = int.MaxValue;

            // The queue-delay signal sheds on waits the test machine's scheduling adds when a whole test run shares its
            // cores (SheddingTests covers that signal): here the handler queue is the signal, so what is shed does not
            // depend on how loaded the machine is.
            o.QueueDelayTarget = TimeSpan.FromSeconds(5);
        }, map: s => s.MapHandler<PacedHandler>("GET", "/work", HttpPriority.Low).MapHandler<PacedHandler>("GET", "/vip", HttpPriority.High));

        double capacity = MeasureCapacity(server);
        double baselineP99 = ProbeLatencies(server.Port, TimeSpan.FromSeconds(1), null).P99Ms;
        TestContext.Out.WriteLine($"capacity {capacity:F0} req/s, unloaded High p99 {baselineP99:F2} ms");
        Assert.That(capacity, Is.GreaterThan(0));

        var low = new Tally[LowClients];
        var high = new Tally[HighClients];
        var threads = new List<Thread>();
        using var stop = new CancellationTokenSource();
        double perClientRate = 10 * capacity / LowClients;
        for (int i = 0; i < LowClients; i++)
        {
            Tally t = low[i] = new Tally();
            threads.Add(Start(() => RunLow(server.Port, perClientRate, t, stop.Token)));
        }

        for (int i = 0; i < HighClients; i++)
        {
            Tally t = high[i] = new Tally();
            threads.Add(Start(() => RunHigh(server.Port, t, stop.Token)));
        }

        var clock = Stopwatch.StartNew();
        var workingSet = new List<long>();
        var live = new List<long>();
        using (Process self = Process.GetCurrentProcess())
        {
            while (clock.Elapsed < SpikeLength)
            {
                Thread.Sleep(1000); // one sample a second over the run's length, not a measurement of speed
                // Live bytes after a full collection: the working set also moves with how much heap the GC chooses
                // to keep committed, which depends on the machine's load (on a machine running other builds it once
                // grew 141 -> 172 MiB over the run, on a quiet one 103 -> 101 MiB with the live heap 27 -> 27 MiB);
                // it is printed, the live heap is asserted.
                live.Add(GC.GetTotalMemory(forceFullCollection: true));
                self.Refresh();
                workingSet.Add(self.WorkingSet64);
            }
        }

        // Recovery: a High probe starts as the Low clients stop sending (what they are owed still drains).
        stop.Cancel();
        TimeSpan spikeEnded = clock.Elapsed;
        LatencyProbe? recovery = null;
        Thread prober = Start(() => recovery = ProbeLatencies(server.Port, TimeSpan.FromSeconds(1.5), clock));
        foreach (Thread thread in threads)
        {
            bool joined = thread.Join(TimeSpan.FromSeconds(30));
            Assert.That(joined, Is.True, "every client finished reading what it was owed");
        }

        Assert.That(prober.Join(TimeSpan.FromSeconds(30)), Is.True, "the recovery probe finished");
        Assert.That(recovery, Is.Not.Null, "the recovery probe ran to the end");
        TestContext.Out.WriteLine($"High latency after the spike, median by quarter second (probes): {recovery!.Describe(spikeEnded)}");

        long lowOk = 0, lowShed = 0, highOk = 0, highShed = 0, lowSent = 0;
        for (int i = 0; i < LowClients + HighClients; i++)
        {
            Tally t = i < LowClients ? low[i] : high[i - LowClients];
            Assert.That(t.Error, Is.Null, $"client {i}");
            Assert.That(t.Other, Is.Zero, $"client {i}: only 200 and 503");
            Assert.That(t.ShedWithoutRetryAfter, Is.Zero, $"client {i}: every 503 has Retry-After");
            Assert.That(t.Ok + t.Shed, Is.EqualTo(t.Sent), $"client {i}: every request sent got exactly one answer");
            if (i < LowClients)
            {
                lowOk += t.Ok;
                lowShed += t.Shed;
                lowSent += t.Sent;
            }
            else
            {
                highOk += t.Ok;
                highShed += t.Shed;
            }
        }

        double offered = lowSent / spikeEnded.TotalSeconds;
        double goodput = (lowOk + highOk) / spikeEnded.TotalSeconds;
        long firstWindow = Median(live, 5, 15);
        long lastWindow = Median(live, live.Count - 10, live.Count);
        long firstWorkingSet = Median(workingSet, 5, 15);
        long lastWorkingSet = Median(workingSet, workingSet.Count - 10, workingSet.Count);
        TestContext.Out.WriteLine(
            $"offered Low {offered:F0} req/s ({offered / capacity:F1}x capacity), goodput {goodput:F0} req/s ({goodput / capacity:F2}x); low {lowOk} ok / {lowShed} shed; high {highOk} ok / {highShed} shed; " +
            $"live heap s5-15 {firstWindow >> 20} MiB, last 10 s {lastWindow >> 20} MiB; working set {firstWorkingSet >> 20} -> {lastWorkingSet >> 20} MiB");

        Assert.That(offered, Is.GreaterThan(3 * capacity), "the Low clients did offer several times the capacity");
        Assert.That(lowShed, Is.GreaterThan(0), "the run did overload the handler");
        Assert.That(highOk + highShed, Is.GreaterThan(0));
        Assert.That((double)highOk / (highOk + highShed), Is.GreaterThanOrEqualTo(0.99), "High keeps going");
        Assert.That(server[HttpServerCounter.ShedLow], Is.EqualTo(lowShed), "the server counted every Low shed");
        Assert.That(server[HttpServerCounter.ShedHigh], Is.EqualTo(highShed));
        Assert.That(server[HttpServerCounter.HandlerFailures], Is.Zero);
        Assert.That(server.Runtime.GetStats(0)[ShardCounter.IsolatesCrashed], Is.Zero, "no crash");
        Assert.That((double)lastWindow, Is.LessThan(firstWindow * 1.10), "memory stayed flat (growth < 10 %)");

        // Back to the unloaded latency within a second: the probes in the second half of that second are at or
        // under twice the unloaded p99 (plus 5 ms for a loaded test machine's scheduling).
        double bound = Math.Max(2 * baselineP99, baselineP99 + 5);
        double settled = recovery.MedianMs(spikeEnded + TimeSpan.FromSeconds(0.5), spikeEnded + TimeSpan.FromSeconds(1));
        Assert.That(settled, Is.LessThanOrEqualTo(bound), $"High latency half a second to a second after the spike (bound {bound:F2} ms)");
    }

    private static Thread Start(ThreadStart body)
    {
        var thread = new Thread(body) { IsBackground = true };
        thread.Start();
        return thread;
    }

    /// <summary>
    /// Served requests per second with three closed-loop clients pipelining two High requests each: six owed keep the
    /// handler busy through a client thread's scheduling hiccups, under High's shed share (8).
    /// </summary>
    private static double MeasureCapacity(TestServer server)
    {
        int port = server.Port;
        var tallies = new Tally[3];
        var threads = new List<Thread>();
        using var stop = new CancellationTokenSource();
        for (int i = 0; i < tallies.Length; i++)
        {
            Tally t = tallies[i] = new Tally();
            threads.Add(Start(() => RunClosedLoop(port, "GET /vip HTTP/1.1\r\nHost: a\r\n\r\nGET /vip HTTP/1.1\r\nHost: a\r\n\r\n", 2, t, stop.Token)));
        }

        Thread.Sleep(500); // warm-up
        long before = Sum(tallies);
        var clock = Stopwatch.StartNew();
        Thread.Sleep(3000);
        long served = Sum(tallies) - before;
        double seconds = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        foreach (Thread thread in threads)
        {
            thread.Join(TimeSpan.FromSeconds(30));
        }

        foreach (Tally t in tallies)
        {
            Assert.That(t.Error, Is.Null, "capacity client");
            Assert.That(
                t.Shed + t.Other,
                Is.Zero,
                $"three closed-loop High clients, two requests each, stay under High's shed share (shed by queue {server[HttpServerCounter.ShedHandlerQueue]}, slots {server[HttpServerCounter.ShedCallSlots]}, delay {server[HttpServerCounter.ShedQueueDelay]}, connections {server[HttpServerCounter.ShedConnections]}, mailbox {server[HttpServerCounter.ShedMailboxFull]})");
        }

        return served / seconds;
    }

    private static long Sum(Tally[] tallies)
    {
        long sum = 0;
        foreach (Tally t in tallies)
        {
            sum += Interlocked.Read(ref t.Ok);
        }

        return sum;
    }

    private static long Median(List<long> samples, int from, int to)
    {
        from = Math.Clamp(from, 0, samples.Count);
        to = Math.Clamp(to, from, samples.Count);
        var window = samples.GetRange(from, to - from);
        Assert.That(window, Is.Not.Empty, "working-set samples");
        window.Sort();
        return window[window.Count / 2];
    }

    /// <summary>One High request at a time for <paramref name="length"/>, timing each.</summary>
    private static LatencyProbe ProbeLatencies(int port, TimeSpan length, Stopwatch? clock)
    {
        clock ??= Stopwatch.StartNew();
        var probe = new LatencyProbe();
        using var client = new RawClient(port);
        byte[] request = Encoding.ASCII.GetBytes("GET /vip HTTP/1.1\r\nHost: a\r\n\r\n");
        TimeSpan end = clock.Elapsed + length;
        while (clock.Elapsed < end)
        {
            TimeSpan started = clock.Elapsed;
            client.Send(request);
            RawResponse? response = client.Read();
            Assert.That(response?.Status, Is.EqualTo(200), "a High probe is served");
            probe.Add(started, (clock.Elapsed - started).TotalMilliseconds);
        }

        return probe;
    }

    private static void RunClosedLoop(int port, string requests, int count, Tally tally, CancellationToken stop)
    {
        try
        {
            using var client = new RawClient(port);
            byte[] bytes = Encoding.ASCII.GetBytes(requests);
            while (!stop.IsCancellationRequested)
            {
                client.Send(bytes);
                tally.Sent += count;
                for (int i = 0; i < count; i++)
                {
                    if (!Count(client.Read(), tally))
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            tally.Error = e.Message;
        }
    }

    /// <summary>
    /// Batches of pipelined Low requests on a schedule of <paramref name="rate"/> requests a second, written by this
    /// thread while a second thread reads the answers (open loop: a slow answer does not slow the offer; a server
    /// that stops reading pushes back through TCP, which the schedule then counts as not sent).
    /// </summary>
    private static void RunLow(int port, double rate, Tally tally, CancellationToken stop)
    {
        RawClient client;
        try
        {
            client = new RawClient(port);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            tally.Error = e.Message;
            return;
        }

        var text = new StringBuilder();
        for (int i = 0; i < Batch; i++)
        {
            text.Append("GET /work HTTP/1.1\r\nHost: a\r\n\r\n");
        }

        byte[] bytes = Encoding.ASCII.GetBytes(text.ToString());
        long written = 0;
        int writing = 1;
        Thread reader = Start(() =>
        {
            try
            {
                long read = 0;
                while (Volatile.Read(ref writing) == 1 || read < Interlocked.Read(ref written))
                {
                    if (read == Interlocked.Read(ref written))
                    {
                        Thread.Sleep(1);
                        continue;
                    }

                    if (!Count(client.Read(), tally))
                    {
                        return;
                    }

                    read++;
                }
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
            {
                tally.Error = "reading: " + e.Message;
            }
        });

        try
        {
            var clock = Stopwatch.StartNew();
            double due = 0; // seconds at which the next batch is due
            double interval = Batch / rate;
            while (!stop.IsCancellationRequested && reader.IsAlive)
            {
                double now = clock.Elapsed.TotalSeconds;
                if (now < due)
                {
                    Thread.Sleep(TimeSpan.FromSeconds(Math.Min(due - now, 0.05)));
                    continue;
                }

                // Late by more than a batch: drop the debt rather than bursting to catch up (open loop, honest rate).
                // A slot that finds MaxInFlight requests still unanswered is dropped too: the loop is bounded, so
                // the spike ends when the clients stop (no backlog left in the sockets to serve for seconds after).
                due = now - due > interval ? now + interval : due + interval;
                if (Interlocked.Read(ref written) - tally.Answered >= MaxInFlight)
                {
                    continue;
                }

                client.Send(bytes);
                Interlocked.Add(ref written, Batch);
            }
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            tally.Error = $"writing after {Interlocked.Read(ref written)} requests ({tally.Ok} ok, {tally.Shed} shed read): {e.Message}";
        }
        finally
        {
            Volatile.Write(ref writing, 0);
            if (tally.Error is null)
            {
                reader.Join();
            }

            tally.Sent = Interlocked.Read(ref written);
            client.Dispose();
        }
    }

    /// <summary>One High request at a time with a 10 ms pause: well under capacity, whatever Low does.</summary>
    private static void RunHigh(int port, Tally tally, CancellationToken stop)
    {
        try
        {
            using var client = new RawClient(port);
            byte[] bytes = Encoding.ASCII.GetBytes("GET /vip HTTP/1.1\r\nHost: a\r\n\r\n");
            while (!stop.IsCancellationRequested)
            {
                client.Send(bytes);
                tally.Sent++;
                if (!Count(client.Read(), tally))
                {
                    return;
                }

                Thread.Sleep(10);
            }
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            tally.Error = e.Message;
        }
    }

    private static bool Count(RawResponse? response, Tally tally)
    {
        if (response is null)
        {
            tally.Error = "the connection closed with requests unanswered";
            return false;
        }

        if (response.Status == 200)
        {
            Interlocked.Increment(ref tally.Ok);
        }
        else if (response.Status == 503)
        {
            Interlocked.Increment(ref tally.Shed);
            if (!response.Headers.ContainsKey("Retry-After"))
            {
                tally.ShedWithoutRetryAfter++;
            }
        }
        else
        {
            Interlocked.Increment(ref tally.Other);
        }

        return true;
    }

    private sealed class Tally
    {
        public long Answered => Interlocked.Read(ref Ok) + Interlocked.Read(ref Shed) + Interlocked.Read(ref Other);

        public long Sent;
        public long Ok;
        public long Shed;
        public long Other;
        public long ShedWithoutRetryAfter;
        public string? Error;
    }

    /// <summary>Probe start times (on the test's clock) and latencies.</summary>
    private sealed class LatencyProbe
    {
        private readonly List<(TimeSpan Started, double Ms)> _samples = new();

        public double P99Ms
        {
            get
            {
                Assert.That(_samples, Is.Not.Empty, "latency probes");
                var ms = new List<double>(_samples.Count);
                foreach (var s in _samples)
                {
                    ms.Add(s.Ms);
                }

                ms.Sort();
                return ms[Math.Min(ms.Count - 1, (int)(ms.Count * 0.99))];
            }
        }

        public void Add(TimeSpan started, double ms) => _samples.Add((started, ms));

        public double MedianMs(TimeSpan from, TimeSpan to)
        {
            var ms = new List<double>();
            foreach (var s in _samples)
            {
                if (s.Started >= from && s.Started < to)
                {
                    ms.Add(s.Ms);
                }
            }

            Assert.That(ms, Is.Not.Empty, $"probes started between {from.TotalSeconds:F2} s and {to.TotalSeconds:F2} s");
            ms.Sort();
            return ms[ms.Count / 2];
        }

        /// <summary>The median latency of each quarter second after <paramref name="origin"/>.</summary>
        public string Describe(TimeSpan origin)
        {
            var text = new StringBuilder();
            for (int quarter = 0; quarter < 6; quarter++)
            {
                TimeSpan from = origin + TimeSpan.FromSeconds(0.25 * quarter);
                var ms = new List<double>();
                foreach (var s in _samples)
                {
                    if (s.Started >= from && s.Started < from + TimeSpan.FromSeconds(0.25))
                    {
                        ms.Add(s.Ms);
                    }
                }

                ms.Sort();
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{250 * quarter}-{250 * (quarter + 1)} ms: {(ms.Count == 0 ? double.NaN : ms[ms.Count / 2]):F1} ({ms.Count}); ");
            }

            return text.ToString();
        }
    }
}
