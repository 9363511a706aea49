using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Tina.Diagnostics;
using Tina.Isolates;
using Tina.Memory;
using Tina.Messaging;
using Tina.Time;
using Tina.Timers;

namespace Tina.Scheduling;

/// <summary>
/// One shard: the isolates, mailboxes, message pool, rings, timers and log it owns, and the tick that drives them.
/// </summary>
/// <remarks>
/// <para>Ownership. Every field is read and written only by the shard's own thread (or, in simulation, by the one
/// simulator thread while it runs this shard), except: the inbound rings' producer sides (the peer shards), the
/// external inbox's producer side (outside threads), <see cref="Signal"/> and <see cref="Status"/>
/// (documented where they are declared), and counters read through <see cref="ShardCounters"/>.</para>
/// <para>The tick, in order: system rings (completely) → inbound user rings and external inbox → I/O completions →
/// dispatch grouped by isolate type with budget weights (then waiting Downs) → flush I/O → move system backlogs and
/// publish outbound rings (and wake sleeping peers) → advance timers → drain the
/// log. Every loop in it has a bound: ring capacities, the dispatch budget, the timer table.</para>
/// <para>Split by role: this file holds state and the tick; <c>Shard.Send.cs</c> local and remote sends;
/// <c>Shard.Calls.cs</c> calls, replies and obligations; <c>Shard.Dispatch.cs</c> dispatch and effects;
/// <c>Shard.Lifecycle.cs</c> spawn and exit; <c>Shard.Inbound.cs</c> ring and inbox delivery;
/// <c>Shard.Timers.cs</c> timer firing.</para>
/// </remarks>
internal sealed partial class Shard
{
    private readonly TinaRuntime _runtime;
    private readonly IsolateTable[] _types;
    private readonly SpscRing?[] _outbound;       // [target shard] rings this shard produces into; null for itself
    private readonly SpscRing?[] _inbound;        // [source shard] rings this shard consumes; null for itself
    private readonly ExternalInbox _external;
    private bool _previousTickWorked;   // shard thread only: the last tick did work (for BusyNanoseconds)
    private int _mailboxHighWater;      // shard thread only: the deepest mailbox seen on this shard
    private readonly LogRing _log;
    private readonly ITinaLogSink _logSink;
    private readonly TinaLogLevel _minimumLogLevel;
    private readonly IMonotonicClock _clock;
    private readonly long _resolutionNanoseconds;
    private readonly int _dispatchQuantum;
    private readonly int _runtimeTag;             // this runtime's tag: a handle carrying another names nothing here
    private Shard[] _peers = Array.Empty<Shard>();
    private long _nowNanoseconds;        // clock reading at the start of the current tick
    private long _tickCount;             // ticks run; also the heartbeat the watchdog reads
    private uint _nextCorrelation;       // per-shard call correlation counter; wraps, skips 0
    private int _typeRotation;           // first type dispatched this tick, rotated for fairness
    private int _inboundRotation;        // first inbound ring drained this tick, rotated for fairness
    private int _orphanTimerHead = -1;   // stands in for an owner's timer list when the owner is gone
    private Message _resumeMessage;      // the Resume message handed to yielded isolates
    private TimerSinkAdapter _timerSink;

    // Supervision components (src/Tina.Core/Supervision/): each owns its state and reaches the shard only through its
    // host interface, which the shard implements in the matching Shard.*.cs file.
    private readonly Supervision.ShutdownSequence _shutdown;   // Shard.Shutdown.cs (IShutdownHost)
    private readonly Supervision.CancelNotices _notices;       // Shard.Cancel.cs
    private readonly Supervision.WatchRegistry _watches;       // Shard.Watch.cs (IWatchHost)
    private readonly Supervision.SupervisionTree _supervision; // Shard.Supervision.cs (ISupervisionHost)

