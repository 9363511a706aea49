using System;
using NUnit.Framework;
using Tina.Testing;

namespace Tina.Generators.Tests;

/// <summary>Generated isolates on a real (one-shard, deterministic) runtime: every kind reaches its handler.</summary>
public sealed class RuntimeDispatchTests
{
    private static IsolateTestKit<Recorder> Kit() =>
        new(spec => spec.AddIsolate<Echo>(slots: 4, mailboxCapacity: 16));

    [Test]
    public void CallGoesToTheCallHandlerAndIsAnswered()
    {
        using IsolateTestKit<Recorder> kit = Kit();
        Effect effect = kit.Call(new Ping(41), out Message reply);
        Assert.That(effect.Kind, Is.EqualTo(EffectKind.Reply));
        Assert.That(reply.Kind, Is.EqualTo(MessageKind.Reply));
        Assert.That(reply.Status, Is.EqualTo(CallStatus.Ok));
        Assert.That(reply.As<Pong>().Value, Is.EqualTo(42));
        Assert.That(kit.Instance.PingCalls, Is.EqualTo(1));
        Assert.That(kit.Instance.PingSends, Is.Zero);
    }

    [Test]
    public void OneWayOfTheSameTypeGoesToTheKindlessHandler()
    {
        using IsolateTestKit<Recorder> kit = Kit();
        Assert.That(kit.Deliver(new Ping(1)), Is.EqualTo(Effect.Receive));
        Assert.That(kit.Instance.PingSends, Is.EqualTo(1));
        Assert.That(kit.Instance.PingCalls, Is.Zero);
    }

    [Test]
    public void HandlerReadsPayloadAndHeader()
    {
        using IsolateTestKit<Recorder> kit = Kit();
        TestProbe probe = kit.CreateProbe();
        kit.Deliver(new Note(7), from: probe);
        Assert.That(kit.Instance.LastNote, Is.EqualTo(7));
        Assert.That(kit.Instance.LastNoteSource, Is.EqualTo(probe.Handle));
    }

    [Test]
    public void TimerGoesToTheTimerHandler()
    {
        using IsolateTestKit<Recorder> kit = Kit();
        kit.Deliver(new Arm(77));
        Assert.That(kit.Instance.LastTimerTag, Is.Zero);
        kit.Advance(TimeSpan.FromMilliseconds(20));
        Assert.That(kit.Instance.LastTimerTag, Is.EqualTo(77));
        Assert.That(kit.Instance.Others, Is.Zero);
    }

    [Test]
    public void DownGoesToTheDownHandler()
    {
        using IsolateTestKit<Recorder> kit = Kit();
        kit.Deliver(new WatchChild());
        Assert.That(kit.Instance.Downs, Is.EqualTo(1));
        Assert.That(kit.Instance.DownTarget, Is.EqualTo(kit.Instance.Watched));
        Assert.That(kit.Instance.Watched, Is.Not.EqualTo(Handle.None));
    }

    [Test]
    public void TypedReplyGoesToItsHandler()
    {
        using IsolateTestKit<Recorder> kit = Kit();
        kit.Deliver(new AskEcho(Unknown: false));
        Assert.That(kit.Instance.Replies, Is.EqualTo(1));
        Assert.That(kit.Instance.LastReply, Is.EqualTo(40));
        Assert.That(kit.Instance.FailedReplies, Is.Zero);
    }

    [Test]
    public void UnhandledCallIsAnsweredNoReplyAndTheFailureGoesToTheKindOnlyReplyHandler()
    {
        using IsolateTestKit<Recorder> kit = Kit();
        kit.Deliver(new AskEcho(Unknown: true));
        Assert.That(kit.Instance.FailedReplies, Is.EqualTo(1));
        Assert.That(kit.Instance.LastFailure, Is.EqualTo(CallStatus.NoReply));
        Assert.That(kit.Instance.Replies, Is.Zero);
    }

    [Test]
    public void UnknownTypeGoesToTheCatchAll()
    {
        using IsolateTestKit<Recorder> kit = Kit();
        kit.Deliver(new Stray(3));
        Assert.That(kit.Instance.Others, Is.EqualTo(1));
        Assert.That(kit.Instance.LastOtherTag, Is.EqualTo(MessageType<Stray>.Id));
    }

    [Test]
    public void ClassIsolateWithoutCatchAllDropsAnUnknownCallAndAnUnknownSend()
    {
        using var kit = new IsolateTestKit<Echo>();
        kit.Call(new Note(1), out Message failed);
        Assert.That(failed.Status, Is.EqualTo(CallStatus.NoReply));
        Assert.That(kit.Deliver(new Stray(1)), Is.EqualTo(Effect.Receive));
        kit.Call(new Ping(5), out Message answered);
        Assert.That(answered.As<Pong>().Value, Is.EqualTo(10));
        Assert.That(kit.Deliver(new Quit()), Is.EqualTo(Effect.Done));
        Assert.That(kit.IsAlive, Is.False);
    }
}
