using System;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using static Tina.Testing.Tests.IsolateTestKitTests;

namespace Tina.Testing.Tests;

/// <summary>The kit on a clock the test owns: Microsoft.Extensions.TimeProvider.Testing's FakeTimeProvider.</summary>
public sealed class FakeTimeProviderTests
{
    [Test]
    public void Timers_FireWhenTheFakeClockPassesTheirDeadline()
    {
        var time = new FakeTimeProvider();
        using var kit = IsolateTestKit<Ticker>.WithStart(new Interval(100), time: time);
        TestProbe probe = kit.CreateProbe();
        kit.Deliver(new Subscribe(probe.Handle.Value));

        time.Advance(TimeSpan.FromMilliseconds(99));
        kit.RunUntilIdle();
        probe.ExpectNoMessage();

        time.Advance(TimeSpan.FromMilliseconds(1));
        kit.RunUntilIdle();
        Assert.That(kit.Now, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        Assert.That(probe.Expect<Published>().AtTicks, Is.EqualTo(TimeSpan.FromMilliseconds(100).Ticks));

        // A jump past a deadline fires the timer once, on the next tick, at the new time (as on a running shard
        // that slept): the handler sees 350 ms and re-arms from there.
        time.Advance(TimeSpan.FromMilliseconds(250));
        kit.RunUntilIdle();
        Assert.That(probe.Expect<Published>().AtTicks, Is.EqualTo(TimeSpan.FromMilliseconds(350).Ticks));
        probe.ExpectNoMessage();
    }

    [Test]
    public void Advance_IsRefused_WhenTheTestOwnsTheClock()
    {
        using var kit = new IsolateTestKit<Tally>(new FakeTimeProvider());

        Assert.Throws<InvalidOperationException>(() => kit.Advance(TimeSpan.FromMilliseconds(1)));
    }
}
