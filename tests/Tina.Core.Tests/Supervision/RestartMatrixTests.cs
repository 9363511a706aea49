using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace Tina.Tests.Supervision;

/// <summary>Each strategy × restart type × exit outcome gives the expected restarts and survivors (OTP semantics).</summary>
public sealed class RestartMatrixTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (SupervisionStrategy strategy in Enum.GetValues<SupervisionStrategy>())
        {
            foreach (RestartType restart in Enum.GetValues<RestartType>())
            {
                foreach (ExitOutcome outcome in new[] { ExitOutcome.Ok, ExitOutcome.Error, ExitOutcome.Panicked })
                {
                    yield return new TestCaseData(strategy, restart, outcome)
                        .SetName($"Exit_{strategy}_{restart}_{outcome}");
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Exit_OfTheMiddleChild_RestartsExactlyTheExpectedSet(SupervisionStrategy strategy, RestartType restart, ExitOutcome outcome)
    {
        // Children: first (permanent), middle (the one under test), last (permanent).
        var root = new SupervisorSpec("root", strategy) { MaxRestarts = 10 };
        root.AddChild<Child>().AddChild<Child>(restart).AddChild<Child>();
        var spec = new TinaSpec { ShardCount = 1, Supervision = root };
        spec.AddIsolate<Child>(slots: 8);
        using var harness = new SupervisionHarness(spec);
        harness.Run(2);

        Handle first = harness.Child("root", 0);
        Handle middle = harness.Child("root", 1);
        Handle last = harness.Child("root", 2);
        Assert.That(new[] { first, middle, last }, Has.None.EqualTo(Handle.None), "all three started");

        int how = outcome switch { ExitOutcome.Ok => 0, ExitOutcome.Error => 1, _ => 2 };
        Assert.That(harness.Runtime.Send(middle, new ExitWith(how)), Is.EqualTo(SendResult.Ok));
        harness.Run(4);

        bool restarts = restart switch
        {
            RestartType.Permanent => true,
            RestartType.Transient => outcome != ExitOutcome.Ok,
            _ => false,
        };

        Handle middleAfter = harness.Child("root", 1);
        Handle firstAfter = harness.Child("root", 0);
        Handle lastAfter = harness.Child("root", 2);
        Assert.That(harness.Runtime.IsAlive(middle), Is.False, "the exited child's old handle is stale");

        if (!restarts)
        {
            Assert.That(middleAfter, Is.EqualTo(Handle.None), "not restarted");
            Assert.That(firstAfter, Is.EqualTo(first), "first survives");
            Assert.That(lastAfter, Is.EqualTo(last), "last survives");
            Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.Zero);
            return;
        }

        Assert.That(middleAfter, Is.Not.EqualTo(Handle.None), "restarted");
        Assert.That(middleAfter, Is.Not.EqualTo(middle), "with a new handle");
        Assert.That(harness.Runtime.IsAlive(middleAfter), Is.True);
        Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.EqualTo(1));
        switch (strategy)
        {
            case SupervisionStrategy.OneForOne:
                Assert.That(firstAfter, Is.EqualTo(first));
                Assert.That(lastAfter, Is.EqualTo(last));
                break;
            case SupervisionStrategy.OneForAll:
                Assert.That(firstAfter, Is.Not.EqualTo(first).And.Not.EqualTo(Handle.None));
                Assert.That(lastAfter, Is.Not.EqualTo(last).And.Not.EqualTo(Handle.None));
                Assert.That(harness.Runtime.IsAlive(first) || harness.Runtime.IsAlive(last), Is.False);
                break;
            case SupervisionStrategy.RestForOne:
                Assert.That(firstAfter, Is.EqualTo(first), "children started before it survive");
                Assert.That(lastAfter, Is.Not.EqualTo(last).And.Not.EqualTo(Handle.None), "children started after it restart");
                break;
        }
    }

    [Test]
    public void OneForAll_TearsDownInReverseOrder_AndSkipsTemporarySiblings()
    {
        var root = new SupervisorSpec("root", SupervisionStrategy.OneForAll) { MaxRestarts = 10 };
        root.AddChild<Child>().AddChild<Child>(RestartType.Temporary).AddChild<Child>().AddChild<Child>();
        var spec = new TinaSpec { ShardCount = 1, Supervision = root };
        spec.AddIsolate<Child>(slots: 8);
        using var harness = new SupervisionHarness(spec);
        harness.Run(2);
        Handle c0 = harness.Child("root", 0);
        Handle c1 = harness.Child("root", 1);
        Handle c2 = harness.Child("root", 2);
        Handle c3 = harness.Child("root", 3);

        harness.Runtime.Send(c0, new ExitWith(1));
        harness.Run(4);

        // c0 crashed first; then the others torn down from the last to the first.
        Assert.That(harness.Recorder.Exits.ConvertAll(e => e.Isolate), Is.EqualTo(new[] { c0, c3, c2, c1 }));
        Assert.That(harness.Child("root", 1), Is.EqualTo(Handle.None), "a temporary child is not restarted after a sibling's restart");
        Assert.That(harness.Child("root", 0), Is.Not.EqualTo(Handle.None));
        Assert.That(harness.Child("root", 2), Is.Not.EqualTo(Handle.None));
        Assert.That(harness.Child("root", 3), Is.Not.EqualTo(Handle.None));
    }
}
