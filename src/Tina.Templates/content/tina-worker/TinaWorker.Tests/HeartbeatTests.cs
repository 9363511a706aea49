using System;
using NUnit.Framework;
using Tina;
using Tina.Testing;
using TinaWorker;

namespace TinaWorker.Tests;

/// <summary>
/// The isolate alone, on Tina.Testing's kit: one shard, a manual clock that only the test moves, every message handled
/// before the call returns. Deterministic: no threads, no waiting.
/// </summary>
public sealed class HeartbeatTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    [Test]
    public void Beats_OncePerInterval_FromItsStartMessage()
    {
        using var kit = IsolateTestKit<Heartbeat>.WithStart(new Begin(s_interval));

        kit.Advance(TimeSpan.FromMilliseconds(999));
        Assert.That(kit.Instance.Count, Is.Zero, "no beat before the first interval is over");

        kit.Advance(TimeSpan.FromMilliseconds(2_001));
        Assert.That(kit.Instance.Count, Is.EqualTo(3));
        Assert.That(kit.IsAlive, Is.True);
    }

    [Test]
    public void GetBeats_IsAnsweredWithTheCount()
    {
        using var kit = IsolateTestKit<Heartbeat>.WithStart(new Begin(s_interval));
        kit.Advance(TimeSpan.FromSeconds(2));

        Effect handled = kit.Call(new GetBeats(), out Message reply, TimeSpan.FromSeconds(1));

        Assert.That(handled, Is.Not.EqualTo(Effect.Crash));
        Assert.That(reply.Kind, Is.EqualTo(MessageKind.Reply));
        Assert.That(reply.As<Beats>().Count, Is.EqualTo(2));
    }
}