    public Shard(TinaRuntime runtime, int id, TinaSpec spec)
    {
        _runtime = runtime;
        _runtimeTag = runtime.RuntimeTag;
        Id = id;
        _clock = spec.Clock;
        _resolutionNanoseconds = spec.TimerResolution.Ticks * 100;
        _dispatchQuantum = spec.DispatchQuantum;
        _types = new IsolateTable[spec.Isolates.Count];
        int totalSlots = 0;
        for (int i = 0; i < _types.Length; i++)
        {
            _types[i] = spec.Isolates[i].CreateTable(i);
            _types[i].RuntimeTag = runtime.RuntimeTag;
            totalSlots += _types[i].SlotCount;
        }

        _yielded = new long[Math.Max(1, totalSlots)];
        AllocateRoomWaiters(Math.Max(1, totalSlots));

        Pool = new MessagePool(spec.MessagePoolCapacity);
        _outbound = new SpscRing?[spec.ShardCount];
        _systemOutbound = CreateSystemRings(spec, id);
        _inbound = new SpscRing?[spec.ShardCount];
        _external = new ExternalInbox(spec.ExternalInboxCapacity);
        _log = new LogRing(spec.LogCapacity);
        _logSink = spec.LogSink;
        _minimumLogLevel = spec.MinimumLogLevel;
        Counters = new ShardCounters();
        Buffers = new BufferPool(id, spec.BufferCount, spec.BufferSize);
        _nowNanoseconds = _clock.NowNanoseconds;
        Timers = new TimerWheel(spec.TimerCapacity, spec.TimerSpokeCount, _nowNanoseconds / _resolutionNanoseconds);
        _resumeMessage.KindValue = MessageKind.Resume;
        _timerSink = new TimerSinkAdapter(this);
        Signal = new ShardSignal();
        Status = ShardStatus.Running;
        _reactorFactory = spec.ReactorFactory;
        _watches = new Supervision.WatchRegistry(this, spec.WatchCapacity, Counters);
        _shutdown = new Supervision.ShutdownSequence(Counters);
        _notices = new Supervision.CancelNotices(TicksFor(spec.CancelDrainBudget), _resolutionNanoseconds, _shutdown);
        _supervision = new Supervision.SupervisionTree(this, spec, Counters);
    }

    public int Id { get; }

    public MessagePool Pool { get; }

    public TimerWheel Timers { get; }

    public ShardCounters Counters { get; }

    public BufferPool Buffers { get; }

    /// <summary>Park/wake handshake; used by peers (wake) and by this shard's runner (park).</summary>
    public ShardSignal Signal { get; }

    /// <summary>Whether this shard accepts remote work. Written by the runtime, read by any sender (volatile).</summary>
    public ShardStatus Status
    {
        get => (ShardStatus)System.Threading.Volatile.Read(ref _status.Value);
        set => System.Threading.Volatile.Write(ref _status.Value, (int)value);
    }

    // Every peer reads this on every remote send: it lives on a line of its own, away from the fields this shard
    // writes per message (a shared line cost the cross-shard path a cache-line transfer per send).
    private readonly PaddedInt _status = new();

    public TinaRuntime Runtime => _runtime;

    public int TypeCount => _types.Length;

    public IsolateTable TypeTable(int type) => _types[type];

    public long NowNanoseconds => _nowNanoseconds;

    /// <summary>This runtime's tag (see <see cref="Handle.RuntimeTag"/>).</summary>
    public int RuntimeTag => _runtimeTag;

    /// <summary>
    /// True when <paramref name="target"/> was issued by another runtime (never for <see cref="Handle.None"/>, which
    /// is stale, not foreign). Counted as <see cref="ShardCounter.SendForeignHandle"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool RefuseIfForeign(Handle target)
    {
        if (target.IsNone || target.RuntimeTag == _runtimeTag)
        {
            return false;
        }

        Counters.Increment(ShardCounter.SendForeignHandle);
        return true;
    }

    public long TickCount => System.Threading.Volatile.Read(ref _tickCount);

    public ExternalInbox External => _external;

    /// <summary>The ring this shard consumes from <paramref name="source"/> (null for itself); for the simulator's checkers.</summary>
    public SpscRing? InboundRingFrom(int source) => _inbound[source];

    /// <summary>Wires the ring matrix; called once at boot before any thread starts.</summary>
    public void Connect(Shard[] peers, SpscRing?[] outbound, SpscRing?[] inbound)
    {
        _peers = peers;
        _inboundHeld = new bool[peers.Length];
        AllocateReleaseMarks(peers.Length, Buffers.Count);
        ConnectSystemLane(peers, _runtime.Spec);
        Array.Copy(outbound, _outbound, outbound.Length);
        Array.Copy(inbound, _inbound, inbound.Length);
    }

