using System;
using System.Diagnostics;
using System.Threading;
using NUnit.Framework;
using Tina.Scheduling;
using Tina.Tests.Support;

namespace Tina.Tests.Stress;

/// <summary>
/// Real threads, not the simulator: thousands of park/wake round trips, each a single message sent to a parked (or
/// just-parking) shard by an outside thread or by a peer shard, at a random small delay. Every message must arrive;
/// one that does not within a generous bound is a lost wake-up.
/// </summary>
[Category("Stress")]
public sealed class ParkWakeStressTests
{
    private const int Trials = 5_000;
    // Per trial, a hang guard rather than a latency bound: a lost wake never delivers (the sink has no deadline to
    // wake it), so any bound catches it; a generous one keeps a slow, loaded machine from counting a late wake as lost.
    // A passing trial never waits for it. Latency is printed, never asserted.
    private static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(30);

    private static long s_received; // written by the sink's shard thread, read by the test thread

    public readonly record struct Target(ulong Sink);

    /// <summary>Counts every message it gets.</summary>
    public sealed class Sink : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is<Ping>())
            {
                Interlocked.Increment(ref s_received);
            }

            return Effect.Receive;
        }
    }

    /// <summary>Forwards every Ping to the sink on the other shard: the peer (ring) wake path.</summary>
    public sealed class Relay : IIsolate
    {
        private Handle _sink;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Target target))
            {
                _sink = new Handle(target.Sink);
            }
            else if (message.Is(out Ping ping))
            {
                ctx.Send(_sink, ping);
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void ParkedShard_OneMessageAtARandomDelay_IsAlwaysDelivered()
    {
        Interlocked.Exchange(ref s_received, 0);
        var spec = new TinaSpec
        {
            ShardCount = 2,
            PinThreads = false,
            IdlePollTicks = 0, // park as soon as a tick finds nothing: every trial goes through the park path
            MinimumLogLevel = TinaLogLevel.None,
            WatchdogInterval = TimeSpan.Zero,
        };
        spec.AddIsolate<Sink>(slots: 1);
        spec.AddIsolate<Relay>(slots: 1);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Handle sink = runtime.Spawn<Sink>(1).Handle;
        Handle relay = runtime.Spawn<Relay, Target>(0, new Target(sink.Value)).Handle;
        runtime.Start();
        ShardSignal sinkSignal = runtime.ShardAt(1).Signal;
        ShardSignal relaySignal = runtime.ShardAt(0).Signal;

        const int seed = 20_240_611;
        var random = new Random(seed);
        long lost = 0;
        long notParked = 0;
        long maxLatencyTicks = 0;
        long expected = 0;
        var total = Stopwatch.StartNew();
        for (int trial = 0; trial < Trials; trial++)
        {
            bool viaPeer = (trial & 1) != 0;          // outside → sink, or outside → relay → sink (a peer's send)
            bool waitForPark = random.Next(4) != 0;   // mostly a parked shard; else one on its way to park
            ShardSignal first = viaPeer ? relaySignal : sinkSignal;
            if (waitForPark && !SpinWait.SpinUntil(() => first.IsSleeping && sinkSignal.IsSleeping, LostAfter))
            {
                notParked++;
            }

            Thread.SpinWait(random.Next(0, 2_000)); // 0 to a few µs: lands anywhere in the park sequence

            long before = Stopwatch.GetTimestamp();
            Assert.That(runtime.Send(viaPeer ? relay : sink, new Ping(trial)), Is.EqualTo(SendResult.Ok));
            expected++;
            if (!SpinWait.SpinUntil(() => Interlocked.Read(ref s_received) >= expected, LostAfter))
            {
                lost++;
                expected = Interlocked.Read(ref s_received); // resynchronise: later trials count on their own
                continue;
            }

            maxLatencyTicks = Math.Max(maxLatencyTicks, Stopwatch.GetTimestamp() - before);
        }

        total.Stop();
        TimeSpan maxLatency = Stopwatch.GetElapsedTime(0, maxLatencyTicks);
        TestContext.Out.WriteLine(
            $"park/wake stress: trials {Trials}, lost {lost}, not parked in time {notParked}, max latency {maxLatency.TotalMilliseconds:F3} ms, "
            + $"parks shard0 {runtime.GetStats(0)[ShardCounter.Parks]} shard1 {runtime.GetStats(1)[ShardCounter.Parks]}, "
            + $"seed {seed}, total {total.Elapsed.TotalSeconds:F1} s");
        Assert.That(lost, Is.Zero, "lost wake-ups: a message sat in a parked shard's inbox for the whole bound");
        Assert.That(notParked, Is.Zero, "an idle shard parks");
        Assert.That(runtime.Stop(TimeSpan.FromSeconds(10)), Is.True);
    }
}
