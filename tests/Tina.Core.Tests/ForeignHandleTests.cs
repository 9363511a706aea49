using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

/// <summary>
/// A handle carries its runtime's tag: a handle issued by another live runtime is refused at every entry point and
/// never reaches the isolate that holds the same shard, type and slot here.
/// </summary>
public sealed class ForeignHandleTests
{
    public readonly record struct SendTo(Handle Target);

    public readonly record struct CallTo(Handle Target);

    public readonly record struct CancelIt(Handle Target);

    public readonly record struct WatchIt(Handle Target);

    /// <summary>Counts what it receives; acts on orders and records the results.</summary>
    public sealed class Actor : IIsolate
    {
        public int Pings;
        public int Calls;
        public readonly List<SendResult> Results = new();
        public readonly List<CallStatus> Outcomes = new();
        public readonly List<Down> Downs = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Reply)
            {
                Outcomes.Add(message.Status);
            }
            else if (message.Kind == MessageKind.Down && message.Is(out Down down))
            {
                Downs.Add(down);
            }
            else if (message.Kind == MessageKind.Call)
            {
                Calls++;
                return ctx.Reply(new Pong(0));
            }
            else if (message.Is<Ping>())
            {
                Pings++;
            }
            else if (message.Is(out SendTo send))
            {
                Results.Add(ctx.Send(send.Target, new Ping(1)));
            }
            else if (message.Is(out CallTo call))
            {
                return ctx.Call(call.Target, new Ping(2), TimeSpan.FromSeconds(1));
            }
            else if (message.Is(out CancelIt cancel))
            {
                Results.Add(ctx.Cancel(cancel.Target));
            }
            else if (message.Is(out WatchIt watch))
            {
                ctx.Watch(watch.Target);
            }