    /// <summary>Runs one tick. Returns true when it did work or has work left (so the caller should not park).</summary>
    public bool RunTick()
    {
        long previousStart = _nowNanoseconds;
        _nowNanoseconds = _clock.NowNanoseconds;
        if (_previousTickWorked)
        {
            // The previous tick did work: its length (start to this start, no extra clock read) is busy time.
            Counters.Add(ShardCounter.BusyNanoseconds, _nowNanoseconds - previousStart);
            Counters.Increment(ShardCounter.WorkingTicks);
        }

        System.Threading.Volatile.Write(ref _tickCount, _tickCount + 1);
        Counters.Increment(ShardCounter.Ticks);

        int shutdownPhase = _runtime.ShutdownPhase;
        if (shutdownPhase != 0)
        {
            _shutdown.Advance(shutdownPhase, _runtime.ShutdownBudgetTicksFor(this), this);
        }

        EnsureReactor();
        _supervision.EnsureStarted();
        SweepBuffersOfGoneOwners();
        bool worked = DrainSystemLane(); // first, and completely: system traffic never waits behind user traffic
        worked |= DrainInbound();
        worked |= DrainExternal();
        if (_reactor is not null)
        {
            worked |= _reactor.Collect() > 0;
        }

        worked |= Status != ShardStatus.Quarantined && Dispatch();
        _supervision.RebuildIfRequested();
        _reactor?.Flush();
        FlushOutbound();
        worked |= AdvanceTimers();
        if (_log.Count > 0)
        {
            _log.DrainTo(_logSink);
        }

        _previousTickWorked = worked;
        return worked || HasRunnable();
    }

