using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

public sealed class ContainmentTests
{
    public readonly record struct Add(int Amount);

    public readonly record struct Get(bool Explode);

    public readonly record struct Total(long Value);

    public readonly record struct Arm(Handle Holder);

    public readonly record struct Boom;

    public readonly record struct Poke;

    public readonly record struct ReportAndStop;

    public readonly record struct CallOrder(Handle Target, bool Explode);

    public readonly record struct Outcome(CallStatus Status, long Value);

    /// <summary>Keeps a running total; throws on Boom, on the reply to its Arm call, or on Get(Explode: true).</summary>
    public sealed class Worker : IIsolate
    {
        public static long Reported = -1;
        public long Sum;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Add add))
            {
                Sum += add.Amount;
            }
            else if (message.Is(out Arm arm))
            {
                return ctx.Call(arm.Holder, new Poke(), TimeSpan.FromSeconds(10));
            }
            else if (message.Kind == MessageKind.Reply || message.Is<Boom>())
            {
                throw new InvalidOperationException("boom from a worker");
            }
            else if (message.Kind == MessageKind.Call && message.Is(out Get get))
            {
                if (get.Explode)
                {
                    throw new InvalidOperationException("boom while handling a call");
                }

                return ctx.Reply(new Total(Sum));
            }
            else if (message.Is<ReportAndStop>())
            {
                Volatile.Write(ref Reported, Sum);
                ctx.RequestStop();
            }

            return Effect.Receive;
        }
    }

    /// <summary>Calls Get on its target and records the outcome.</summary>
    public sealed class Caller : IIsolate
    {
        public readonly List<Outcome> Outcomes = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out CallOrder order))
            {
                return ctx.Call(order.Target, new Get(order.Explode), TimeSpan.FromSeconds(10));
            }

            if (message.Kind == MessageKind.Reply)
            {
                Outcomes.Add(new Outcome(message.Status, message.Is(out Total total) ? total.Value : -1));
            }

            return Effect.Receive;
        }
    }

    [SetUp]
    public void ResetStatics() => Volatile.Write(ref Worker.Reported, -1);

    private static Deterministic Create()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.AddIsolate<Worker>(slots: 4);
        spec.AddIsolate<Holder<Poke>>(slots: 4);
        spec.AddIsolate<Caller>(slots: 8);
        return new Deterministic(spec);
    }

    [Test]
    public void Throw_InHandler_TearsDownOnlyThatIsolateAndFailsItsQueuedCallsWithNoReply()
    {
        using var sim = Create();
        Handle holder = sim.Spawn<Holder<Poke>>(0);
        Handle doomed = sim.Spawn<Worker>(0);
        Handle sibling = sim.Spawn<Worker>(0);
        sim.Runtime.Send(sibling, new Add(5));
        sim.Runtime.Send(sibling, new Add(6));
        sim.Runtime.Send(doomed, new Add(100));
        sim.Runtime.Send(doomed, new Arm(holder)); // suspends the doomed worker on a call
        sim.RunUntilIdle();

        // While it waits, calls and mail queue up in its mailbox: one local caller, one on the other shard.
        Handle localCaller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(doomed, false));
        Handle remoteCaller = sim.Spawn<Caller, CallOrder>(1, new CallOrder(doomed, false));
        sim.Runtime.Send(doomed, new Add(1));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Caller>(localCaller).Outcomes, Is.Empty, "setup: the calls are queued");
        Assert.That(sim.Instance<Caller>(remoteCaller).Outcomes, Is.Empty, "setup: the calls are queued");

        sim.Runtime.Send(holder, new Poke()); // the reply arrives; the doomed worker throws handling it
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.IsAlive(doomed), Is.False);
            Assert.That(sim.Counter(0, ShardCounter.IsolatesPanicked), Is.EqualTo(1));
            Assert.That(sim.Instance<Caller>(localCaller).Outcomes, Is.EqualTo(new[] { new Outcome(CallStatus.NoReply, -1) }));
            Assert.That(sim.Instance<Caller>(remoteCaller).Outcomes, Is.EqualTo(new[] { new Outcome(CallStatus.NoReply, -1) }));
            Assert.That(sim.Total(ShardCounter.CallsNoReply), Is.EqualTo(2), "counted once per call, on each caller's shard");
            Assert.That(sim.Counter(0, ShardCounter.TeardownDrops), Is.EqualTo(3), "two calls and one Add were queued");
            Assert.That(sim.Total(ShardCounter.CallsTimedOut), Is.Zero, "nobody waited for a timeout");
            Assert.That(sim.Instance<Worker>(sibling).Sum, Is.EqualTo(11), "the sibling's state is intact");
            Assert.That(sim.Shard(0).Pool.FreeCount, Is.EqualTo(sim.Shard(0).Pool.Capacity), "its envelopes came back");
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero);
            Assert.That(
                sim.Log.Snapshot().Where(r => r.Level == TinaLogLevel.Error && r.Isolate == doomed).Select(r => r.Message),
                Is.EqualTo(new[] { "boom from a worker" }));
        });

        // The shard and the sibling keep working, and the freed slot takes a fresh isolate.
        sim.Runtime.Send(sibling, new Add(1));
        Handle asker = sim.Spawn<Caller, CallOrder>(1, new CallOrder(sibling, false));
        Handle replacement = sim.Spawn<Worker>(0);
        sim.Runtime.Send(replacement, new Add(2));
        sim.RunUntilIdle();
        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(asker).Outcomes, Is.EqualTo(new[] { new Outcome(CallStatus.Ok, 12) }));
            Assert.That(replacement.Slot, Is.EqualTo(doomed.Slot));
            Assert.That(sim.Instance<Worker>(replacement).Sum, Is.EqualTo(2), "no state leaked from the dead occupant");
        });
    }

    [TestCase(0)]
    [TestCase(1)]
    public void Throw_WhileHandlingACall_CallerGetsNoReplyAtOnce(int callerShard)
    {
        using var sim = Create();
        Handle worker = sim.Spawn<Worker>(0);
        Handle caller = sim.Spawn<Caller, CallOrder>(callerShard, new CallOrder(worker, Explode: true));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Outcomes, Is.EqualTo(new[] { new Outcome(CallStatus.NoReply, -1) }));
            Assert.That(sim.IsAlive(worker), Is.False);
            Assert.That(sim.Counter(0, ShardCounter.IsolatesPanicked), Is.EqualTo(1));
        });
    }

    [Test]
    public void Throw_OnAShardThread_LeavesTheThreadRunningItsOtherIsolates()
    {
        TinaSpec spec = Deterministic.Spec(shards: 1);
        spec.LogSink = new ListLogSink();
        spec.AddIsolate<Worker>(slots: 4);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Handle doomed = runtime.Spawn<Worker>(0).Handle;
        Handle sibling = runtime.Spawn<Worker>(0).Handle;
        runtime.Start();

        runtime.Send(sibling, new Add(40));
        runtime.Send(doomed, new Boom());
        runtime.Send(sibling, new Add(2));
        runtime.Send(sibling, new ReportAndStop());

        Assert.That(runtime.WaitForStopRequest(TimeSpan.FromSeconds(30)), Is.True, "the sibling ran after the throw");
        Assert.Multiple(() =>
        {
            Assert.That(Volatile.Read(ref Worker.Reported), Is.EqualTo(42));
            Assert.That(runtime.Total(ShardCounter.IsolatesPanicked), Is.EqualTo(1));
        });
        Assert.That(runtime.Stop(TimeSpan.FromSeconds(30)), Is.True);
    }
}
