using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

/// <summary>The mailbox high-water mark and busy time the meter reports.</summary>
public sealed class ShardGaugeTests
{
    public readonly record struct Note;

    public sealed class Sink : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    [Test]
    public void MailboxHighWater_IsTheDeepestMailbox_NotASum()
    {
        TinaSpec spec = Deterministic.Spec();
        spec.AddIsolate<Sink>(slots: 2, mailboxCapacity: 16);
        using var rig = new Deterministic(spec);
        Handle a = rig.Spawn<Sink>(0);
        Handle b = rig.Spawn<Sink>(0);
        rig.RunRounds(2);
        for (int i = 0; i < 5; i++)
        {
            rig.Runtime.Send(a, new Note());
        }

        for (int i = 0; i < 3; i++)
        {
            rig.Runtime.Send(b, new Note());
        }

        rig.RunRounds(4);
        Assert.That(rig.Counter(0, ShardCounter.MailboxHighWater), Is.EqualTo(5));
        rig.Runtime.Send(b, new Note());
        rig.RunRounds(4);
        Assert.That(rig.Counter(0, ShardCounter.MailboxHighWater), Is.EqualTo(5), "a shallower mailbox later does not lower it");
    }

    [Test]
    public void BusyTime_GrowsOnlyWithTicksThatDidWork()
    {
        TinaSpec spec = Deterministic.Spec();
        spec.AddIsolate<Sink>(slots: 1);
        using var rig = new Deterministic(spec);
        Handle sink = rig.Spawn<Sink>(0);
        rig.RunRounds(4);
        long ticksBefore = rig.Counter(0, ShardCounter.WorkingTicks);
        long busyBefore = rig.Counter(0, ShardCounter.BusyNanoseconds);
        rig.Runtime.Send(sink, new Note());
        rig.RunRound();
        rig.Clock.AdvanceNanoseconds(1_000_000);
        rig.RunRound();
        Assert.That(rig.Counter(0, ShardCounter.WorkingTicks), Is.EqualTo(ticksBefore + 1));
        Assert.That(rig.Counter(0, ShardCounter.BusyNanoseconds) - busyBefore, Is.EqualTo(1_000_000));
        rig.Clock.AdvanceNanoseconds(5_000_000);
        rig.RunRound();
        Assert.That(rig.Counter(0, ShardCounter.BusyNanoseconds) - busyBefore, Is.EqualTo(1_000_000), "an idle tick adds nothing");
    }
}
