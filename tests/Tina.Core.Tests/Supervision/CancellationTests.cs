using System;
using System.Collections.Generic;
using NUnit.Framework;

namespace Tina.Tests.Supervision;

/// <summary>The cancellation protocol: notice first, bounded drain, outcome Cancelled, deepest-first cascade.</summary>
public sealed class CancellationTests
{
    public readonly record struct SpawnKid(bool Stubborn);

    public readonly record struct CancelKid(int Reason);

    public readonly record struct Tick;

    public sealed class Parent : IIsolate
    {
        public static Handle Kid;
        public static SendResult LastCancel;
        public static readonly List<Down> Downs = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out SpawnKid spawn))
            {
                Kid = spawn.Stubborn ? ctx.Spawn<Stubborn>().Handle : ctx.Spawn<Polite>().Handle;
                ctx.Watch(Kid);
            }
            else if (message.Is(out CancelKid cancel))
            {
                LastCancel = ctx.Cancel(Kid, cancel.Reason);
            }
            else if (message.Kind == MessageKind.Down && message.Is(out Down down))
            {
                Downs.Add(down);
            }

            return Effect.Receive;
        }
    }

    /// <summary>Finishes its queued work, then returns Done when cancelled.</summary>
    public sealed class Polite : IIsolate
    {
        public static int WorkAfterCancel;
        public static CancelReason Seen;
        private bool _cancelled;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Cancel)
            {
                _cancelled = true;
                Seen = message.As<CancelReason>();
                return Effect.Receive;
            }

            if (message.Is<Tick>() && _cancelled)
            {
                WorkAfterCancel++;
            }

            return _cancelled ? Effect.Done : Effect.Receive;
        }
    }

    /// <summary>Ignores cancellation and keeps itself busy.</summary>
    public sealed class Stubborn : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Yield;
    }

    [SetUp]
    public void Reset()
    {
        Parent.Downs.Clear();
        Polite.WorkAfterCancel = 0;
    }

    private static SupervisionHarness Build()
    {
        var spec = new TinaSpec { ShardCount = 1, CancelDrainBudget = TimeSpan.FromMilliseconds(50) };
        spec.AddIsolate<Parent>(slots: 2);
        spec.AddIsolate<Polite>(slots: 2);
        spec.AddIsolate<Stubborn>(slots: 2);
        return new SupervisionHarness(spec);
    }

    [Test]
    public void Cancel_PoliteChild_GetsNoticeFirst_FinishesItsMail_EndsCancelled()
    {
        using SupervisionHarness harness = Build();
        Handle parent = harness.Runtime.Spawn<Parent>(0).Handle;
        harness.Runtime.Send(parent, new SpawnKid(Stubborn: false));
        harness.Run(2);
        harness.Runtime.Send(Parent.Kid, new Tick());
        harness.Runtime.Send(Parent.Kid, new Tick());
        harness.Runtime.Send(parent, new CancelKid(42));
        harness.Run(1); // ticks and the cancel are delivered in this round; the cancel is handled last in it

        harness.Run(4);
        Assert.That(Parent.LastCancel, Is.EqualTo(SendResult.Ok));
        Assert.That(Polite.Seen.Code, Is.EqualTo(42));
        Assert.That(Parent.Downs, Has.Count.EqualTo(1));
        Assert.That(Parent.Downs[0].Outcome, Is.EqualTo(ExitOutcome.Cancelled));
        Assert.That(Parent.Downs[0].Reason, Is.EqualTo(42));
        Assert.That(harness.Count(ShardCounter.IsolatesForced), Is.Zero);
        Assert.That(harness.Count(ShardCounter.IsolatesCancelled), Is.EqualTo(1));
    }

    [Test]
    public void Cancel_StubbornChild_IsTornDownAtTheDrainDeadline()
    {
        using SupervisionHarness harness = Build();
        Handle parent = harness.Runtime.Spawn<Parent>(0).Handle;
        harness.Runtime.Send(parent, new SpawnKid(Stubborn: true));
        harness.Run(2);
        harness.Runtime.Send(Parent.Kid, new Tick()); // start it yielding forever
        harness.Runtime.Send(parent, new CancelKid(9));
        harness.Run(10);
        Assert.That(harness.Runtime.IsAlive(Parent.Kid), Is.True, "still draining before its deadline");

        harness.Advance(TimeSpan.FromMilliseconds(60));
        Assert.That(harness.Runtime.IsAlive(Parent.Kid), Is.False);
        Assert.That(harness.Count(ShardCounter.IsolatesForced), Is.EqualTo(1));
        Assert.That(Parent.Downs, Has.Count.EqualTo(1));
        Assert.That(Parent.Downs[0].Outcome, Is.EqualTo(ExitOutcome.Cancelled));
    }

    [Test]
    public void Cancel_SomeoneElsesChild_IsRefused()
    {
        using SupervisionHarness harness = Build();
        Handle parent = harness.Runtime.Spawn<Parent>(0).Handle;
        Handle stranger = harness.Runtime.Spawn<Polite>(0).Handle;
        harness.Run(1);
        Parent.Kid = stranger;
        harness.Runtime.Send(parent, new CancelKid(1));
        harness.Run(3);
        Assert.That(Parent.LastCancel, Is.EqualTo(SendResult.StaleHandle));
        Assert.That(harness.Runtime.IsAlive(stranger), Is.True);
    }

    [Test]
    public void CancelGroup_CascadesDeepestFirst_AndNothingRestarts()
    {
        // root → [a, inner → [b, c], d]; cancel root: b and c (deepest) exit before a and d; inner completes before root.
        var inner = new SupervisorSpec("inner") { MaxRestarts = 10 };
        inner.AddChild<Polite>().AddChild<Polite>();
        var root = new SupervisorSpec("root") { MaxRestarts = 10 };
        root.AddChild<Polite>().AddGroup(inner).AddChild<Polite>();
        var spec = new TinaSpec { ShardCount = 1, Supervision = root };
        spec.AddIsolate<Polite>(slots: 8);
        spec.AddIsolate<Canceller>(slots: 1);
        using var harness = new SupervisionHarness(spec);
        harness.Run(2);
        Handle a = harness.Child("root", 0);
        Handle d = harness.Child("root", 2);
        Handle b = harness.Child("inner", 0);
        Handle c = harness.Child("inner", 1);

        Handle canceller = harness.Runtime.Spawn<Canceller>(0).Handle;
        harness.Runtime.Send(canceller, new Tick());
        harness.Run(8);

        List<Handle> order = harness.Recorder.Exits.ConvertAll(e => e.Isolate);
        Assert.That(order, Is.EquivalentTo(new[] { a, b, c, d }));
        Assert.That(order.IndexOf(b), Is.LessThan(order.IndexOf(a)));
        Assert.That(order.IndexOf(c), Is.LessThan(order.IndexOf(a)));
        Assert.That(order.IndexOf(b), Is.LessThan(order.IndexOf(d)));
        Assert.That(harness.Recorder.Exits, Has.All.Matches<(Handle, ExitOutcome Outcome)>(e => e.Outcome == ExitOutcome.Cancelled));
        Assert.That(harness.Recorder.GroupExits, Is.EqualTo(new[] { harness.Shard().GroupIndexOf("inner"), harness.Shard().GroupIndexOf("root") }),
            "the inner group finished before its parent");
        Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.Zero);
    }

    public sealed class Canceller : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is<Tick>())
            {
                Assert.That(ctx.CancelGroup("root", 3), Is.True);
                Assert.That(ctx.CancelGroup("nope", 3), Is.False);
            }

            return Effect.Receive;
        }
    }
}
