using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

public sealed class CallReplyTests
{
    public readonly record struct CallOrder(Handle Target, int TimeoutMs, int Fill, int Value);

    public readonly record struct Ask(int Value);

    public readonly record struct Answer(long Value);

    public readonly record struct Filler;

    public readonly record struct Note(int Value);

    public readonly record struct Release(bool Fail);

    public readonly record struct Backend(Handle Target);

    public readonly record struct Event(MessageKind Kind, CallStatus Status, long Value);

    /// <summary>On a CallOrder (start or mail): sends Fill one-way messages to the target, then calls it.</summary>
    public sealed class Caller : IIsolate
    {
        public readonly List<Event> Events = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out CallOrder order))
            {
                for (int i = 0; i < order.Fill; i++)
                {
                    ctx.Send(order.Target, new Filler());
                }

                return ctx.Call(order.Target, new Ask(order.Value), TimeSpan.FromMilliseconds(order.TimeoutMs));
            }

            if (message.Kind == MessageKind.Reply)
            {
                Events.Add(new Event(MessageKind.Reply, message.Status, message.Is(out Answer answer) ? answer.Value : -1));
            }
            else if (message.Is(out Note note))
            {
                Events.Add(new Event(message.Kind, CallStatus.Ok, note.Value));
            }

            return Effect.Receive;
        }
    }

    /// <summary>Answers Ask(v) with Answer(10 v).</summary>
    public sealed class Replier : IIsolate
    {
        public int Fillers;
        public int Calls;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is<Filler>())
            {
                Fillers++;
            }

            if (message.Kind == MessageKind.Call && message.Is(out Ask ask))
            {
                Calls++;
                return ctx.Reply(new Answer(ask.Value * 10L));
            }

            return Effect.Receive;
        }
    }

    /// <summary>Defers every call; answers the oldest owed call on Release (Answer(7) or a failure).</summary>
    public sealed class Deferrer : IIsolate
    {
        public readonly List<bool> Deferrals = new();
        public readonly List<ReplyToken> Tokens = new();
        public readonly List<SendResult> Answers = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Call)
            {
                bool deferred = ctx.TryDeferReply(out ReplyToken token);
                Deferrals.Add(deferred);
                if (deferred)
                {
                    Tokens.Add(token);
                }

                return Effect.Receive;
            }

            if (message.Is(out Release release) && Tokens.Count > 0)
            {
                ReplyToken token = Tokens[0];
                Answers.Add(release.Fail ? ctx.FailReply(token) : ctx.Reply(token, new Answer(7)));
            }

            return Effect.Receive;
        }
    }

    /// <summary>Handles calls without answering them; exits on a Note.</summary>
    public sealed class Ignorer : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => message.Is<Note>() ? Effect.Done : Effect.Receive;
    }

    /// <summary>Fails every call explicitly.</summary>
    public sealed class Failer : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) =>
            message.Kind == MessageKind.Call ? ctx.FailReply() : Effect.Receive;
    }

    /// <summary>Defers the call and exits owing it.</summary>
    public sealed class Quitter : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Call)
            {
                Assert.That(ctx.TryDeferReply(out _), Is.True);
                return Effect.Done;
            }

            return Effect.Receive;
        }
    }

    /// <summary>Defers each call, calls its backend, and answers the deferred call with the backend's value + 1.</summary>
    public sealed class Proxy : IIsolate
    {
        private Handle _backend;
        private ReplyToken _owed;
        public SendResult Answered = (SendResult)255;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Backend backend))
            {
                _backend = backend.Target;
                return Effect.Receive;
            }

            if (message.Kind == MessageKind.Call && message.Is(out Ask ask))
            {
                if (!ctx.TryDeferReply(out _owed))
                {
                    return Effect.Receive;
                }

                return ctx.Call(_backend, ask, TimeSpan.FromSeconds(1));
            }

            if (message.Kind == MessageKind.Reply && message.Is(out Answer answer))
            {
                Answered = ctx.Reply(_owed, new Answer(answer.Value + 1));
            }

            return Effect.Receive;
        }
    }

    private static Deterministic Create(int shards, int calleeMailbox = 64, int maxOwedReplies = 8, int ringCapacity = 1024)
    {
        TinaSpec spec = Deterministic.Spec(shards);
        spec.RingCapacity = ringCapacity;
        spec.AddIsolate<Caller>(slots: 8);
        spec.AddIsolate<Replier>(slots: 8, mailboxCapacity: calleeMailbox);
        spec.AddIsolate<Deferrer>(slots: 8).MaxOwedReplies = maxOwedReplies;
        spec.AddIsolate<Ignorer>(slots: 8);
        spec.AddIsolate<Failer>(slots: 8);
        spec.AddIsolate<Quitter>(slots: 8);
        spec.AddIsolate<Proxy>(slots: 8);
        return new Deterministic(spec);
    }

    private static Event Reply(CallStatus status, long value = -1) => new(MessageKind.Reply, status, value);

    [TestCase(0)]
    [TestCase(1)]
    public void Call_Replier_ReturnsValueAndCancelsTimeout(int calleeShard)
    {
        using var sim = Create(shards: 2);
        Handle replier = sim.Spawn<Replier>(calleeShard);
        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(replier, 50, 0, 4));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.Ok, 40) }));
            Assert.That(sim.Total(ShardCounter.CallsStarted), Is.EqualTo(1));
            Assert.That(sim.Total(ShardCounter.CallsReplied), Is.EqualTo(1));
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero, "the reply cancelled the timeout timer");
        });

        // Well past the timeout: nothing more arrives.
        sim.Advance(TimeSpan.FromSeconds(1));
        sim.RunUntilIdle();
        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Events, Has.Count.EqualTo(1));
            Assert.That(sim.Total(ShardCounter.CallsTimedOut), Is.Zero);
        });
    }

    [TestCase(0)]
    [TestCase(1)]
    public void Call_CalleeDefersPastTimeout_CallerGetsTimeoutAndLateReplyIsDropped(int calleeShard)
    {
        using var sim = Create(shards: 2);
        Handle deferrer = sim.Spawn<Deferrer>(calleeShard);
        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(deferrer, 10, 0, 1));
        sim.RunUntilIdle();
        Assert.That(sim.Shard(0).Timers.ActiveCount, Is.EqualTo(1), "the caller's timeout is armed");

        sim.Advance(TimeSpan.FromMilliseconds(9));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Caller>(caller).Events, Is.Empty, "not before the timeout");

        sim.Advance(TimeSpan.FromMilliseconds(1));
        sim.RunUntilIdle();
        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.Timeout) }));
            Assert.That(sim.Counter(0, ShardCounter.CallsTimedOut), Is.EqualTo(1));
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero);
        });

        // The callee answers late: dropped on the caller's shard and counted, never delivered.
        sim.Runtime.Send(deferrer, new Release(Fail: false));
        sim.RunUntilIdle();
        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Deferrer>(deferrer).Answers, Has.Count.EqualTo(1));
            Assert.That(sim.Counter(0, ShardCounter.RepliesLateDropped), Is.EqualTo(1));
            Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.Timeout) }));
            Assert.That(sim.Total(ShardCounter.CallsReplied), Is.Zero);
        });
    }

    [TestCase(0)]
    [TestCase(1)]
    public void Call_AfterIdleGap_TimeoutCountsFromTheCall(int calleeShard)
    {
        using var sim = Create(shards: 2);
        Handle deferrer = sim.Spawn<Deferrer>(calleeShard);
        Handle caller = sim.Spawn<Caller>(0);
        sim.RunUntilIdle();

        // The runtime sits idle for a while, then the caller is asked to call with a 10 ms timeout.
        sim.Advance(TimeSpan.FromMilliseconds(500));
        sim.Runtime.Send(caller, new CallOrder(deferrer, 10, 0, 1));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Caller>(caller).Events, Is.Empty, "no time has passed since the call");

        sim.Advance(TimeSpan.FromMilliseconds(9));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Caller>(caller).Events, Is.Empty, "9 ms after a 10 ms call");

        sim.Advance(TimeSpan.FromMilliseconds(1));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.Timeout) }));
    }

    [TestCase(0)]
    [TestCase(1)]
    public void Call_ToExitedIsolate_FailsFastWithStaleHandle(int calleeShard)
    {
        using var sim = Create(shards: 2);
        Handle gone = sim.Spawn<Ignorer>(calleeShard);
        sim.Runtime.Send(gone, new Note(0));
        sim.RunUntilIdle();
        Assert.That(sim.IsAlive(gone), Is.False, "setup: the Ignorer exits on a Note");
        long failedFastBefore = sim.Total(ShardCounter.CallsFailedFast);

        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(gone, 1000, 0, 1));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.StaleHandle) }), "without any clock advance");
            Assert.That(sim.Total(ShardCounter.CallsFailedFast), Is.EqualTo(failedFastBefore + 1));
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero);
        });
    }

    [TestCase(0)]
    [TestCase(1)]
    public void Call_ToFullMailbox_FailsFastWithMailboxFull(int calleeShard)
    {
        using var sim = Create(shards: 2, calleeMailbox: 2);
        Handle replier = sim.Spawn<Replier>(calleeShard);
        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(replier, 1000, Fill: 2, Value: 1));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.MailboxFull) }), "without any clock advance");
            Assert.That(sim.Instance<Replier>(replier).Fillers, Is.EqualTo(2));
            Assert.That(sim.Instance<Replier>(replier).Calls, Is.Zero);
            Assert.That(sim.Total(ShardCounter.CallsTimedOut), Is.Zero);
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero);
        });
        if (calleeShard == 1)
        {
            Assert.That(sim.Counter(1, ShardCounter.InboundMailboxFull), Is.EqualTo(1));
        }
        else
        {
            Assert.That(sim.Counter(0, ShardCounter.SendMailboxFull), Is.EqualTo(1));
        }
    }

    [TestCase(0)]
    [TestCase(1)]
    public void Call_HandledWithoutAnswer_CallerGetsNoReplyAtOnce(int calleeShard)
    {
        using var sim = Create(shards: 2);
        Handle ignorer = sim.Spawn<Ignorer>(calleeShard);
        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(ignorer, 1000, 0, 1));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.NoReply) }));
            Assert.That(sim.Counter(0, ShardCounter.CallsNoReply), Is.EqualTo(1));
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero);
        });
    }

    [Test]
    public void Call_ThroughProxyThatDefersAndCallsOn_ReturnsBackendAnswer()
    {
        using var sim = Create(shards: 2);
        Handle backend = sim.Spawn<Replier>(0);
        Handle proxy = sim.Spawn<Proxy, Backend>(1, new Backend(backend));
        sim.RunUntilIdle();
        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(proxy, 1000, 0, 3));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.Ok, 31) }));
            Assert.That(sim.Instance<Proxy>(proxy).Answered, Is.EqualTo(SendResult.Ok));
            Assert.That(sim.Total(ShardCounter.CallsReplied), Is.EqualTo(2));
            Assert.That(sim.Shard(0).Timers.ActiveCount + sim.Shard(1).Timers.ActiveCount, Is.Zero);
        });
    }

    [TestCase(0)]
    [TestCase(1)]
    public void Call_CalleeExitsOwingDeferredReply_CallerGetsNoReply(int calleeShard)
    {
        using var sim = Create(shards: 2);
        Handle quitter = sim.Spawn<Quitter>(calleeShard);
        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(quitter, 1000, 0, 1));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.NoReply) }));
            Assert.That(sim.IsAlive(quitter), Is.False);
            Assert.That(sim.Counter(0, ShardCounter.CallsNoReply), Is.EqualTo(1));
            Assert.That(sim.Total(ShardCounter.CallsTimedOut), Is.Zero);
        });
    }

    [TestCase(0)]
    [TestCase(1)]
    public void FailReply_InHandler_CallerGetsFailed(int calleeShard)
    {
        using var sim = Create(shards: 2);
        Handle failer = sim.Spawn<Failer>(calleeShard);
        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(failer, 1000, 0, 1));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.Failed) }));
            Assert.That(sim.Counter(0, ShardCounter.CallsFailedByCallee), Is.EqualTo(1));
        });
    }

    [TestCase(0, false)]
    [TestCase(1, false)]
    [TestCase(0, true)]
    [TestCase(1, true)]
    public void ReplyToken_AnsweredLater_CallerGetsAnswerOnceAndSecondAnswerIsRefused(int calleeShard, bool fail)
    {
        using var sim = Create(shards: 2);
        Handle deferrer = sim.Spawn<Deferrer>(calleeShard);
        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(deferrer, 1000, 0, 1));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Caller>(caller).Events, Is.Empty, "still waiting");

        sim.Runtime.Send(deferrer, new Release(fail));
        sim.RunUntilIdle();
        sim.Runtime.Send(deferrer, new Release(fail));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(
                sim.Instance<Caller>(caller).Events,
                Is.EqualTo(new[] { fail ? Reply(CallStatus.Failed) : Reply(CallStatus.Ok, 7) }));
            Assert.That(sim.Instance<Deferrer>(deferrer).Answers, Is.EqualTo(new[] { SendResult.Ok, SendResult.StaleHandle }));
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero);
        });
    }

    [Test]
    public void TryDeferReply_BeyondMaxOwedReplies_ReturnsFalseAndCallerGetsNoReply()
    {
        using var sim = Create(shards: 1, maxOwedReplies: 1);
        Handle deferrer = sim.Spawn<Deferrer>(0);
        Handle first = sim.Spawn<Caller, CallOrder>(0, new CallOrder(deferrer, 1000, 0, 1));
        sim.RunUntilIdle();
        Handle second = sim.Spawn<Caller, CallOrder>(0, new CallOrder(deferrer, 1000, 0, 2));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Deferrer>(deferrer).Deferrals, Is.EqualTo(new[] { true, false }));
            Assert.That(sim.Counter(0, ShardCounter.OwedRepliesFull), Is.EqualTo(1));
            Assert.That(sim.Instance<Caller>(second).Events, Is.EqualTo(new[] { Reply(CallStatus.NoReply) }));
            Assert.That(sim.Instance<Caller>(first).Events, Is.Empty);
        });

        sim.Runtime.Send(deferrer, new Release(Fail: false));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Caller>(first).Events, Is.EqualTo(new[] { Reply(CallStatus.Ok, 7) }));
    }

    [TestCase(0)]
    [TestCase(1)]
    public void Call_MailArrivesWhileWaiting_ReplyIsHandledBeforeQueuedMail(int calleeShard)
    {
        using var sim = Create(shards: 2);
        Handle deferrer = sim.Spawn<Deferrer>(calleeShard);
        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(deferrer, 1000, 0, 1));
        sim.RunUntilIdle();

        sim.Runtime.Send(caller, new Note(1));
        sim.Runtime.Send(caller, new Note(2));
        sim.RunUntilIdle();
        Assert.That(sim.Instance<Caller>(caller).Events, Is.Empty, "mail waits while the call is outstanding");

        sim.Runtime.Send(deferrer, new Release(Fail: false));
        sim.RunUntilIdle();

        Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[]
        {
            Reply(CallStatus.Ok, 7),
            new Event(MessageKind.User, CallStatus.Ok, 1),
            new Event(MessageKind.User, CallStatus.Ok, 2),
        }));
    }

    [Test]
    public void Call_ToAStoppedShard_FailsFastWithShardUnavailable()
    {
        using var sim = Create(shards: 2);
        Handle replier = sim.Spawn<Replier>(1);
        sim.Shard(1).Status = Scheduling.ShardStatus.Stopped;
        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(replier, 1000, 0, 1));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.ShardUnavailable) }));
            Assert.That(sim.Counter(0, ShardCounter.CallsFailedFast), Is.EqualTo(1));
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero, "the timeout timer was cancelled with the call");
        });
    }

    [Test]
    public void Call_WhenTheRingToTheCalleeIsFull_FailsFastWithRingFull()
    {
        using var sim = Create(shards: 2, ringCapacity: 16);
        Handle replier = sim.Spawn<Replier>(1);
        Handle caller = sim.Spawn<Caller, CallOrder>(0, new CallOrder(replier, 1000, Fill: 16, Value: 1));

        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Caller>(caller).Events, Is.EqualTo(new[] { Reply(CallStatus.RingFull) }));
            Assert.That(sim.Instance<Replier>(replier).Fillers, Is.EqualTo(16));
            Assert.That(sim.Instance<Replier>(replier).Calls, Is.Zero);
            Assert.That(sim.Shard(0).Timers.ActiveCount, Is.Zero);
        });
    }
}
