using System;
using System.Diagnostics;
using System.Threading;
using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Scheduling;

namespace Tina.Tests.Stress;

/// <summary>
/// Real threads: shards that share one CPU (pinned to it by a core map, or unpinned and more shards than CPUs) run
/// the yielding idle loop, and a call/reply stream and a one-way stream between them still complete exactly, every
/// call answered once and every message delivered, with the shards polling (never parking) so only the yield ever
/// hands the CPU over. Planted bug: with the yield off (every runner told it has its CPU alone), the pinned case did
/// not finish its 20,000 round trips within the 60 s guard, each hop waiting for the spinning peer's time slice to
/// run out; with it, the whole run took about 150 ms on the project's 2-vCPU machine.
/// </summary>
[Category("Stress")]
public sealed class SharedCpuStressTests
{
    private const int Calls = 20_000;
    private const int Messages = 200_000;

    // A hang guard, not a speed bound: a passing run never waits for it.
    private static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(60);

    private static long s_replies;  // written by the caller's shard thread, read by the test thread
    private static long s_received; // written by the sink's shard thread, read by the test thread

    public readonly record struct Start(ulong Peer, int Count);

    public readonly record struct Ask(int Value);

    public readonly record struct Answer(int Value);

    public readonly record struct Item(int Sequence);

    /// <summary>Calls its peer Count times in a row; counts the replies that carry the right answer.</summary>
    public sealed class Caller : IIsolate
    {
        private Handle _peer;
        private int _left;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Start start))
            {
                _peer = new Handle(start.Peer);
                _left = start.Count;
                return ctx.Call(_peer, new Ask(_left), TimeSpan.FromSeconds(30));
            }

            if (message.Kind == MessageKind.Reply)
            {
                if (message.Status == CallStatus.Ok && message.Is(out Answer answer) && answer.Value == _left + 1)
                {
                    Interlocked.Increment(ref s_replies);
                }

                _left--;
                if (_left > 0)
                {
                    return ctx.Call(_peer, new Ask(_left), TimeSpan.FromSeconds(30));
                }
            }

            return Effect.Receive;
        }
    }

    /// <summary>Answers Ask(v) with Answer(v + 1).</summary>
    public sealed class Replier : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) =>
            message.Kind == MessageKind.Call && message.Is(out Ask ask) ? ctx.Reply(new Answer(ask.Value + 1)) : Effect.Receive;
    }

    /// <summary>Sends Count items to its peer, yielding when a send is refused (it waits for ring room).</summary>
    public sealed class Producer : IIsolate
    {
        private Handle _peer;
        private int _next;
        private int _count;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Start start))
            {
                _peer = new Handle(start.Peer);
                _count = start.Count;
            }

            while (_next < _count)
            {
                if (ctx.Send(_peer, new Item(_next)) != SendResult.Ok)
                {
                    return Effect.Yield;
                }

                _next++;
            }

            return Effect.Receive;
        }
    }

    /// <summary>Counts items that arrive in order.</summary>
    public sealed class Sink : IIsolate
    {
        private int _expected;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Item item) && item.Sequence == _expected)
            {
                _expected++;
                Interlocked.Increment(ref s_received);
            }

            return Effect.Receive;
        }
    }

    private static TinaSpec Spec(bool pinnedToOneCpu)
    {
        var spec = new TinaSpec
        {
            ShardCount = pinnedToOneCpu ? 2 : Environment.ProcessorCount + 1,
            IdlePollTicks = 100_000_000, // never park: the CPU changes hands only through the idle loop's yield
            MinimumLogLevel = TinaLogLevel.None,
            WatchdogInterval = TimeSpan.Zero,
            RingCapacity = 64,
        };
        if (pinnedToOneCpu && ThreadAffinity.IsSupported && ThreadAffinity.IsAllowedCpu(0))
        {
            spec.PinThreads = true;
            spec.CoreMap = [0, 0];
        }
        else
        {
            spec.PinThreads = false;
        }

        spec.AddIsolate<Caller>(slots: 1);
        spec.AddIsolate<Replier>(slots: 1);
        spec.AddIsolate<Producer>(slots: 1);
        spec.AddIsolate<Sink>(slots: 1, mailboxCapacity: 256);
        return spec;
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Shards_sharing_a_cpu_complete_a_call_stream_and_a_one_way_stream(bool pinnedToOneCpu)
    {
        Interlocked.Exchange(ref s_replies, 0);
        Interlocked.Exchange(ref s_received, 0);
        TinaSpec spec = Spec(pinnedToOneCpu);
        int[] cpus = TinaRuntime.ShardCpus(spec);
        Assert.That(TinaRuntime.SharesCpu(cpus, 0) && TinaRuntime.SharesCpu(cpus, 1), Is.True, "the rig shares a CPU");

        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Handle replier = runtime.Spawn<Replier>(1).Handle;
        Handle sink = runtime.Spawn<Sink>(0).Handle;
        runtime.Spawn<Caller, Start>(0, new Start(replier.Value, Calls));
        runtime.Spawn<Producer, Start>(1, new Start(sink.Value, Messages));
        runtime.Start();

        var clock = Stopwatch.StartNew();
        while ((Interlocked.Read(ref s_replies) < Calls || Interlocked.Read(ref s_received) < Messages) && clock.Elapsed < HangAfter)
        {
            Thread.Sleep(10);
        }

        TestContext.Out.WriteLine($"pinned to one CPU: {spec.PinThreads}; {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.That(Interlocked.Read(ref s_replies), Is.EqualTo(Calls), "every call answered once, with its own answer");
        Assert.That(Interlocked.Read(ref s_received), Is.EqualTo(Messages), "every item delivered, in order");
        Assert.That(runtime.Total(ShardCounter.CallsTimedOut), Is.Zero);
        Assert.That(runtime.Total(ShardCounter.Parks), Is.Zero, "the shards polled throughout");
    }
}
