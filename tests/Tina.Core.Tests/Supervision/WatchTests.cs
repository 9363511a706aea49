using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace Tina.Tests.Supervision;

/// <summary>Restarted isolates' handles go stale; Down is delivered once per watch, local and remote.</summary>
public sealed class WatchTests
{
    public readonly record struct WatchIt(ulong Target);

    public sealed class Watcher : IIsolate
    {
        public static readonly List<Down> Downs = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out WatchIt watch))
            {
                Assert.That(ctx.Watch(new Handle(watch.Target)), Is.True);
            }
            else if (message.Kind == MessageKind.Down && message.Is(out Down down))
            {
                Downs.Add(down);
            }

            return Effect.Receive;
        }
    }

    [SetUp]
    public void Reset() => Watcher.Downs.Clear();

    [TestCase(0)]
    [TestCase(1)]
    public void RestartedChild_OldHandleStale_DownOncePerWatch(int watcherShard)
    {
        var root = new SupervisorSpec("root") { MaxRestarts = 10 };
        root.AddChild<Child>();
        var spec = new TinaSpec { ShardCount = 2, Supervision = root };
        spec.AddIsolate<Child>(slots: 4);
        spec.AddIsolate<Watcher>(slots: 4);
        using var harness = new SupervisionHarness(spec);
        harness.Run(2);
        Handle child = harness.Child("root", 0);
        Handle watcher = harness.Runtime.Spawn<Watcher>(watcherShard).Handle;
        harness.Runtime.Send(watcher, new WatchIt(child.Value));
        harness.Runtime.Send(watcher, new WatchIt(child.Value)); // two watches → two Downs
        harness.Run(4);

        harness.Runtime.Send(child, new ExitWith(2));
        harness.Run(6);

        Handle restarted = harness.Child("root", 0);
        Assert.That(restarted, Is.Not.EqualTo(child));
        Assert.That(restarted.Slot, Is.EqualTo(child.Slot), "the slot is reused (LIFO)...");
        Assert.That(restarted.Generation, Is.EqualTo(child.Generation + 1), "...with the next generation");
        Assert.That(harness.Runtime.Send(child, new Bump()), Is.EqualTo(SendResult.Ok), "an outside post is accepted into the inbox");
        harness.Run(2);
        Assert.That(harness.Count(ShardCounter.InboundStaleHandle), Is.EqualTo(1), "and refused as stale at delivery");
        Assert.That(Watcher.Downs, Has.Count.EqualTo(2), "one Down per watch");
        Assert.That(Watcher.Downs, Has.All.EqualTo(new Down(child, ExitOutcome.Panicked, 0, WasStale: false)));

        // Crash the restarted one: the old watches are spent, so nothing more arrives.
        harness.Runtime.Send(restarted, new ExitWith(1));
        harness.Run(6);
        Assert.That(Watcher.Downs, Has.Count.EqualTo(2));
    }

    [TestCase(0)]
    [TestCase(1)]
    public void WatchOnAStaleHandle_DeliversDownAtOnce(int watcherShard)
    {
        var spec = new TinaSpec { ShardCount = 2 };
        spec.AddIsolate<Child>(slots: 4);
        spec.AddIsolate<Watcher>(slots: 4);
        using var harness = new SupervisionHarness(spec);
        Handle child = harness.Runtime.Spawn<Child>(0).Handle;
        Handle watcher = harness.Runtime.Spawn<Watcher>(watcherShard).Handle;
        harness.Runtime.Send(child, new ExitWith(0));
        harness.Run(3);

        harness.Runtime.Send(watcher, new WatchIt(child.Value));
        harness.Run(4);
        Assert.That(Watcher.Downs, Has.Count.EqualTo(1));
        Assert.That(Watcher.Downs[0].WasStale, Is.True);
        Assert.That(Watcher.Downs[0].Target, Is.EqualTo(child));
    }
}
