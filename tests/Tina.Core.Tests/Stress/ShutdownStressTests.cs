using System;
using System.Diagnostics;
using System.Threading;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests.Stress;

/// <summary>
/// Real threads, not the simulator: thousands of start/shutdown cycles of a small 2-shard runtime, idle or with work
/// in flight. Every shutdown must drain every isolate on its own (nothing forced) and join its threads: a lost
/// shutdown wake-up shows as a drain that waits out the whole timeout and then forces the parked shard's isolates,
/// so the report's counts catch it without any assertion on wall time (the elapsed times are printed only).
/// </summary>
[Category("Stress")]
public sealed class ShutdownStressTests
{
    private const int Trials = 2_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public readonly record struct Peer(ulong Handle);

    /// <summary>Bounces a Ping with its peer on the other shard until the shutdown notice: work in flight.</summary>
    public sealed class Bouncer : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Shutdown)
            {
                return Effect.Done;
            }

            if (message.Is(out Peer peer))
            {
                ctx.Send(new Handle(peer.Handle), new Ping(0));
            }
            else if (message.Is(out Ping ping))
            {
                ctx.Send(message.Source, new Ping(ping.Sequence + 1));
            }

            return Effect.Receive;
        }
    }

    /// <summary>Re-arms a 1 ms timer until the shutdown notice: a shard that parks with a deadline.</summary>
    public sealed class Ticker : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Shutdown)
            {
                return Effect.Done;
            }

            if (message.Kind is MessageKind.Start or MessageKind.Timer)
            {
                ctx.RegisterTimer(TimeSpan.FromMilliseconds(1), 1);
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void StartThenShutdown_IdleOrBusy_AlwaysDrainsWithoutForcing()
    {
        const int seed = 20_240_612;
        var random = new Random(seed);
        int failures = 0;
        long forcedTotal = 0;
        TimeSpan maxElapsed = TimeSpan.Zero;
        string firstFailure = string.Empty;
        var total = Stopwatch.StartNew();
        for (int trial = 0; trial < Trials; trial++)
        {
            int shape = trial % 4; // 0 idle counters, 1 + outside posts, 2 + a cross-shard bouncer pair, 3 + tickers
            var spec = new TinaSpec
            {
                ShardCount = 2,
                PinThreads = false,
                IdlePollTicks = random.Next(2) == 0 ? 0 : 50,
                MinimumLogLevel = TinaLogLevel.None,
                WatchdogInterval = TimeSpan.Zero,
                MessagePoolCapacity = 256,
                RingCapacity = 64,
                ExternalInboxCapacity = 64,
                TimerCapacity = 16,
                TimerSpokeCount = 16,
                LogCapacity = 16,
                BufferCount = 0,
                WatchCapacity = 16,
            };
            spec.AddIsolate<Counter>(slots: 2, mailboxCapacity: 16);
            spec.AddIsolate<Bouncer>(slots: 1, mailboxCapacity: 16);
            spec.AddIsolate<Ticker>(slots: 1, mailboxCapacity: 16);
            using TinaRuntime runtime = TinaRuntime.Create(spec);
            Handle counter0 = runtime.Spawn<Counter>(0).Handle;
            Handle counter1 = runtime.Spawn<Counter>(1).Handle;
            int isolates = 2;
            if (shape == 2)
            {
                Handle bouncer0 = runtime.Spawn<Bouncer>(0).Handle;
                runtime.Spawn<Bouncer, Peer>(1, new Peer(bouncer0.Value));
                isolates += 2;
            }
            else if (shape == 3)
            {
                runtime.Spawn<Ticker, Ping>(0, new Ping(0));
                runtime.Spawn<Ticker, Ping>(1, new Ping(0));
                isolates += 2;
            }

            runtime.Start();
            if (shape == 1)
            {
                for (int i = 0; i < 8; i++)
                {
                    runtime.Send((i & 1) == 0 ? counter0 : counter1, new Add(i));
                }
            }

            // Shut down at once (the first ticks still running), after a short spin, or once both shards parked.
            switch (random.Next(3))
            {
                case 1:
                    Thread.SpinWait(random.Next(0, 20_000));
                    break;
                case 2:
                    SpinWait.SpinUntil(
                        () => runtime.ShardAt(0).Signal.IsSleeping && runtime.ShardAt(1).Signal.IsSleeping,
                        TimeSpan.FromMilliseconds(random.Next(1, 5)));
                    break;
            }

            ShutdownReport report = runtime.Shutdown(Timeout);
            forcedTotal += report.IsolatesForced;
            maxElapsed = report.Elapsed > maxElapsed ? report.Elapsed : maxElapsed;
            bool ok = report.ThreadsJoined && report.IsolatesForced == 0 && report.IsolatesDrained == isolates;
            if (!ok)
            {
                failures++;
                if (firstFailure.Length == 0)
                {
                    firstFailure = $"trial {trial} shape {shape}: {report}";
                }
            }
        }

        total.Stop();
        TestContext.Out.WriteLine(
            $"shutdown stress: trials {Trials}, failures {failures}, forced {forcedTotal}, max elapsed {maxElapsed.TotalMilliseconds:F1} ms "
            + $"(timeout {Timeout.TotalSeconds:F0} s), seed {seed}, total {total.Elapsed.TotalSeconds:F1} s {firstFailure}");
        Assert.That(failures, Is.Zero, $"every shutdown drains every isolate, forces nothing and joins its threads; first: {firstFailure}");
    }
}
