using System;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

/// <summary>
/// Stop, Shutdown and Dispose: arguments are checked before any state changes, deadlines saturate instead of
/// overflowing, and a call from one of the runtime's own shard threads (a handler) is refused at once.
/// Real threads; every wait is bounded.
/// </summary>
public sealed class RuntimeStopTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public readonly record struct StopNow(int Which);

    /// <summary>Exits on its shutdown notice.</summary>
    public sealed class Quiet : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) =>
            message.Kind == MessageKind.Shutdown ? Effect.Done : Effect.Receive;
    }

    /// <summary>Calls Stop / Shutdown / Dispose on its own runtime from its handler and records what happened.</summary>
    public sealed class SelfStopper : IIsolate
    {
        public static TinaRuntime? Runtime;
        public static Exception? Caught;
        public static bool Returned;
        public static readonly ManualResetEventSlim Done = new(false);

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Shutdown)
            {
                return Effect.Done;
            }

            if (message.Is(out StopNow stop))
            {
                try
                {
                    switch (stop.Which)
                    {
                        case 0:
                            Runtime!.Stop(TimeSpan.FromSeconds(3));
                            break;
                        case 1:
                            Runtime!.Shutdown(TimeSpan.FromSeconds(3));
                            break;
                        default:
                            Runtime!.Dispose();
                            break;
                    }

                    Returned = true;
                }
                catch (Exception e)
                {
                    Caught = e;
                }

                Done.Set();
            }

            return Effect.Receive;
        }
    }

    private static TinaRuntime Started(out Handle isolate)
    {
        var spec = new TinaSpec { ShardCount = 2, PinThreads = false, IdlePollTicks = 0, WatchdogInterval = TimeSpan.Zero };
        spec.AddIsolate<Quiet>(slots: 2);
        spec.AddIsolate<SelfStopper>(slots: 2);
        var runtime = TinaRuntime.Create(spec);
        isolate = runtime.Spawn<SelfStopper>(1).Handle;
        runtime.Spawn<Quiet>(0);
        runtime.Start();
        return runtime;
    }

    private static T Bounded<T>(Func<T> action)
    {
        Task<T> task = Task.Run(action);
        Assert.That(task.Wait(Bound), Is.True, "did not return within the test's bound");
        return task.Result;
    }

    [Test]
    public void Shutdown_TimeSpanMaxValue_DrainsAndJoinsWithoutThrowing()
    {
        using TinaRuntime runtime = Started(out _);
        ShutdownReport report = Bounded(() => runtime.Shutdown(TimeSpan.MaxValue));
        Assert.Multiple(() =>
        {
            Assert.That(report.ThreadsJoined, Is.True);
            Assert.That(report.IsolatesDrained, Is.EqualTo(2));
            Assert.That(report.IsolatesForced, Is.Zero);
        });
    }

    [Test]
    public void Shutdown_InfiniteTimeSpan_MeansNoDrainDeadline()
    {
        using TinaRuntime runtime = Started(out _);
        ShutdownReport report = Bounded(() => runtime.Shutdown(Timeout.InfiniteTimeSpan));
        Assert.That(report.ThreadsJoined, Is.True);
        Assert.That(report.IsolatesForced, Is.Zero);
    }

    [Test]
    public void Stop_TimeSpanMaxValue_JoinsWithoutThrowing()
    {
        using TinaRuntime runtime = Started(out _);
        Assert.That(Bounded(() => runtime.Stop(TimeSpan.MaxValue)), Is.True);
    }

    [Test]
    public void Stop_InfiniteTimeSpan_JoinsWithoutThrowing()
    {
        using TinaRuntime runtime = Started(out _);
        Assert.That(Bounded(() => runtime.Stop(Timeout.InfiniteTimeSpan)), Is.True);
    }

    [Test]
    public void StopAndShutdown_NegativeTimeout_ThrowBeforeAnyStateChange()
    {
        using TinaRuntime runtime = Started(out Handle isolate);
        Assert.Throws<ArgumentOutOfRangeException>(() => runtime.Stop(TimeSpan.FromSeconds(-5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => runtime.Shutdown(TimeSpan.FromSeconds(-5)));
        Assert.That(runtime.Send(isolate, new Ping(1)), Is.EqualTo(SendResult.Ok), "still running and accepting sends");
        Assert.That(runtime.GetHealth(0), Is.EqualTo(ShardHealth.Healthy));
        Assert.That(Bounded(() => runtime.Shutdown(TimeSpan.FromSeconds(10))).ThreadsJoined, Is.True);
    }

    [TestCase(0, TestName = "StopFromAHandler_IsRefusedAtOnce")]
    [TestCase(1, TestName = "ShutdownFromAHandler_IsRefusedAtOnce")]
    [TestCase(2, TestName = "DisposeFromAHandler_IsRefusedAtOnce")]
    public void FromAHandler_IsRefusedAtOnce(int which)
    {
        SelfStopper.Done.Reset();
        SelfStopper.Caught = null;
        SelfStopper.Returned = false;
        using TinaRuntime runtime = Started(out Handle isolate);
        SelfStopper.Runtime = runtime;
        Assert.That(runtime.Send(isolate, new StopNow(which)), Is.EqualTo(SendResult.Ok));
        Assert.That(SelfStopper.Done.Wait(Bound), Is.True, "the handler returned");

        Assert.Multiple(() =>
        {
            Assert.That(SelfStopper.Returned, Is.False, "the call did not go ahead");
            Assert.That(SelfStopper.Caught, Is.TypeOf<InvalidOperationException>());
            Assert.That(SelfStopper.Caught?.Message, Does.Contain("shard thread"));
            Assert.That(runtime.Send(isolate, new Ping(1)), Is.EqualTo(SendResult.Ok), "the runtime is untouched");
        });

        Assert.That(Bounded(() => runtime.Shutdown(TimeSpan.FromSeconds(10))).ThreadsJoined, Is.True);
        SelfStopper.Runtime = null;
    }

    [Test]
    public void StopFromAHandler_OnTheDeterministicDriver_IsRefusedToo()
    {
        SelfStopper.Caught = null;
        SelfStopper.Returned = false;
        TinaSpec spec = Deterministic.Spec(shards: 1);
        spec.AddIsolate<SelfStopper>(slots: 1);
        using var sim = new Deterministic(spec);
        SelfStopper.Runtime = sim.Runtime;
        Handle isolate = sim.Spawn<SelfStopper>(0);
        sim.Runtime.Send(isolate, new StopNow(0));
        sim.RunUntilIdle();
        Assert.That(SelfStopper.Caught, Is.TypeOf<InvalidOperationException>());
        Assert.That(sim.Runtime.Send(isolate, new Ping(1)), Is.EqualTo(SendResult.Ok), "not stopping");
        SelfStopper.Runtime = null;
    }
}
