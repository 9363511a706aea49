using System;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;
using Tina.Advanced;
using static Tina.Testing.Tests.IsolateTestKitTests;

namespace Tina.Testing.Tests;

/// <summary>The public hook under the kit: a never-started runtime stepped on the test's thread.</summary>
public sealed class DeterministicRuntimeTests
{
    [Test]
    public void Start_IsRefused()
    {
        var spec = new TinaSpec { ShardCount = 1 };
        spec.AddIsolate<Tally>();
        using var driver = new DeterministicRuntime(spec, new FakeTimeProvider());

        Assert.Throws<InvalidOperationException>(() => driver.Runtime.Start());
    }

    [Test]
    public void TimeUntilNextDeadline_FollowsTheFakeClock_AndTheTimerFiresAtIt()
    {
        var spec = new TinaSpec { ShardCount = 2, IdlePollTicks = 0 };
        spec.AddIsolate<Ticker>(slots: 1);
        var time = new FakeTimeProvider();
        using var driver = new DeterministicRuntime(spec, time);
        Handle ticker = driver.Runtime.Spawn<Ticker, Interval>(1, new Interval(30)).Handle;
        while (driver.RunRound() || driver.HasPendingWork)
        {
        }

        Assert.That(driver.TimeUntilNextDeadline, Is.EqualTo(TimeSpan.FromMilliseconds(30)));
        time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.That(driver.HasPendingWork, Is.True, "the timer is due");
        while (driver.RunRound() || driver.HasPendingWork)
        {
        }

        Assert.That(driver.InstanceOf<Ticker>(ticker).Published, Is.EqualTo(1));
        Assert.That(driver.TimeUntilNextDeadline, Is.EqualTo(TimeSpan.FromMilliseconds(30)), "re-armed from 30 ms");
    }
}
