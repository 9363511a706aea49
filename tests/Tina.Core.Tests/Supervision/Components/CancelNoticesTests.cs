using System;
using NUnit.Framework;
using Tina.Diagnostics;
using Tina.Supervision;

namespace Tina.Tests.Supervision.Components;

/// <summary><see cref="CancelNotices"/> through its own API.</summary>
public sealed class CancelNoticesTests
{
    private sealed class NoHost : IShutdownHost
    {
        public void NoticeAll(long budgetTicks)
        {
        }

        public int TerminateRemaining() => 0;

        public int LiveIsolates() => 0;
    }

    [Test]
    public void A_cancel_carries_its_reason_and_the_spec_drain_budget()
    {
        var notices = new CancelNotices(drainTicks: 30, resolutionNanoseconds: 1_000_000, new ShutdownSequence(new ShardCounters()));
        Handle self = Handle.Pack(0, 1, 2, 3);

        ref Message notice = ref notices.Build(self, reason: 42, shutdown: false);

        Assert.That(notice.Kind, Is.EqualTo(MessageKind.Cancel));
        Assert.That(notice.TargetHandle, Is.EqualTo(self));
        Assert.That(notice.As<CancelReason>(), Is.EqualTo(new CancelReason(42, TimeSpan.FromMilliseconds(30))));
        Assert.That(notices.BudgetTicks(shutdown: false), Is.EqualTo(30));
    }

    [Test]
    public void A_shutdown_notice_carries_the_budget_the_shutdown_was_given()
    {
        var shutdown = new ShutdownSequence(new ShardCounters());
        var notices = new CancelNotices(drainTicks: 30, resolutionNanoseconds: 1_000_000, shutdown);
        Assert.That(notices.BudgetTicks(shutdown: true), Is.Zero, "no shutdown yet");

        shutdown.Advance(1, budgetTicks: 250, new NoHost());
        ref Message notice = ref notices.Build(Handle.Pack(0, 0, 0, 1), reason: 0, shutdown: true);

        Assert.That(notice.Kind, Is.EqualTo(MessageKind.Shutdown));
        Assert.That(notice.As<CancelReason>().DrainBudget, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
        Assert.That(notices.BudgetTicks(shutdown: true), Is.EqualTo(250));
        Assert.That(notices.BudgetTicks(shutdown: false), Is.EqualTo(30), "a cancel keeps the spec's budget");
    }
}
