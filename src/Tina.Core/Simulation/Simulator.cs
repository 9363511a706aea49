using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Tina.Isolates;
using Tina.Scheduling;
using Tina.Time;

// Over 400 lines on purpose: one run of the simulator (seeded schedule, fault draws, checker calls, trace hash) is
// one loop whose steps share the run's state; split, the order of draws that makes a seed reproducible would be
// spread over files.

namespace Tina.Simulation;

/// <summary>
/// Deterministic simulation: runs every shard of a workload's boot spec on the calling thread under one 64-bit seed,
/// owning the clock, the shard order and the faults, and checking invariants as it goes.
/// </summary>
/// <remarks>
/// <para>A round: fault engine (partitions start and heal) → components → shard order shuffled (Fisher–Yates, the
/// scheduler stream) → one tick of every shard in that order (<see cref="TinaRuntime.RunRound"/>) → checkers every
/// <see cref="SimulationOptions.CheckInterval"/> rounds → the clock: one timer-resolution step if any shard or
/// component has work, otherwise a jump to the earliest timer deadline or component event (never past one). Nothing
/// left at all is quiescence.</para>
/// <para>Two phases: faults on for <see cref="SimulationOptions.FaultRounds"/> rounds; then faults off, partitions
/// healed, and the run must become quiescent with the workload complete within
/// <see cref="SimulationOptions.LivenessRounds"/> (every call resolves, the work finishes), else a Liveness
/// violation.</para>
/// <para>Ends at quiescence or at the first checker violation. The result carries the trace hash (every dispatch,
/// effect, spawn, exit and fault, in order) and, for a failure, one line with everything needed to replay it.</para>
/// <para>Single use, single thread; it is the runtime's <see cref="IRuntimeObserver"/> and
/// <see cref="IFaultInjector"/> (through <see cref="FaultPlan"/>) for the run.</para>
/// </remarks>
internal sealed class Simulator : IRuntimeObserver
{
    private readonly ISimulationWorkload _workload;
    private readonly SimulationOptions _options;
    private readonly ManualClock _clock = new();
    private readonly TraceRecorder _trace;
    private readonly List<ISimulationChecker> _checkers = new();
    private readonly FaultRates _rates;
    private readonly WatchChecker _watches = new();
    private readonly TimerAccountingChecker _timerLedger = new();
    private readonly LeakChecker _leaks = new();
    private Xoshiro256StarStar _scheduler;            // shard order and the clock's start
    private Xoshiro256StarStar _workloadRandom;       // the workload's sizes and seeds
    private Xoshiro256StarStar[] _componentRandom = Array.Empty<Xoshiro256StarStar>();
    private IReadOnlyList<ISimulationComponent> _components = Array.Empty<ISimulationComponent>();
    private TinaRuntime? _runtime;
    private FaultPlan? _faults;
    private SlotMap? _slots;
    private int[] _order = Array.Empty<int>();        // this round's shard order
    private long[] _callOpenedAt = Array.Empty<long>();  // [slot index] simulated ns the open call started, -1 = none
    private ulong[] _callCaller = Array.Empty<ulong>();  // [slot index] the caller's handle
    private long _callBoundNanoseconds;               // longest a call may stay open
    private long _round;                              // rounds completed
    private long _calmSince = -1;                     // round the faults stopped, -1 while they are on
    private string? _violationChecker;                // first violation seen inside a tick (observer)
    private string? _violationDetail;
    private bool _ran;

    public Simulator(ISimulationWorkload workload, ulong seed, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(workload);
        _workload = workload;
        _options = options ?? new SimulationOptions();
        _options.Validate();
        Seed = seed;
        _trace = new TraceRecorder(_options.TraceCapacity);
        Xoshiro256StarStar swarm = SeedTree.Open(seed, SimulationStream.Swarm);
        _rates = _options.Rates ?? FaultRates.Draw(ref swarm);
        _scheduler = SeedTree.Open(seed, SimulationStream.Scheduler);
        _workloadRandom = SeedTree.Open(seed, SimulationStream.Workload);
        _checkers.Add(new PoolIntegrityChecker());
        _checkers.Add(new GenerationChecker());
        _checkers.Add(new MessageAccountingChecker());
        _checkers.Add(new CallAccountingChecker());
        _checkers.Add(new CallOutcomeChecker());
        _checkers.Add(_watches);
        _checkers.Add(_timerLedger);
        _checkers.Add(_leaks);
    }

