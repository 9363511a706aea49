using System;
using System.Threading;
using NUnit.Framework;

namespace Tina.Tests.Supervision;

/// <summary>The watchdog marks a shard stuck in a handler as stalled, and never an idle one.</summary>
public sealed class WatchdogTests
{
    public readonly record struct Spin;

    public static class Gate
    {
        public static int Release;
        public static int Spinning;
    }

    public sealed class Stuck : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is<Spin>())
            {
                Volatile.Write(ref Gate.Spinning, 1);
                while (Volatile.Read(ref Gate.Release) == 0)
                {
                    Thread.SpinWait(100);
                }
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void HandlerStuckInALoop_ShardMarkedStalled_ThenHealthyAgainWhenItReturns()
    {
        Gate.Release = 0;
        Gate.Spinning = 0;
        var spec = new TinaSpec
        {
            ShardCount = 2,
            PinThreads = false,
            IdlePollTicks = 0,
            WatchdogInterval = TimeSpan.FromMilliseconds(20),
            StallTimeout = TimeSpan.FromMilliseconds(200),
            MinimumLogLevel = TinaLogLevel.None,
        };
        spec.AddIsolate<Stuck>(slots: 1);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Handle stuck = runtime.Spawn<Stuck>(1).Handle;
        runtime.Start();
        runtime.Send(stuck, new Spin());
        try
        {
            Assert.That(SpinWait.SpinUntil(() => runtime.GetHealth(1) == ShardHealth.Stalled, TimeSpan.FromSeconds(30)), Is.True);
            Assert.That(runtime.GetHealth(0), Is.EqualTo(ShardHealth.Healthy), "the other shard is unaffected");
            Assert.That(runtime.StallCount(1), Is.EqualTo(1));
        }
        finally
        {
            Volatile.Write(ref Gate.Release, 1);
        }

        Assert.That(SpinWait.SpinUntil(() => runtime.GetHealth(1) == ShardHealth.Healthy, TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(runtime.StallCount(1), Is.EqualTo(1), "one stall, counted once");
    }

    [Test]
    public void IdleShardWithACoarseTimer_IsNeverStalled()
    {
        // A heartbeat on the quantised timer tick would make a resolution at or above the check interval look
        // like a stall. Tina's heartbeat is the loop counter, and a parked shard is idle, not stalled.
        var spec = new TinaSpec
        {
            ShardCount = 1,
            PinThreads = false,
            IdlePollTicks = 0,
            TimerResolution = TimeSpan.FromSeconds(1),
            WatchdogInterval = TimeSpan.FromMilliseconds(20),
            StallTimeout = TimeSpan.FromMilliseconds(60),
        };
        spec.AddIsolate<Stuck>(slots: 1);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        runtime.Spawn<Stuck>(0);
        runtime.Start();
        for (int i = 0; i < 30; i++)
        {
            Thread.Sleep(10);
            Assert.That(runtime.GetHealth(0), Is.EqualTo(ShardHealth.Healthy));
        }

        Assert.That(runtime.StallCount(0), Is.Zero);
    }
}
