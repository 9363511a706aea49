using System;
using System.Collections.Generic;
using System.IO;
using NUnit.Framework;
using Tina.Isolates;
using Tina.Simulation;
using Tina.Tests.Support;

namespace Tina.Tests.Simulation;

/// <summary>The simulator's own behaviour: the clock, the phases, the component hook, and checkers that bite.</summary>
public sealed class SimulatorTests
{
    public readonly record struct Sleep(long Milliseconds);

    public readonly record struct Hold;

    /// <summary>Registers one timer per <see cref="Sleep"/> and records when each fired.</summary>
    public sealed class Sleeper : IIsolate
    {
        public TimeSpan StartedAt { get; private set; }

        public List<(long Tag, TimeSpan At)> Fired { get; } = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start)
            {
                StartedAt = ctx.Now;
                foreach (long ms in new long[] { 7, 3, 5, 3_600_000 })
                {
                    ctx.RegisterTimer(TimeSpan.FromMilliseconds(ms), ms);
                }
            }
            else if (message.Kind == MessageKind.Timer)
            {
                Fired.Add((message.TimerTag, ctx.Now));
            }

            return Effect.Receive;
        }
    }

    /// <summary>Yields forever: never quiescent.</summary>
    public sealed class Spinner : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Yield;
    }

    /// <summary>Calls the hoarder once with a 50 ms timeout.</summary>
    public sealed class Asker : IIsolate
    {
        public CallStatus Outcome { get; private set; } = (CallStatus)255;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Start)
            {
                var hoarder = new Handle((ulong)message.As<long>());
                return ctx.Call(hoarder, new Hold(), TimeSpan.FromMilliseconds(50));
            }

            if (message.Kind == MessageKind.Reply)
            {
                Outcome = message.Status;
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void Clock_WhenIdle_JumpsToEachTimerDeadline_NeverPastOne()
    {
        var workload = new SleeperWorkload();
        SimulationResult result = new Simulator(workload, 0xA1, new SimulationOptions { FaultRounds = 0 }).Run();

        Assert.That(result.Passed, Is.True, result.FailureLine);
        Sleeper sleeper = workload.Instance!;
        Assert.That(sleeper.Fired, Has.Count.EqualTo(4));
        long[] order = [3, 5, 7, 3_600_000];
        for (int i = 0; i < order.Length; i++)
        {
            Assert.That(sleeper.Fired[i].Tag, Is.EqualTo(order[i]), "timers fire in deadline order");
            // A timer fires in the tick that reaches its deadline (the wheel advances at the end of the tick); its
            // message is handled in the next tick, one resolution step later. Never earlier, never later.
            TimeSpan late = sleeper.Fired[i].At - sleeper.StartedAt - TimeSpan.FromMilliseconds(order[i]);
            Assert.That(late, Is.EqualTo(TimeSpan.FromMilliseconds(1)), "handled one tick after the deadline tick");
        }

        Assert.That(result.Rounds, Is.LessThan(20), "an hour of idle time costs a handful of rounds, not 3.6 million");
    }

    [Test]
    public void Component_GetsItsOwnStream_AndTheClockStopsAtItsEvents()
    {
        var component = new TickingComponent(TimeSpan.FromSeconds(10), events: 3);
        var workload = new SleeperWorkload(component);
        SimulationResult result = new Simulator(workload, 0xA2, new SimulationOptions { FaultRounds = 0 }).Run();

        Assert.That(result.Passed, Is.True, result.FailureLine);
        Assert.That(component.Seen, Has.Count.EqualTo(3), "each component event got a round at exactly its time");
        Assert.That(component.Attached, Is.True);
        Xoshiro256StarStar expected = SeedTree.OpenComponent(0xA2, 0);
        Assert.That(component.FirstDraw, Is.EqualTo(expected.NextUInt64()), "component 0 draws from stream Component0");
    }

    [Test]
    public void FaultPhase_EndsAfterItsRounds_AndHealsEveryPartition()
    {
        var rates = new FaultRates(0, 0, 0, partitionPpm: 1_000_000, healPpm: 10_000, 0);
        var simulator = new Simulator(new SpinnerWorkload(), 0xA3, new SimulationOptions { FaultRounds = 50, LivenessRounds = 10, Rates = rates });
        SimulationResult result = simulator.Run();

        Assert.That(simulator.FaultsOn, Is.False);
        Assert.That(simulator.Faults.Hits(FaultClass.PartitionStarted), Is.Positive);
        Assert.That(simulator.Faults.PartitionCount, Is.Zero, "the end of the fault phase heals every pair");
        Assert.That(result.Checker, Is.EqualTo("Liveness"), "a spinner never becomes quiescent");
        Assert.That(result.Detail, Does.Contain("no convergence within 10 rounds"));
        Assert.That(result.Rounds, Is.EqualTo(60));
    }

    [Test]
    public void Liveness_QuiescentWithWorkIncomplete_Fails()
    {
        SimulationResult result = new Simulator(new SleeperWorkload(neverComplete: true), 0xA4).Run();
        Assert.That(result.Checker, Is.EqualTo("Liveness"));
        Assert.That(result.Detail, Does.Contain("work incomplete"));
    }

    [Test]
    public void CallChecker_Bites_WhenACallOutlivesItsDeclaredBound()
    {
        // The workload declares 1 ms as its longest timeout but calls with 50 ms: the call stays open too long.
        SimulationResult result = new Simulator(new HoarderWorkload(declaredTimeout: TimeSpan.FromMilliseconds(1)), 0xA5).Run();
        Assert.That(result.Checker, Is.EqualTo("CallAccounting"), result.ToString());
        Assert.That(result.Detail, Does.Contain("after").And.Contain("bound"));

        var honest = new HoarderWorkload(declaredTimeout: TimeSpan.FromMilliseconds(50));
        SimulationResult passed = new Simulator(honest, 0xA5).Run();
        Assert.That(passed.Passed, Is.True, passed.FailureLine);
        Assert.That(honest.Outcome, Is.EqualTo(CallStatus.Timeout));
    }

    [Test]
    public void PoolChecker_Bites_WhenAnEnvelopeLeaks()
    {
        var leak = new TamperingComponent(runtime => runtime.ShardAt(0).Pool.TryRentUser());
        string directory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "simulator-tests");
        var options = new SimulationOptions { FaultRounds = 0, FailureTraceDirectory = directory };
        SimulationResult result = new Simulator(new SpinnerWorkload(leak), 0xA6, options).Run();

        Assert.That(result.Checker, Is.EqualTo("PoolIntegrity"), result.ToString());
        Assert.That(result.Rounds, Is.EqualTo(16), "found at the first check after the leak");
        Assert.That(File.Exists(Path.Combine(directory, $"tina-sim-spinner-{result.SeedText}.trace")), Is.True, "failing runs dump their trace");
    }

    [Test]
    public void GenerationChecker_Bites_WhenAGenerationGoesBack()
    {
        var rewind = new TamperingComponent(runtime => runtime.ShardAt(0).TypeTable(0).Meta[1].Generation = 1, fromRound: 20);
        SimulationResult result = new Simulator(new SpinnerWorkload(rewind, bumpSlotOne: true), 0xA7, new SimulationOptions { FaultRounds = 0 }).Run();
        Assert.That(result.Checker, Is.EqualTo("Generations"), result.ToString());
    }

    [Test]
    public void TraceFile_OnRequest_HoldsTheLastEvents()
    {
        string file = Path.Combine(TestContext.CurrentContext.WorkDirectory, "sleeper.trace");
        var options = new SimulationOptions { FaultRounds = 0, TraceFile = file, TraceCapacity = 8 };
        SimulationResult result = new Simulator(new SleeperWorkload(), 0xA8, options).Run();

        string[] lines = File.ReadAllLines(file);
        Assert.That(lines[0], Does.StartWith("# TINA-SIM ok"));
        Assert.That(lines[1], Does.Contain("8 of"));
        Assert.That(lines, Has.Length.EqualTo(10));
        Assert.That(result.Passed, Is.True);
    }

    /// <summary>Shared plumbing of the small workloads below.</summary>
    private abstract class SmallWorkload : ISimulationWorkload
    {
        private readonly ISimulationComponent? _component;

        protected SmallWorkload(ISimulationComponent? component) => _component = component;

        public abstract string Name { get; }

        public virtual TimeSpan CallTimeoutMax => TimeSpan.FromMilliseconds(1);

        public virtual void Configure(TinaSpec spec, ref Xoshiro256StarStar random)
        {
            spec.ShardCount = 2;
            spec.MessagePoolCapacity = 64;
            spec.RingCapacity = 16;
            spec.TimerSpokeCount = 16;
            spec.TimerCapacity = 16;
            spec.BufferCount = 0;
        }

        public FaultTargets CreateFaultTargets(TinaSpec spec) => new(spec.Isolates.Count);

        public IReadOnlyList<ISimulationComponent> CreateComponents() =>
            _component is null ? Array.Empty<ISimulationComponent>() : [_component];

        public abstract void Boot(TinaRuntime runtime, ref Xoshiro256StarStar random);

        public virtual bool IsComplete(TinaRuntime runtime) => true;

        public bool Check(TinaRuntime runtime, bool final, out string? violation)
        {
            violation = null;
            return true;
        }
    }

    private sealed class SleeperWorkload : SmallWorkload
    {
        private readonly bool _neverComplete;
        private Handle _sleeper;
        private TinaRuntime? _runtime;

        public SleeperWorkload(ISimulationComponent? component = null, bool neverComplete = false)
            : base(component) => _neverComplete = neverComplete;

        public override string Name => "sleeper";

        public Sleeper? Instance => ((IsolateTable<Sleeper>)_runtime!.ShardAt(1).TypeTable(0)).InstanceAt(_sleeper.Slot);

        public override void Configure(TinaSpec spec, ref Xoshiro256StarStar random)
        {
            base.Configure(spec, ref random);
            spec.AddIsolate<Sleeper>(slots: 1);
        }

        public override void Boot(TinaRuntime runtime, ref Xoshiro256StarStar random)
        {
            _runtime = runtime;
            _sleeper = runtime.Spawn<Sleeper, Sleep>(1, new Sleep(0)).Handle;
        }

        public override bool IsComplete(TinaRuntime runtime) => !_neverComplete;
    }

    private sealed class SpinnerWorkload : SmallWorkload
    {
        private readonly bool _bumpSlotOne;

        public SpinnerWorkload(ISimulationComponent? component = null, bool bumpSlotOne = false)
            : base(component) => _bumpSlotOne = bumpSlotOne;

        public override string Name => "spinner";

        public override void Configure(TinaSpec spec, ref Xoshiro256StarStar random)
        {
            base.Configure(spec, ref random);
            spec.AddIsolate<Spinner>(slots: 2);
            spec.AddIsolate<Sleeper>(slots: 2);
        }

        public override void Boot(TinaRuntime runtime, ref Xoshiro256StarStar random)
        {
            runtime.Spawn<Spinner, Hold>(0, new Hold());
            if (_bumpSlotOne)
            {
                // Slot 1 of the spinner type: spawned and exited once, so its generation is 2.
                Handle second = runtime.Spawn<Spinner>(0).Handle;
                runtime.ShardAt(0).TypeTable(0).Release(second.Slot);
            }
        }
    }

    private sealed class HoarderWorkload : SmallWorkload
    {
        private readonly TimeSpan _declaredTimeout;
        private Handle _asker;
        private TinaRuntime? _runtime;

        public HoarderWorkload(TimeSpan declaredTimeout)
            : base(null) => _declaredTimeout = declaredTimeout;

        public override string Name => "hoarder";

        public override TimeSpan CallTimeoutMax => _declaredTimeout;

        public CallStatus Outcome => ((IsolateTable<Asker>)_runtime!.ShardAt(0).TypeTable(1)).InstanceAt(_asker.Slot).Outcome;

        public override void Configure(TinaSpec spec, ref Xoshiro256StarStar random)
        {
            base.Configure(spec, ref random);
            spec.AddIsolate<Hoarder>(slots: 1);
            spec.AddIsolate<Asker>(slots: 1);
        }

        public override void Boot(TinaRuntime runtime, ref Xoshiro256StarStar random)
        {
            _runtime = runtime;
            Handle hoarder = runtime.Spawn<Hoarder>(1).Handle;
            _asker = runtime.Spawn<Asker, long>(0, (long)hoarder.Value).Handle;
        }
    }

    /// <summary>Has an event every <c>period</c>, <c>events</c> times, and records the simulated time of each round it sees one.</summary>
    private sealed class TickingComponent : ISimulationComponent
    {
        private readonly long _periodNanoseconds;
        private int _left;
        private long _next = -1;

        public TickingComponent(TimeSpan period, int events)
        {
            _periodNanoseconds = period.Ticks * 100;
            _left = events;
        }

        public string Name => "ticking";

        public bool Attached { get; private set; }

        public ulong FirstDraw { get; private set; }

        public List<long> Seen { get; } = new();

        public void Attach(TinaRuntime runtime, TraceRecorder trace) => Attached = true;

        public void OnRound(long round, long nowNanoseconds, ref Xoshiro256StarStar random)
        {
            if (_next < 0)
            {
                FirstDraw = random.NextUInt64();
                _next = nowNanoseconds + _periodNanoseconds;
                return;
            }

            if (_left > 0 && nowNanoseconds >= _next)
            {
                Assert.That(nowNanoseconds, Is.EqualTo(_next), "the clock stopped exactly at the event");
                Seen.Add(nowNanoseconds);
                _left--;
                _next += _periodNanoseconds;
            }
        }

        public bool HasPendingWork(long nowNanoseconds) => false;

        public long NextEventNanoseconds(long nowNanoseconds) => _left > 0 && _next >= 0 ? _next : long.MaxValue;

        public void OnFaultsOff()
        {
        }

        public bool Check(bool final, out string? violation)
        {
            violation = null;
            return true;
        }
    }

    /// <summary>Does something illegal to the runtime once, at a round: a stand-in for a runtime bug.</summary>
    private sealed class TamperingComponent : ISimulationComponent
    {
        private readonly Action<TinaRuntime> _tamper;
        private readonly long _round;
        private TinaRuntime? _runtime;

        public TamperingComponent(Action<TinaRuntime> tamper, long fromRound = 5)
        {
            _tamper = tamper;
            _round = fromRound;
        }

        public string Name => "tampering";

        public void Attach(TinaRuntime runtime, TraceRecorder trace) => _runtime = runtime;

        public void OnRound(long round, long nowNanoseconds, ref Xoshiro256StarStar random)
        {
            if (round == _round)
            {
                _tamper(_runtime!);
            }
        }

        public bool HasPendingWork(long nowNanoseconds) => false;

        public long NextEventNanoseconds(long nowNanoseconds) => long.MaxValue;

        public void OnFaultsOff()
        {
        }

        public bool Check(bool final, out string? violation)
        {
            violation = null;
            return true;
        }
    }
}
