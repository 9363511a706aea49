using System;
using System.Threading;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests.Supervision;

/// <summary>From a leaf's crash to a shard rebuild to quarantine, with calls to the shard failing fast.</summary>
public sealed class EscalationTests
{
    public readonly record struct Ask;

    public readonly record struct Answer(int Value);

    public readonly record struct Target(ulong Handle);

    /// <summary>Calls the target it is started with and records the outcome.</summary>
    public sealed class Caller : IIsolate
    {
        public static CallStatus LastStatus = (CallStatus)255;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Target target))
            {
                return ctx.Call(new Handle(target.Handle), new Ask(), TimeSpan.FromSeconds(30));
            }

            if (message.Kind == MessageKind.Reply)
            {
                LastStatus = message.Status;
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void LeafCrashes_EscalateToRebuild_ThenQuarantine_AndPendingCallsFailFast()
    {
        // Shard 1: root (budget 0) → group "leaf" (budget 0) → Child; plus a Hoarder outside the tree owing calls.
        var leaf = new SupervisorSpec("leaf") { MaxRestarts = 0 };
        leaf.AddChild<Child>();
        var root = new SupervisorSpec("root") { MaxRestarts = 0 };
        root.AddGroup(leaf);
        var spec = new TinaSpec { ShardCount = 2, Supervision = root, ShardRebuildMax = 1, ShardRebuildWindow = TimeSpan.FromMinutes(1) };
        spec.AddIsolate<Child>(slots: 4);
        spec.AddIsolate<Hoarder>(slots: 4);
        spec.AddIsolate<Caller>(slots: 4);
        using var harness = new SupervisionHarness(spec);
        Handle holder = harness.Runtime.Spawn<Hoarder>(1).Handle;
        Handle caller = harness.Runtime.Spawn<Caller, Target>(0, new Target(holder.Value)).Handle;
        harness.Run(4);
        Assert.That(harness.Runtime.IsAlive(caller), Is.True);

        // First leaf crash: leaf (budget 0) escalates to root (budget 0), which escalates: shard 1 is rebuilt.
        // The rebuild tears down the Hoarder, so the call it owes fails at once with NoReply.
        Caller.LastStatus = (CallStatus)255;
        harness.Runtime.Send(harness.Child("leaf", 0, shard: 1), new ExitWith(2));
        harness.Run(4);
        Assert.That(harness.Count(ShardCounter.ShardRebuilds), Is.EqualTo(1));
        Assert.That(Caller.LastStatus, Is.EqualTo(CallStatus.NoReply), "the owed call failed at the rebuild, not at its 30 s timeout");
        Assert.That(harness.Runtime.GetHealth(1), Is.EqualTo(ShardHealth.Healthy));
        Assert.That(harness.Child("leaf", 0, shard: 1), Is.Not.EqualTo(Handle.None), "the tree was rebuilt from the spec");

        // A new holder owes a new call; the second rebuild within the window quarantines the shard.
        Handle holder2 = SpawnOnShard1AfterStart(harness);
        Caller.LastStatus = (CallStatus)255;
        harness.Runtime.Send(caller, new Target(holder2.Value));
        harness.Run(4);
        Assert.That(Caller.LastStatus, Is.EqualTo((CallStatus)255), "the call is pending");

        harness.Runtime.Send(harness.Child("leaf", 0, shard: 1), new ExitWith(1));
        harness.Run(4);
        Assert.That(harness.Count(ShardCounter.ShardQuarantines), Is.EqualTo(1));
        Assert.That(harness.Runtime.GetHealth(1), Is.EqualTo(ShardHealth.Quarantined));
        Assert.That(Caller.LastStatus, Is.EqualTo(CallStatus.ShardUnavailable), "the pending call failed fast with the quarantine");

        // New calls and sends to the quarantined shard fail at once.
        Caller.LastStatus = (CallStatus)255;
        harness.Runtime.Send(caller, new Target(holder2.Value));
        harness.Run(4);
        Assert.That(Caller.LastStatus, Is.EqualTo(CallStatus.ShardUnavailable));
        Assert.That(harness.Runtime.Send(holder2, new Ask()), Is.EqualTo(SendResult.ShardUnavailable));
        Assert.That(harness.Shard(1).LiveIsolates(), Is.Zero, "a quarantined shard runs nothing");
    }

    private static Handle SpawnOnShard1AfterStart(SupervisionHarness harness)
    {
        // Before Start, Spawn runs directly on the shard (the deterministic driver never starts threads).
        return harness.Runtime.Spawn<Hoarder>(1).Handle;
    }
}