            return Effect.Receive;
        }
    }

    private static Deterministic Create()
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.AddIsolate<Actor>(slots: 4);
        return new Deterministic(spec);
    }

    [Test]
    public void TwoLiveRuntimes_HoldDifferentTags_SoTheSameSlotHasDifferentHandles()
    {
        using Deterministic a = Create();
        using Deterministic b = Create();
        Handle inA = a.Spawn<Actor>(0);
        Handle inB = b.Spawn<Actor>(0);

        Assert.That((inA.Shard, inA.Type, inA.Slot, inA.Generation), Is.EqualTo((inB.Shard, inB.Type, inB.Slot, inB.Generation)), "same address");
        Assert.That(inA, Is.Not.EqualTo(inB), "different runtimes");
    }

    [Test]
    public void ExternalSend_WithAnotherRuntimesHandle_IsForeignAndNotDelivered()
    {
        using Deterministic a = Create();
        using Deterministic b = Create();
        Handle inA = a.Spawn<Actor>(0);
        Handle inB = b.Spawn<Actor>(0);

        Assert.That(b.Runtime.Send(inA, new Ping(1)), Is.EqualTo(SendResult.ForeignHandle));
        b.RunUntilIdle();
        Assert.That(b.Instance<Actor>(inB).Pings, Is.Zero, "the isolate in that slot of b got nothing");
    }

    [TestCase(0, TestName = "CtxSend_ToAnotherRuntimesHandleOnTheSameShard_IsForeign")]
    [TestCase(1, TestName = "CtxSend_ToAnotherRuntimesHandleOnAnotherShard_IsForeign")]
    public void CtxSend_ToAnotherRuntimesHandle_IsForeignAndNotDelivered(int targetShard)
    {
        using Deterministic a = Create();
        using Deterministic b = Create();
        Handle inA = a.Spawn<Actor>(targetShard);
        Handle twin = b.Spawn<Actor>(targetShard); // the same shard, type and slot in b
        Handle sender = b.Spawn<Actor>(0);
        Assert.That((twin.Shard, twin.Slot, twin.Generation), Is.EqualTo((inA.Shard, inA.Slot, inA.Generation)), "setup: a twin address");

        b.Runtime.Send(sender, new SendTo(inA));
        b.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(b.Instance<Actor>(sender).Results, Is.EqualTo(new[] { SendResult.ForeignHandle }));
            Assert.That(b.Total(ShardCounter.SendForeignHandle), Is.EqualTo(1));
            Assert.That(b.Instance<Actor>(twin).Pings, Is.Zero, "the twin in b got nothing");
        });
    }

    [Test]
    public void Call_ToAnotherRuntimesHandle_FailsAtOnceWithStaleHandle()
    {
        using Deterministic a = Create();
        using Deterministic b = Create();
        Handle target = a.Spawn<Actor>(1);
        Handle twin = b.Spawn<Actor>(1);   // same shard, type and slot in b
        Handle caller = b.Spawn<Actor>(0);

        b.Runtime.Send(caller, new CallTo(target));
        b.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(b.Instance<Actor>(caller).Outcomes, Is.EqualTo(new[] { CallStatus.StaleHandle }));
            Assert.That(b.Instance<Actor>(twin).Calls, Is.Zero, "the twin in b never saw the call");
        });
    }

    [Test]
    public void Cancel_WithAnotherRuntimesHandle_IsForeign()
    {
        using Deterministic a = Create();
        using Deterministic b = Create();
        Handle target = a.Spawn<Actor>(0);
        Handle parent = b.Spawn<Actor>(0);

        b.Runtime.Send(parent, new CancelIt(target));
        b.RunUntilIdle();

        Assert.That(b.Instance<Actor>(parent).Results, Is.EqualTo(new[] { SendResult.ForeignHandle }));
    }

    [Test]
    public void Watch_OfAnotherRuntimesHandle_AnswersDownAtOnceLikeAStaleOne()
    {
        using Deterministic a = Create();
        using Deterministic b = Create();
        Handle target = a.Spawn<Actor>(0);
        Handle twin = b.Spawn<Actor>(0);
        Handle watcher = b.Spawn<Actor>(0);
        b.Runtime.Send(twin, new WatchIt(target)); // the twin (a's target's address in b) watching would self-watch
        b.Runtime.Send(watcher, new WatchIt(target));
        b.RunUntilIdle();
        b.Runtime.Send(twin, new CancelIt(Handle.None)); // a no-op order: the twin stays alive
        b.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(b.Instance<Actor>(watcher).Downs, Has.Count.EqualTo(1), "answered at once: nothing here has that handle");
            Assert.That(b.IsAlive(twin), Is.True);
        });
    }

    [Test]
    public void RuntimeTags_AtMostSixtyFourLiveRuntimes_TheNextIsRefusedClearly()
    {
        var live = new List<TinaRuntime>();
        try
        {
            InvalidOperationException? refused = null;
            for (int i = 0; i <= RuntimeTags.Capacity && refused is null; i++)
            {
                TinaSpec spec = Deterministic.Spec(shards: 1);
                spec.MessagePoolCapacity = 64;
                spec.BufferCount = 0;
                spec.AddIsolate<Actor>(slots: 1);
                try
                {
                    live.Add(TinaRuntime.Create(spec));
                }
                catch (InvalidOperationException e)
                {
                    refused = e;
                }
            }

            Assert.That(refused, Is.Not.Null, "the 65th live runtime is refused");
            Assert.That(refused!.Message, Does.Contain("runtime tags"));
            Assert.That(live.Count, Is.LessThanOrEqualTo(RuntimeTags.Capacity));

            var tags = new HashSet<int>();
            foreach (TinaRuntime runtime in live)
            {
                Assert.That(tags.Add(runtime.RuntimeTag), Is.True, "no two live runtimes share a tag");
            }

            live[^1].Dispose();
            live.RemoveAt(live.Count - 1);
            TinaSpec again = Deterministic.Spec(shards: 1);
            again.AddIsolate<Actor>(slots: 1);
            live.Add(TinaRuntime.Create(again)); // a disposed runtime's tag is free again
        }
        finally
        {
            foreach (TinaRuntime runtime in live)
            {
                runtime.Dispose();
            }
        }
    }
}