    /// <summary>True when any isolate is queued to run (or yielded and resumes next tick).</summary>
    public bool HasRunnable()
    {
        if (_yieldedCount > 0)
        {
            return true;
        }

        foreach (IsolateTable table in _types)
        {
            if (table.RunQueueCount > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when anything would give the next tick work: runnable isolates, published inbound envelopes, outside
    /// posts, buffer releases still waiting for ring space, a due timer, or a shutdown phase this shard has not applied
    /// (or a live count it has not published while draining). Called by the runner after
    /// <see cref="ShardSignal.PrepareToPark"/>.
    /// </summary>
    public bool HasPendingWork()
    {
        // A held ring (its head waits for room at a target on this shard) is not work: only this shard's own
        // dispatch makes that room, and the tick after it retries the ring.
        if (HasRunnable() || (_backlogged > 0 && AnyBacklogMovable()) || BufferSweepRequested || HasDeliverableInbound()
            || _watches.AnyPendingDownDeliverable()
            || (_roomWaiterCount > 0 && AnyRoomWaiterReady())
            || (_reactor is not null && _reactor.HasCompletions()))
        {
            return true;
        }

        // The shutdown phase, read after the park's barrier: Shutdown stores it before its ForceWake, so a phase raised
        // after the last tick read it is seen here even when that wake raced with the park (and was erased by it).
        // Shutdown also polls the published live count, so a count that changed since the last publish is work too.
        int phase = _runtime.ShutdownPhase;
        if (_shutdown.HasPendingWork(phase, this))
        {
            return true;
        }

        return Timers.NextDeadlineTick() <= _clock.NowNanoseconds / _resolutionNanoseconds;
    }

    /// <summary>
    /// Nanoseconds until the next deadline, or -1 when none is pending: the earliest timer, or the reactor's own
    /// (an accept backing off). The park waits no longer, and the simulator's clock jumps no further.
    /// </summary>
    public long NanosecondsUntilNextDeadline()
    {
        long deadline = Timers.NextDeadlineTick();
        long due = deadline == long.MaxValue ? long.MaxValue : deadline * _resolutionNanoseconds;
        if (_roomWaiterCount > 0)
        {
            due = Math.Min(due, EarliestRoomWaitDeadline());
        }

        if (_reactor is not null)
        {
            due = Math.Min(due, _reactor.NextDeadlineNanoseconds);
        }

        return due == long.MaxValue ? -1 : Math.Max(0, due - _clock.NowNanoseconds);
    }

    /// <summary>
    /// The wheel tick timers registered now count from: this tick's clock reading rounded up to the resolution, so a
    /// timer never fires before <c>Now + delay</c> (the wheel's own tick lags the clock after an idle stretch).
    /// </summary>
    public long TimerBaseTick => (_nowNanoseconds + _resolutionNanoseconds - 1) / _resolutionNanoseconds;

    /// <summary>
    /// Timer ticks for a duration, rounded up, at least 1; a duration at or beyond
    /// <see cref="TimerWheel.MaxDelayNanoseconds"/> saturates to it (it would overflow the nanosecond arithmetic
    /// and wrap to a near deadline). A negative duration (<see cref="System.Threading.Timeout.InfiniteTimeSpan"/>
    /// included) is an <see cref="ArgumentOutOfRangeException"/>: the public entry points check it first with their
    /// own rule, this is the backstop for every path.
    /// </summary>
    public long TicksFor(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (duration.Ticks >= TimerWheel.MaxDelayNanoseconds / 100)
        {
            return TimerWheel.MaxDelayNanoseconds / _resolutionNanoseconds;
        }

        long nanos = duration.Ticks * 100;
        long ticks = (nanos + _resolutionNanoseconds - 1) / _resolutionNanoseconds;
        return Math.Max(1, ticks);
    }

    private void FlushOutbound()
    {
        if (_backlogged > 0)
        {
            MoveBacklogs();
        }

        for (int target = 0; target < _outbound.Length; target++)
        {
            SpscRing? ring = _outbound[target];
            bool published = ring is not null && ring.Publish();
            published |= PublishSystem(target);
            if (published)
            {
                _peers[target].Signal.Wake();
            }
        }
    }

    private bool AdvanceTimers()
    {
        long nowTick = _nowNanoseconds / _resolutionNanoseconds;
        return Timers.Advance(nowTick, ref _timerSink) > 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint NextCorrelation()
    {
        uint next = _nextCorrelation + 1;
        if (next == 0)
        {
            next = 1;
        }

        _nextCorrelation = next;
        return next;
    }

    /// <summary>Appends a log record if its level passes the filter; counts a drop when the ring is full.</summary>
    public void Log(TinaLogLevel level, Handle isolate, string message, long argument0, long argument1, TinaEvent kind = TinaEvent.Application)
    {
        if (level < _minimumLogLevel || level == TinaLogLevel.None)
        {
            return;
        }

        if (!_log.TryAppend(new LogRecord(Id, _tickCount, isolate, level, message, argument0, argument1, kind)))
        {
            Counters.Increment(ShardCounter.LogDropped);
        }
    }

    /// <summary>Resolves a handle to its live slot on this shard.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryResolve(Handle handle, out IsolateTable table, out int slot)
    {
        int type = handle.Type;
        slot = handle.Slot;
        if ((uint)type >= (uint)_types.Length || handle.RuntimeTag != _runtimeTag)
        {
            table = null!;
            return false;
        }

        table = _types[type];
        if ((uint)slot >= (uint)table.SlotCount)
        {
            return false;
        }

        ref IsolateMeta meta = ref table.Meta[slot];
        return meta.State != IsolateState.Free && meta.Generation == handle.Generation;
    }

    /// <summary>True when the handle names a live isolate on this shard.</summary>
    public bool IsAlive(Handle handle) => handle.Shard == Id && TryResolve(handle, out _, out _);

    [Conditional("DEBUG")]
    private void AssertOnShard(Handle handle) => Debug.Assert(handle.Shard == Id, "handle of another shard");

    /// <summary>Adapts the timer wheel's callbacks to this shard without a delegate.</summary>
    private struct TimerSinkAdapter : ITimerSink
    {
        private readonly Shard _shard;

        public TimerSinkAdapter(Shard shard) => _shard = shard;

        public readonly ref int OwnerHead(Handle owner) => ref _shard.TimerHeadOf(owner);

        public readonly void Fire(in TimerEntry entry) => _shard.OnTimerFired(in entry);
    }
}
