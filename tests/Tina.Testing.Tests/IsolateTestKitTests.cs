using System;
using NUnit.Framework;
using Tina.Testing;

namespace Tina.Testing.Tests;

public sealed class IsolateTestKitTests
{
    public readonly record struct Add(int Amount);

    public readonly record struct Get;

    public readonly record struct Total(long Value);

    public readonly record struct Subscribe(ulong Subscriber);

    public readonly record struct Publish(int Value);

    public readonly record struct Published(int Value, long AtTicks);

    public readonly record struct Boom;

    public readonly record struct Forward(ulong Target, int Value);

    public readonly record struct Interval(int Milliseconds);

    /// <summary>A class isolate with state, one-way mail and a call.</summary>
    public sealed class Tally : IIsolate
    {
        public long Sum { get; private set; }

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Add add))
            {
                Sum += add.Amount;
                return Effect.Receive;
            }

            if (message.Is<Get>())
            {
                return ctx.Reply(new Total(Sum));
            }

            if (message.Is<Boom>())
            {
                throw new InvalidOperationException("boom from the handler");
            }

            return Effect.Receive;
        }
    }

    /// <summary>A struct isolate: publishes to its subscriber, on demand and on a timer.</summary>
    public struct Ticker : IIsolate
    {
        public Handle Subscriber;
        public int Published;
        private int _intervalMilliseconds;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start && message.Is(out Interval interval))
            {
                _intervalMilliseconds = interval.Milliseconds;
                ctx.RegisterTimer(TimeSpan.FromMilliseconds(_intervalMilliseconds), 0);
                return Effect.Receive;
            }

            if (message.Is(out Subscribe subscribe))
            {
                Subscriber = new Handle(subscribe.Subscriber);
                return Effect.Receive;
            }

            if (message.Is(out Publish publish))
            {
                Published++;
                ctx.Send(Subscriber, new Published(publish.Value, ctx.Now.Ticks));
                return Effect.Receive;
            }

            if (message.Kind == MessageKind.Timer)
            {
                Published++;
                ctx.Send(Subscriber, new Published(-1, ctx.Now.Ticks));
                ctx.RegisterTimer(TimeSpan.FromMilliseconds(_intervalMilliseconds), 0);
            }

            return Effect.Receive;
        }
    }

    /// <summary>Answers a call 50 ms later (a deferred reply answered from a timer).</summary>
    public sealed class SlowAnswer : IIsolate
    {
        private ReplyToken _owed;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Call && ctx.TryDeferReply(out _owed))
            {
                ctx.RegisterTimer(TimeSpan.FromMilliseconds(50), 1);
                return Effect.Receive;
            }

            if (message.Kind == MessageKind.Timer)
            {
                ctx.Reply(_owed, new Total(ctx.Now.Ticks));
            }

            return Effect.Receive;
        }
    }

    /// <summary>Calls the target it is given and forwards the outcome's status to the message's source.</summary>
    public sealed class Relay : IIsolate
    {
        private Handle _reportTo;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Forward forward))
            {
                _reportTo = message.Source;
                return ctx.Call(new Handle(forward.Target), new Add(forward.Value), TimeSpan.FromMilliseconds(100));
            }

            if (message.Kind == MessageKind.Reply)
            {
                ctx.Send(_reportTo, new Total(message.Status == CallStatus.Ok ? message.As<Total>().Value : -(long)message.Status));
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void Deliver_ReturnsTheEffect_AndCallReturnsTheReply()
    {
        using var kit = new IsolateTestKit<Tally>();

        Assert.That(kit.Deliver(new Add(5)), Is.EqualTo(Effect.Receive));
        kit.Deliver(new Add(7));
        Effect effect = kit.Call(new Get(), out Message reply);

        Assert.That(effect.Kind, Is.EqualTo(EffectKind.Reply));
        Assert.That(reply.Kind, Is.EqualTo(MessageKind.Reply));
        Assert.That(reply.Status, Is.EqualTo(CallStatus.Ok));
        Assert.That(reply.As<Total>().Value, Is.EqualTo(12));
        Assert.That(kit.Instance.Sum, Is.EqualTo(12));
        Assert.That(kit.Invocations, Is.EqualTo(3));
    }

    [Test]
    public void Probe_CatchesWhatTheIsolateSends_InOrder()
    {
        using var kit = new IsolateTestKit<Ticker>();
        TestProbe probe = kit.CreateProbe();

        kit.Deliver(new Subscribe(probe.Handle.Value));
        kit.Deliver(new Publish(1));
        kit.Deliver(new Publish(2));

        Assert.That(probe.Count, Is.EqualTo(2));
        Assert.That(probe.Expect<Published>().Value, Is.EqualTo(1));
        Assert.That(probe.Take().As<Published>().Value, Is.EqualTo(2));
        probe.ExpectNoMessage();
        Assert.That(kit.Instance.Published, Is.EqualTo(2), "a struct isolate's live state");
        Assert.Throws<InvalidOperationException>(() => probe.Take());
    }

    [Test]
    public void Advance_FiresTimersAtTheirDeadlines_InOrder()
    {
        using var kit = IsolateTestKit<Ticker>.WithStart(new Interval(100));
        TestProbe probe = kit.CreateProbe();
        kit.Deliver(new Subscribe(probe.Handle.Value));

        kit.Advance(TimeSpan.FromMilliseconds(99));
        probe.ExpectNoMessage();
        kit.Advance(TimeSpan.FromMilliseconds(251));

        Assert.That(kit.Now, Is.EqualTo(TimeSpan.FromMilliseconds(350)));
        Assert.That(probe.Expect<Published>().AtTicks, Is.EqualTo(TimeSpan.FromMilliseconds(100).Ticks));
        Assert.That(probe.Expect<Published>().AtTicks, Is.EqualTo(TimeSpan.FromMilliseconds(200).Ticks));
        Assert.That(probe.Expect<Published>().AtTicks, Is.EqualTo(TimeSpan.FromMilliseconds(300).Ticks));
        probe.ExpectNoMessage();
    }

    [Test]
    public void DeferredReply_ArrivesWhenTheClockReachesIt()
    {
        using var kit = new IsolateTestKit<SlowAnswer>();

        Assert.That(kit.BeginCall(new Get()), Is.EqualTo(Effect.Receive));
        Assert.That(kit.TryTakeReply(out _), Is.False);
        kit.Advance(TimeSpan.FromMilliseconds(50));

        Assert.That(kit.TryTakeReply(out Message reply), Is.True);
        Assert.That(reply.Status, Is.EqualTo(CallStatus.Ok));
        Assert.That(reply.As<Total>().Value, Is.EqualTo(TimeSpan.FromMilliseconds(50).Ticks));
        Assert.Throws<InvalidOperationException>(() => kit.Call(new Get(), out _), "Call refuses a reply that is deferred");
    }

    [Test]
    public void CallTimeout_EndsTheKitsCall_WhenTheIsolateNeverAnswers()
    {
        using var kit = new IsolateTestKit<SlowAnswer>();

        kit.BeginCall(new Get(), timeout: TimeSpan.FromMilliseconds(10));
        kit.Advance(TimeSpan.FromMilliseconds(10));

        Assert.That(kit.TryTakeReply(out Message reply), Is.True);
        Assert.That(reply.Status, Is.EqualTo(CallStatus.Timeout));
    }

    [Test]
    public void ProbeReplyWith_AnswersTheIsolatesCalls_AndAProbeWithoutOneGivesNoReply()
    {
        using var kit = new IsolateTestKit<Relay>();
        TestProbe callee = kit.CreateProbe();
        TestProbe report = kit.CreateProbe();
        callee.ReplyWith(new Total(42));

        Assert.That(kit.Deliver(new Forward(callee.Handle.Value, 3), from: report).Kind, Is.EqualTo(EffectKind.Call));
        Assert.That(callee.Expect<Add>().Amount, Is.EqualTo(3), "the probe records the calls it answers");
        Assert.That(report.Expect<Total>().Value, Is.EqualTo(42));

        callee.StopReplying();
        kit.Deliver(new Forward(callee.Handle.Value, 4), from: report);
        Assert.That(report.Expect<Total>().Value, Is.EqualTo(-(long)CallStatus.NoReply));
    }

    [Test]
    public void HandlerException_EndsTheIsolate_AsACrash()
    {
        using var kit = new IsolateTestKit<Tally>();

        Assert.That(kit.Deliver(new Boom()), Is.EqualTo(Effect.Crash));
        Assert.That(kit.IsAlive, Is.False);
        Assert.That(kit.Exit, Is.EqualTo(ExitOutcome.Panicked));
        Assert.That(kit.Logs, Has.Some.Matches<LogRecord>(record => record.Message.Contains("boom", StringComparison.Ordinal)));
        Assert.That(kit.Post(new Add(1)), Is.EqualTo(SendResult.StaleHandle));
        Assert.Throws<InvalidOperationException>(() => _ = kit.Instance.Sum);
    }

    [Test]
    public void Post_BeyondTheMailboxCapacity_IsRefused()
    {
        using var kit = new IsolateTestKit<Tally>(spec => spec.Isolates[0].MailboxCapacity = 2);

        Assert.That(kit.Post(new Add(1)), Is.EqualTo(SendResult.Ok));
        Assert.That(kit.Post(new Add(2)), Is.EqualTo(SendResult.Ok));
        Assert.That(kit.Post(new Add(3)), Is.EqualTo(SendResult.MailboxFull));
        Assert.Throws<InvalidOperationException>(() => kit.Deliver(new Add(4)));
        kit.RunUntilIdle();
        Assert.That(kit.Instance.Sum, Is.EqualTo(3));
        Assert.That(kit.Counter(ShardCounter.SendMailboxFull), Is.EqualTo(2));
    }
}
