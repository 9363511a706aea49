using System;
using System.Collections.Generic;
using System.Globalization;

namespace Tina.Simulation.Workloads;

/// <summary>What a lifecycle run stresses most.</summary>
internal enum LifecycleMode
{
    /// <summary>Supervision trees under crashes: restarts by strategy, escalation, shard rebuilds, quarantine.</summary>
    Supervision = 0,
    /// <summary>Cancellation (drain budgets, forced ends, group cascades), watches, buffer transfer and floods.</summary>
    Cancellation = 1,
    /// <summary>All of it, then a runtime shutdown requested in the middle of the work.</summary>
    Shutdown = 2,
}

/// <summary>
/// The lifecycle workloads ("supervision", "lifecycle", "shutdown"): every shard runs the same supervision tree of
/// <see cref="LifecyclePeer"/>s (root with 1–3 children, a nested group <c>mid</c> with 1–2, a dynamic one-for-one
/// group <c>dyn</c>), strategies and budgets drawn per seed, plus one <see cref="LifecycleDriver"/> that spawns and
/// watches its own children, adds dynamic children to <c>dyn</c>, cancels children and groups, and calls peers. Peers
/// call, flood, watch, unwatch, hand buffers across shards, crash and finish (see <see cref="LifecyclePeer"/>).
/// Application invariants: every buffer a peer is given holds the bytes its sender wrote, every Ok reply answers the
/// question asked; at the end every driver finished its script or was ended by its shard (rebuild, quarantine,
/// shutdown), and in the shutdown mode the shutdown completed with no isolate left. The runtime-level guarantees
/// (calls, watches, timers, leaks) are the simulator's checkers.
/// </summary>
internal sealed class LifecycleWorkload : ISimulationWorkload
{
    private const int DriverType = 0;
    private const int PeerType = 1;

    private readonly LifecycleMode _mode;
    private readonly List<Handle> _drivers = new();
    private readonly Func<ISimulationComponent>? _planted;
    private ShutdownTrigger? _trigger;
    private int _driverSteps;
    private int _driverChildren;
    private int _cancelPerMille;

    /// <param name="mode">What the run stresses.</param>
    /// <param name="name">The name (default by mode).</param>
    /// <param name="planted">A component with a planted bug, for the tests that prove the checkers bite.</param>
    public LifecycleWorkload(LifecycleMode mode, string? name = null, Func<ISimulationComponent>? planted = null)
    {
        _mode = mode;
        _planted = planted;
        Name = name ?? mode switch
        {
            LifecycleMode.Supervision => "supervision",
            LifecycleMode.Cancellation => "lifecycle",
            _ => "shutdown",
        };
    }

    public string Name { get; }

    public LifecycleWorld World { get; } = new();

    public TimeSpan CallTimeoutMax => LifecyclePeer.CallTimeoutMax;

    public void Configure(TinaSpec spec, ref Xoshiro256StarStar random)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.ShardCount = random.NextInclusive(2, 4);
        spec.MessagePoolCapacity = 128 << random.NextInclusive(0, 2);
        spec.RingCapacity = 16 << random.NextInclusive(0, 2);
        spec.TimerCapacity = 512;
        spec.TimerSpokeCount = 64;
        spec.ExternalInboxCapacity = 16;
        spec.BufferCount = random.NextInclusive(4, 16);
        spec.BufferSize = 64;
        spec.WatchCapacity = random.NextInclusive(4, 64);
        spec.CancelDrainBudget = TimeSpan.FromMilliseconds(random.NextInclusive(1, 20));
        spec.ShardRebuildWindow = TimeSpan.FromSeconds(1);
        spec.AddIsolate<LifecycleDriver>(slots: 2, mailboxCapacity: 16);
        spec.AddIsolate<LifecyclePeer>(slots: 24, mailboxCapacity: random.NextInclusive(2, 16)).MaxOwedReplies = 4;