    public ulong Seed { get; }

    public FaultRates Rates => _rates;

    public SimulationOptions Options => _options;

    /// <summary>The workload being run (its isolates reach their run's shared test state through it).</summary>
    public ISimulationWorkload Workload => _workload;

    /// <summary>The watch checker, fed by <see cref="SimulationLedger"/> and the observer.</summary>
    public WatchChecker Watches => _watches;

    /// <summary>The timer checker, fed by <see cref="SimulationLedger"/>.</summary>
    public TimerAccountingChecker TimerLedger => _timerLedger;

    /// <summary>The leak checker (for its coverage counters).</summary>
    public LeakChecker Leaks => _leaks;

    public TinaRuntime Runtime => _runtime ?? throw new InvalidOperationException("The simulation has not booted.");

    public SlotMap Slots => _slots ?? throw new InvalidOperationException("The simulation has not booted.");

    public FaultPlan Faults => _faults ?? throw new InvalidOperationException("The simulation has not booted.");

    public TraceRecorder Trace => _trace;

    /// <summary>Rounds completed.</summary>
    public long Round => _round;

    public long NowNanoseconds => _clock.NowNanoseconds;

    public long ResolutionNanoseconds { get; private set; } = 1;

    /// <summary>Messages handed to handlers, every kind (observed).</summary>
    public long Dispatches { get; private set; }

    /// <summary>Messages handed to handlers from mailboxes: kinds User, Call, Timer, Start and Down (observed).</summary>
    public long MailboxDispatches { get; private set; }

    /// <summary>True while the fault phase runs.</summary>
    public bool FaultsOn => _calmSince < 0;

    /// <summary>Adds a checker (before <see cref="Run"/>).</summary>
    public void AddChecker(ISimulationChecker checker)
    {
        ArgumentNullException.ThrowIfNull(checker);
        _checkers.Add(checker);
    }

    /// <summary>Boots the workload and runs until quiescence or the first violation.</summary>
    public SimulationResult Run()
    {
        if (_ran)
        {
            throw new InvalidOperationException("A simulator runs once; create another for another run.");
        }

        _ran = true;
        Boot();
        try
        {
            bool quiescent = RunRounds();
            if (_violationChecker is null && quiescent && !_workload.IsComplete(Runtime))
            {
                Violate("Liveness", FaultsOn
                    ? "quiescent during the fault phase with the work incomplete (stuck)"
                    : string.Create(CultureInfo.InvariantCulture, $"quiescent {_round - _calmSince} rounds after the faults stopped with the work incomplete"));
            }

            if (_violationChecker is null)
            {
                RunCheckers(final: true);
            }
        }
#pragma warning disable CA1031 // a runtime exception escaping a tick is a finding (I2), reported like a violation
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Violate("Crash", exception.GetType().Name + ": " + exception.Message);
        }

