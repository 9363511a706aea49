using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using NUnit.Framework;
using Tina.Http.Server;

namespace Tina.Http.Tests.Server;

/// <summary>
/// A bounded overload run (about 3 s): Low clients pipeline far more than a deliberately slow handler serves (one
/// request per millisecond), two High clients go one request at a time. Checked: every request sent is answered
/// exactly once (or its connection closed), answers are 200 or a 503 with Retry-After, High succeeds at least 99 %,
/// the server's shed counters match what the clients saw, and the shard neither crashed nor stopped serving. No
/// timing is asserted.
/// </summary>
[TestFixture]
[Platform("Linux")]
[NonParallelizable]
public sealed class OverloadStressTests
{
    private const int LowClients = 8;
    private const int Batch = 32;

    [Test]
    public void FarPastCapacity_EveryRequestIsAnsweredOnce_HighKeepsGoing()
    {
        PacedHandler.Pace = TimeSpan.FromMilliseconds(1);
        using var server = new TestServer(configure: o =>
        {
            o.MaxHandlerQueue = 8;       // Low shed from 4 calls out, High only at 8 (the handler may owe 8)
            o.HandlerTimeout = TimeSpan.FromSeconds(30);
            o.MaxRequestsPerConnection = int.MaxValue;
        }, map: s => s.MapHandler<PacedHandler>("GET", "/work", HttpPriority.Low).MapHandler<PacedHandler>("GET", "/vip", HttpPriority.High));
        var tallies = new Tally[LowClients + 2];
        var threads = new List<Thread>();
        using var stop = new CancellationTokenSource();
        for (int i = 0; i < tallies.Length; i++)
        {
            var tally = tallies[i] = new Tally();
            bool high = i >= LowClients;
            var thread = new Thread(() => Run(server.Port, high, tally, stop.Token)) { IsBackground = true };
            threads.Add(thread);
            thread.Start();
        }

        Thread.Sleep(TimeSpan.FromSeconds(3)); // the length of the run, not a measurement
        stop.Cancel();
        foreach (Thread thread in threads)
        {
            Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True, "every client finished reading what it was owed");
        }

        long lowOk = 0, lowShed = 0, highOk = 0, highShed = 0;
        for (int i = 0; i < tallies.Length; i++)
        {
            Tally t = tallies[i];
            Assert.That(t.Error, Is.Null, $"client {i}");
            Assert.That(t.Other, Is.Zero, $"client {i}: only 200 and 503");
            Assert.That(t.ShedWithoutRetryAfter, Is.Zero, $"client {i}: every 503 has Retry-After");
            Assert.That(t.Ok + t.Shed, Is.EqualTo(t.Sent), $"client {i}: every request sent got exactly one answer");
            if (i < LowClients)
            {
                lowOk += t.Ok;
                lowShed += t.Shed;
            }
            else
            {
                highOk += t.Ok;
                highShed += t.Shed;
            }
        }

        TestContext.Out.WriteLine($"low {lowOk} ok / {lowShed} shed; high {highOk} ok / {highShed} shed");
        Assert.That(lowShed, Is.GreaterThan(0), "the run did overload the handler");
        Assert.That(highOk, Is.GreaterThan(0));
        Assert.That((double)highOk / (highOk + highShed), Is.GreaterThanOrEqualTo(0.99), "High keeps going");
        Assert.That(server[HttpServerCounter.ShedLow], Is.EqualTo(lowShed), "the server counted every Low shed");
        Assert.That(server[HttpServerCounter.ShedHigh], Is.EqualTo(highShed));
        Assert.That(server[HttpServerCounter.HandlerFailures], Is.Zero);
        Assert.That(server.Runtime.GetStats(0)[ShardCounter.IsolatesCrashed], Is.Zero, "no crash");
        using RawClient after = server.Connect();
        after.Send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.That(after.Read()?.Status, Is.EqualTo(200), "the server still serves");
    }

    private sealed class Tally
    {
        public long Sent;
        public long Ok;
        public long Shed;
        public long Other;
        public long ShedWithoutRetryAfter;
        public string? Error;
    }

    /// <summary>Low: batches of pipelined requests, each batch read whole. High: one request at a time.</summary>
    private static void Run(int port, bool high, Tally tally, CancellationToken stop)
    {
        try
        {
            using var client = new RawClient(port);
            int batch = high ? 1 : Batch;
            var text = new StringBuilder();
            for (int i = 0; i < batch; i++)
            {
                text.Append(high ? "GET /vip HTTP/1.1\r\nHost: a\r\n\r\n" : "GET /work HTTP/1.1\r\nHost: a\r\n\r\n");
            }

            byte[] bytes = Encoding.ASCII.GetBytes(text.ToString());
            while (!stop.IsCancellationRequested)
            {
                client.Send(bytes);
                tally.Sent += batch;
                for (int i = 0; i < batch; i++)
                {
                    RawResponse? response = client.Read();
                    if (response is null)
                    {
                        tally.Error = "the connection closed with requests unanswered";
                        return;
                    }

                    if (response.Status == 200)
                    {
                        tally.Ok++;
                    }
                    else if (response.Status == 503)
                    {
                        tally.Shed++;
                        if (!response.Headers.ContainsKey("Retry-After"))
                        {
                            tally.ShedWithoutRetryAfter++;
                        }
                    }
                    else
                    {
                        tally.Other++;
                    }
                }
            }
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            tally.Error = e.Message;
        }
    }
}
