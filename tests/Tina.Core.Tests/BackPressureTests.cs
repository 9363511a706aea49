using System;
using System.Diagnostics;
using System.Threading;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

/// <summary>
/// The one-way stream a new user writes first: a producer on shard 0 sends until refused, yields, and sends again;
/// a sink on shard 1 with a 1,024-message mailbox counts what arrives. Every Ok must arrive, in order, and the
/// producer must not spin on refusals.
/// </summary>
public sealed class BackPressureTests
{
    private const int Total = 100_000;

    public readonly record struct StreamOrder(Handle Sink, int Count);

    public readonly record struct Item(int Index);

    /// <summary>Sends Count items to Sink; on any refusal it yields and retries the same item on the next tick.</summary>
    public sealed class Producer : IIsolate
    {
        private Handle _sink;
        private int _count;
        public int Next;
        public long Refused;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out StreamOrder stream))
            {
                _sink = stream.Sink;
                _count = stream.Count;
            }

            while (Next < _count)
            {
                SendResult sent = ctx.Send(_sink, new Item(Next));
                if (sent != SendResult.Ok)
                {
                    Refused++;
                    return Effect.Yield;
                }

                Next++;
            }

            return Effect.Receive;
        }
    }

    /// <summary>Counts items and checks they arrive in order.</summary>
    public sealed class Sink : IIsolate
    {
        private int _received;
        public int OutOfOrder;

        public int Received => Volatile.Read(ref _received);

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Item item))
            {
                if (item.Index != _received)
                {
                    OutOfOrder++;
                }

                Volatile.Write(ref _received, _received + 1);
            }

            return Effect.Receive;
        }
    }

    private static TinaSpec Spec()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.AddIsolate<Producer>(slots: 4);
        spec.AddIsolate<Sink>(slots: 4, mailboxCapacity: 1024);
        return spec;
    }

    [Test]
    public void OneWayStream_IntoA1024Mailbox_DeliversEveryOkInOrderAndRefusesRarely()
    {
        using var sim = new Deterministic(Spec());
        Handle sink = sim.Spawn<Sink>(1);
        Handle producer = sim.Spawn<Producer, StreamOrder>(0, new StreamOrder(sink, Total));

        sim.RunUntilIdle();

        Producer p = sim.Instance<Producer>(producer);
        Sink s = sim.Instance<Sink>(sink);
        TestContext.Out.WriteLine($"delivered {s.Received}, refused {p.Refused} ({(double)p.Refused / s.Received:F4} per delivered), held drains {sim.Counter(1, ShardCounter.InboundHeld)}");
        Assert.Multiple(() =>
        {
            Assert.That(p.Next, Is.EqualTo(Total), "the producer finished");
            Assert.That(s.Received, Is.EqualTo(Total), "every Ok arrived");
            Assert.That(s.OutOfOrder, Is.Zero);
            Assert.That(sim.Counter(1, ShardCounter.InboundMailboxFull) + sim.Counter(1, ShardCounter.InboundPoolExhausted), Is.Zero);
            Assert.That((double)p.Refused / s.Received, Is.LessThanOrEqualTo(0.1), "refused sends per delivered message");
        });
    }

    private static T Instance<T>(TinaRuntime runtime, Handle handle)
        where T : IIsolate, new() =>
        ((Tina.Isolates.IsolateTable<T>)runtime.ShardAt(handle.Shard).TypeTable(handle.Type)).InstanceAt(handle.Slot);

    [Test]
    public void OneWayStream_OnRealThreads_DeliversEveryOk()
    {
        TinaSpec spec = Spec();
        spec.IdlePollTicks = 2000;
        using var runtime = TinaRuntime.Create(spec);
        Handle sink = runtime.Spawn<Sink>(shard: 1).Handle;
        Handle producer = runtime.Spawn<Producer, StreamOrder>(0, new StreamOrder(sink, Total)).Handle;
        Sink s = Instance<Sink>(runtime, sink);
        Producer p = Instance<Producer>(runtime, producer);
        runtime.Start();

        // A generous bound on a 2-core box shared with other work: this asserts completion, not speed.
        var watch = Stopwatch.StartNew();
        while (s.Received < Total && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            Thread.Sleep(5);
        }

        runtime.Shutdown(TimeSpan.FromSeconds(10));
        TestContext.Out.WriteLine($"delivered {s.Received}, refused {p.Refused}");
        Assert.Multiple(() =>
        {
            Assert.That(s.Received, Is.EqualTo(Total));
            Assert.That(s.OutOfOrder, Is.Zero);
            Assert.That(runtime.Total(ShardCounter.InboundMailboxFull) + runtime.Total(ShardCounter.InboundPoolExhausted), Is.Zero);
        });
    }
}