        SimulationResult result = BuildResult();
        WriteTraces(result);
        Runtime.Dispose();
        return result;
    }

    private void Boot()
    {
        var spec = new TinaSpec();
        _workload.Configure(spec, ref _workloadRandom);
        spec.Clock = _clock;
        spec.PinThreads = false;
        spec.IdlePollTicks = 0;
        spec.LogSink = DiscardLogSink.Instance;
        spec.MinimumLogLevel = TinaLogLevel.None;
        ResolutionNanoseconds = spec.TimerResolution.Ticks * 100;
        // Start somewhere in the first 2^20 resolution steps, so wheel positions differ between seeds.
        _clock.NowNanoseconds = _scheduler.NextBelow(1u << 20) * ResolutionNanoseconds;
        _trace.NowNanoseconds = _clock.NowNanoseconds;

        _runtime = TinaRuntime.Create(spec);
        _slots = new SlotMap(_runtime);
        _callOpenedAt = new long[_slots.Total];
        _callOpenedAt.AsSpan().Fill(-1);
        _callCaller = new ulong[_slots.Total];
        long timeoutSteps = ((_workload.CallTimeoutMax.Ticks * 100) + ResolutionNanoseconds - 1) / ResolutionNanoseconds;
        _callBoundNanoseconds = (timeoutSteps + _options.CallSlackSteps) * ResolutionNanoseconds;
        // A Down may wait behind its watcher's own call (up to the call bound) and the mail queued before it.
        _watches.DueBoundNanoseconds = (2 * _callBoundNanoseconds) + (64 * ResolutionNanoseconds);
        _order = new int[spec.ShardCount];
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        _faults = new FaultPlan(Seed, _rates, _workload.CreateFaultTargets(spec), spec.ShardCount, _trace);
        _faults.Runtime = _runtime;
        _runtime.Observer = this;
        _runtime.Faults = _faults;
        _workload.Boot(_runtime, ref _workloadRandom);

        _components = _workload.CreateComponents();
        _componentRandom = new Xoshiro256StarStar[_components.Count];
        for (int i = 0; i < _components.Count; i++)
        {
            _componentRandom[i] = SeedTree.OpenComponent(Seed, i);
            _components[i].Attach(_runtime, _trace);
        }

        if (_options.FaultRounds == 0)
        {
            EndFaultPhase();
        }
    }

    /// <summary>Runs rounds; true when the run became quiescent, false when a violation stopped it.</summary>
    private bool RunRounds()
    {
        TinaRuntime runtime = Runtime;
        while (true)
        {
            if (FaultsOn && _round >= _options.FaultRounds)
            {
                EndFaultPhase();
            }

            if (!FaultsOn && _round - _calmSince >= _options.LivenessRounds)
            {
                Violate("Liveness", string.Create(
                    CultureInfo.InvariantCulture,
                    $"no convergence within {_options.LivenessRounds} rounds after the faults stopped: {DescribePending()}"));
                return false;
            }

            long now = _clock.NowNanoseconds;
            _trace.Round = _round;
            _trace.NowNanoseconds = now;
            _faults!.BeginRound();
            for (int i = 0; i < _components.Count; i++)
            {
                _components[i].OnRound(_round, now, ref _componentRandom[i]);
            }

            _scheduler.Shuffle(_order);
            _trace.Record(TraceEventKind.Round, _order[0], 0, (ulong)now, 0);
            bool worked = runtime.RunRound(_order);
            _round++;
            if (_violationChecker is not null)
            {
                return false;
            }

            if (_round % _options.CheckInterval == 0 && !RunCheckers(final: false))
            {
                return false;
            }

            if (worked || AnyPendingWork(now))
            {
                _clock.AdvanceNanoseconds(ResolutionNanoseconds);
                continue;
            }

            long next = NextEventNanoseconds(now);
            if (next == long.MaxValue)
            {
                return true;
            }

            _clock.NowNanoseconds = Math.Max(next, now + 1);
        }
    }

    private void EndFaultPhase()
    {
        _calmSince = _round;
        _faults!.Disable();
        for (int i = 0; i < _components.Count; i++)
        {
            _components[i].OnFaultsOff();
        }

        _trace.Record(TraceEventKind.FaultsOff, -1, 0, 0, 0);
    }

    private bool AnyPendingWork(long now)
    {
        TinaRuntime runtime = Runtime;
        for (int s = 0; s < runtime.ShardCount; s++)
        {
            if (runtime.ShardAt(s).HasPendingWork())
            {
                return true;
            }
        }

        for (int i = 0; i < _components.Count; i++)
        {
            if (_components[i].HasPendingWork(now))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The earliest timer deadline or component event, or <see cref="long.MaxValue"/> when there is none.</summary>
    private long NextEventNanoseconds(long now)
    {
        long next = long.MaxValue;
        TinaRuntime runtime = Runtime;
        for (int s = 0; s < runtime.ShardCount; s++)
        {
            long until = runtime.ShardAt(s).NanosecondsUntilNextDeadline();
            if (until >= 0)
            {
                next = Math.Min(next, now + until);
            }
        }

        for (int i = 0; i < _components.Count; i++)
        {
            next = Math.Min(next, _components[i].NextEventNanoseconds(now));
        }

        return next;
    }

    private bool RunCheckers(bool final)
    {
        foreach (ISimulationChecker checker in _checkers)
        {
            if (!checker.Check(this, final, out string? violation))
            {
                Violate(checker.Name, violation ?? "violated");
                return false;
            }
        }

        for (int i = 0; i < _components.Count; i++)
        {
            if (!_components[i].Check(final, out string? violation))
            {
                Violate("Component:" + _components[i].Name, violation ?? "violated");
                return false;
            }
        }

        if (!_workload.Check(Runtime, final, out string? applicationViolation))
        {
            Violate("Application:" + _workload.Name, applicationViolation ?? "violated");
            return false;
        }

        return true;
    }

    /// <summary>For the call checker: every call the observer saw start has ended within its bound.</summary>
    internal bool CheckOpenCalls(out string? violation)
    {
        long now = _clock.NowNanoseconds;
        for (int i = 0; i < _callOpenedAt.Length; i++)
        {
            long opened = _callOpenedAt[i];
            if (opened >= 0 && now - opened > _callBoundNanoseconds)
            {
                violation = string.Create(
                    CultureInfo.InvariantCulture,
                    $"call by {new Handle(_callCaller[i])} open for {now - opened} ns, bound {_callBoundNanoseconds} ns (timeout max + slack)");
                return false;
            }
        }

        violation = null;
        return true;
    }

    /// <summary>For the call-outcome checker: whether the slot at <paramref name="index"/> has a call open, and whose.</summary>
    internal bool IsCallOpen(int index, out Handle caller)
    {
        caller = new Handle(_callCaller[index]);
        return _callOpenedAt[index] >= 0;
    }

    private string DescribePending()
    {
        TinaRuntime runtime = Runtime;
        int runnable = 0;
        int waiting = 0;
        int timers = 0;
        for (int s = 0; s < runtime.ShardCount; s++)
        {
            Shard shard = runtime.ShardAt(s);
            timers += shard.Timers.ActiveCount;
            for (int type = 0; type < shard.TypeCount; type++)
            {
                IsolateTable table = shard.TypeTable(type);
                runnable += table.RunQueueCount;
                for (int slot = 0; slot < table.SlotCount; slot++)
                {
                    if (table.Meta[slot].State == IsolateState.WaitingForReply)
                    {
                        waiting++;
                    }
                }
            }
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"{runnable} queued to run, {waiting} waiting for replies, {timers} timers pending, work complete: {_workload.IsComplete(runtime)}");
    }

    private void Violate(string checker, string detail)
    {
        if (_violationChecker is not null)
        {
            return;
        }

        _violationChecker = checker;
        _violationDetail = detail;
    }

    private SimulationResult BuildResult()
    {
        long faults = 0;
        for (FaultClass fault = FaultClass.HandlerException; fault <= FaultClass.MailboxRefusal; fault++)
        {
            faults += _faults!.Hits(fault);
        }

        return new SimulationResult(
            _workload.Name,
            Seed,
            _rates,
            _options,
            Runtime.ShardCount,
            _violationChecker is null ? SimulationEnd.Quiescent : SimulationEnd.Violation,
            _round,
            _clock.NowNanoseconds,
            _violationChecker,
            _violationDetail,
            _trace.Hash,
            Dispatches,
            faults);
    }

    private void WriteTraces(SimulationResult result)
    {
        if (_options.TraceFile is { } file)
        {
            WriteTrace(file, result);
        }

        if (!result.Passed && _options.FailureTraceDirectory is { } directory)
        {
            Directory.CreateDirectory(directory);
            WriteTrace(Path.Combine(directory, $"tina-sim-{result.Workload}-{result.SeedText}.trace"), result);
        }
    }

    private void WriteTrace(string path, SimulationResult result)
    {
        using var writer = new StreamWriter(path, append: false);
        writer.WriteLine("# " + result);
        _trace.WriteTo(writer);
    }

    // ---- IRuntimeObserver: called inside shard ticks; records, never throws ----

    void IRuntimeObserver.OnDispatch(int shard, Handle isolate, in Message message)
    {
        Dispatches++;
        MessageKind kind = message.KindValue;
        if (kind is MessageKind.User or MessageKind.Call or MessageKind.Timer or MessageKind.Start or MessageKind.Down)
        {
            MailboxDispatches++;
        }

        _trace.Record(
            TraceEventKind.Dispatch,
            shard,
            isolate.Value,
            (byte)kind | ((ulong)(byte)message.StatusValue << 8) | ((ulong)message.TypeId << 32),
            message.SourceHandle.Value);

        if (kind != MessageKind.Resume && message.TargetHandle != isolate)
        {
            Violate("Delivery", $"a message for {message.TargetHandle} ({kind}) was handed to {isolate}");
            return;
        }

        ref IsolateMeta meta = ref Runtime.ShardAt(shard).TypeTable(isolate.Type).Meta[isolate.Slot];
        if (meta.State == IsolateState.Free || meta.Generation != isolate.Generation)
        {
            Violate("Delivery", string.Create(
                CultureInfo.InvariantCulture, $"{kind} handed to {isolate} but the slot is at generation {meta.Generation}, state {meta.State}"));
            return;
        }

        if (kind == MessageKind.Down && message.Is(out Down down))
        {
            _watches.OnDown(isolate, down.Target);
        }

        if (kind == MessageKind.Reply)
        {
            int index = Slots.IndexOf(shard, isolate);
            if (_callOpenedAt[index] < 0)
            {
                Violate("CallResolution", $"{isolate} got a call outcome ({message.StatusValue}) with no call open");
                return;
            }

            long open = _clock.NowNanoseconds - _callOpenedAt[index];
            _callOpenedAt[index] = -1;
            if (open > _callBoundNanoseconds)
            {
                Violate("CallAccounting", string.Create(
                    CultureInfo.InvariantCulture,
                    $"call by {isolate} ended ({message.StatusValue}) after {open} ns, bound {_callBoundNanoseconds} ns (timeout max + slack)"));
            }
        }
    }

    void IRuntimeObserver.OnEffect(int shard, Handle isolate, Effect effect)
    {
        _trace.Record(TraceEventKind.Effect, shard, isolate.Value, (byte)effect.Kind, (ulong)(long)effect.Reason);
        if (effect.Kind == EffectKind.Call)
        {
            int index = Slots.IndexOf(shard, isolate);
            if (_callOpenedAt[index] >= 0)
            {
                Violate("CallResolution", $"{isolate} started a call while one was open");
                return;
            }

            _callOpenedAt[index] = _clock.NowNanoseconds;
            _callCaller[index] = isolate.Value;
        }
    }

    void IRuntimeObserver.OnSpawn(int shard, Handle isolate, Handle parent) =>
        _trace.Record(TraceEventKind.Spawn, shard, isolate.Value, 0, parent.Value);

    void IRuntimeObserver.OnExit(int shard, Handle isolate, ExitOutcome outcome, int reason)
    {
        _trace.Record(TraceEventKind.Exit, shard, isolate.Value, (byte)outcome, (ulong)(long)reason);
        // A Call effect that the shard refused (no staged call) ends in an exit, not a call.
        _callOpenedAt[Slots.IndexOf(shard, isolate)] = -1;
        _watches.OnExit(isolate);
    }
}