        bool crashy = _mode == LifecycleMode.Supervision;
        int restartsMax = _mode switch
        {
            LifecycleMode.Supervision => 3,
            LifecycleMode.Cancellation => 30,
            _ => 8,
        };
        spec.ShardRebuildMax = _mode == LifecycleMode.Cancellation ? 3 : random.NextInclusive(0, 3);
        var root = new SupervisorSpec("root", (SupervisionStrategy)random.NextInclusive(0, 2))
        {
            MaxRestarts = random.NextInclusive(0, restartsMax),
            RestartWindow = TimeSpan.FromMilliseconds(random.NextInclusive(20, 200)),
        };
        int rootChildren = random.NextInclusive(1, 3);
        for (int i = 0; i < rootChildren; i++)
        {
            root.AddChild<LifecyclePeer, PeerStart>(PeerStartFor(ref random, crashy), (RestartType)random.NextInclusive(0, 2));
        }

        var mid = new SupervisorSpec("mid", (SupervisionStrategy)random.NextInclusive(0, 2))
        {
            MaxRestarts = random.NextInclusive(0, restartsMax),
            RestartWindow = TimeSpan.FromMilliseconds(random.NextInclusive(20, 200)),
        };
        int midChildren = random.NextInclusive(1, 2);
        for (int i = 0; i < midChildren; i++)
        {
            mid.AddChild<LifecyclePeer, PeerStart>(PeerStartFor(ref random, crashy), (RestartType)random.NextInclusive(0, 2));
        }

        var dyn = new SupervisorSpec("dyn")
        {
            MaxRestarts = random.NextInclusive(1, restartsMax + 2),
            MaxDynamicChildren = 4,
        };
        root.AddGroup(mid).AddGroup(dyn);
        spec.Supervision = root;

        _driverSteps = random.NextInclusive(10, 40);
        _driverChildren = random.NextInclusive(2, 6);
        _cancelPerMille = _mode switch
        {
            LifecycleMode.Supervision => random.NextInclusive(0, 50),
            LifecycleMode.Cancellation => random.NextInclusive(150, 400),
            _ => random.NextInclusive(50, 200),
        };
    }

    public FaultTargets CreateFaultTargets(TinaSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new FaultTargets(spec.Isolates.Count).Crash(PeerType).FailSpawn(PeerType).RefuseMailbox(PeerType).RefuseMailbox(DriverType);
    }

    public IReadOnlyList<ISimulationComponent> CreateComponents()
    {
        var components = new List<ISimulationComponent>(2);
        if (_mode == LifecycleMode.Shutdown)
        {
            _trigger = new ShutdownTrigger();
            components.Add(_trigger);
        }

        if (_planted is not null)
        {
            components.Add(_planted());
        }

        return components;
    }

    public void Boot(TinaRuntime runtime, ref Xoshiro256StarStar random)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        SimulationLedger.ReportsAllTimers(runtime);
        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            var start = new DriverStart(random.NextUInt64(), _driverSteps, _driverChildren, _cancelPerMille);
            _drivers.Add(runtime.Spawn<LifecycleDriver, DriverStart>(shard, in start).Handle);
        }
    }

    public bool IsComplete(TinaRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        foreach (Handle driver in _drivers)
        {
            if (LiveIsolate.Of<LifecycleDriver>(runtime, driver) is { Finished: false })
            {
                return false;
            }
        }

        return _trigger is null || (_trigger.Phase == 3 && LiveIsolates(runtime) == 0);
    }

    public bool Check(TinaRuntime runtime, bool final, out string? violation)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (World.BufferMismatches != 0 || World.WrongAnswers != 0)
        {
            violation = string.Create(
                CultureInfo.InvariantCulture, $"{World.BufferMismatches} buffers held other bytes than their sender wrote, {World.WrongAnswers} wrong answers");
            return false;
        }

        if (final && _trigger is not null && LiveIsolates(runtime) != 0)
        {
            violation = string.Create(CultureInfo.InvariantCulture, $"{LiveIsolates(runtime)} isolates alive after the shutdown");
            return false;
        }

        violation = null;
        return true;
    }

    private static int LiveIsolates(TinaRuntime runtime)
    {
        int live = 0;
        for (int s = 0; s < runtime.ShardCount; s++)
        {
            live += runtime.ShardAt(s).LiveIsolates();
        }

        return live;
    }

    private static PeerStart PeerStartFor(ref Xoshiro256StarStar random, bool crashy) =>
        new(random.NextUInt64(), random.NextInclusive(10, 60), crashy ? random.NextInclusive(10, 100) : random.NextInclusive(0, 5), random.NextInclusive(1, 24));
}
