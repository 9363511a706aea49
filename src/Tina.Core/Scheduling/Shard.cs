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
/// (documented where they are declared), the buffer-sweep flag (<see cref="BufferReclaim"/>), and counters read
/// through <see cref="ShardCounters"/>.</para>
/// <para>The tick (<see cref="RunTick"/>), in order: system rings (completely) → inbound user rings and external
/// inbox → I/O completions → dispatch grouped by isolate type with budget weights (then waiting Downs) → flush I/O →
/// move system backlogs and publish outbound rings (and wake sleeping peers) → advance timers → drain the log. Every
/// loop in it has a bound: ring capacities, the dispatch budget, the timer table.</para>
/// <para>Components: the message-flow state lives in types of its own, each holding its fields privately, stating
/// its invariants at its top and reached only through its methods: <see cref="Invocation"/> (the running invocation
/// and its staged call or I/O), <see cref="CallLedger"/> (correlations, caller waits, outcomes, owed replies),
/// <see cref="Delivery"/> (outbound user rings, local mailbox delivery, high water), <see cref="InboundRings"/>
/// (user rings and external inbox consumed here, held heads, rotation), <see cref="SystemLane"/> (system rings,
/// backlogs, request credit), <see cref="ShardTimers"/> (wheel, resolution, orphan head), <see cref="YieldList"/> and
/// <see cref="RoomWaitList"/> (yielders), <see cref="BufferReclaim"/> (buffers coming home). The partial files of
/// <c>Shard</c> route between them: <c>Shard.Send.cs</c> the send path, <c>Shard.Calls.cs</c> call routing,
/// <c>Shard.Dispatch.cs</c> dispatch and effects, <c>Shard.Inbound.cs</c> where an envelope from a ring goes,
/// <c>Shard.Timers.cs</c> what a firing does, <c>Shard.Io.cs</c> the reactor seam, <c>Shard.Buffers.cs</c> the
/// isolate-facing buffer calls.</para>
/// <para>Supervision lives in <c>src/Tina.Core/Supervision/</c>, four components behind host interfaces the shard
/// implements: <see cref="Supervision.SupervisionTree"/> (nodes, restarts, escalation, rebuild and quarantine,
/// with <see cref="Supervision.ShardRebuild"/> and <see cref="Supervision.GroupCancellation"/>),
/// <see cref="Supervision.WatchRegistry"/> (watches, pending Downs), <see cref="Supervision.CancelNotices"/> (the
/// Cancel/Shutdown notice and drain budget) and <see cref="Supervision.ShutdownSequence"/> (stage, budget, counts,
/// the fields published to the runtime). Their host sides are <c>Shard.Supervision.cs</c>, <c>Shard.Watch.cs</c>,
/// <c>Shard.Cancel.cs</c> and <c>Shard.Shutdown.cs</c>; <c>Shard.Lifecycle.cs</c> is spawn and exit, which meet
/// all four.</para>
/// <para>What is still shared across the partial files, on purpose: <c>_invocation</c> (the running invocation is
/// the context every effect is applied in), and the shard-wide resources every component is handed or reads:
/// the type tables, the peers, the pool, the counters, the clock reading of the tick.</para>
/// </remarks>
internal sealed partial class Shard
{
    private readonly TinaRuntime _runtime;
    private readonly IsolateTable[] _types;
    private bool _previousTickWorked;   // shard thread only: the last tick did work (for BusyNanoseconds)
    private readonly LogRing _log;
    private readonly ITinaLogSink _logSink;
    private readonly TinaLogLevel _minimumLogLevel;
    private readonly IMonotonicClock _clock;
    private readonly int _dispatchQuantum;
    private readonly int _runtimeTag;             // this runtime's tag: a handle carrying another names nothing here
    private Shard[] _peers = Array.Empty<Shard>();
    private long _nowNanoseconds;        // clock reading at the start of the current tick
    private long _tickCount;             // ticks run; also the heartbeat the watchdog reads
    private readonly CallLedger _calls;         // correlations, waits, outcomes, owed replies (CallLedger.cs)
    private readonly BufferReclaim _bufferReclaim; // releases home, sweeps (BufferReclaim.cs)
    private readonly ShardTimers _timers;       // wheel, resolution, orphan head (ShardTimers.cs)
    private readonly Delivery _delivery;        // outbound user rings, mailbox delivery, high water (Delivery.cs)
    private readonly SystemLane _systemLane;    // system rings, backlogs, request credit (SystemLane.cs)
    private readonly InboundRings _inboundRings; // user rings and external inbox consumed here (InboundRings.cs)
    private readonly YieldList _yielded;        // yielders resumed next tick (YieldList.cs)
    private readonly RoomWaitList _roomWaits;   // yielders waiting for ring room (RoomWaitList.cs)

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
        _dispatchQuantum = spec.DispatchQuantum;
        _types = new IsolateTable[spec.Isolates.Count];
        int totalSlots = 0;
        for (int i = 0; i < _types.Length; i++)
        {
            _types[i] = spec.Isolates[i].CreateTable(i);
            _types[i].RuntimeTag = runtime.RuntimeTag;
            totalSlots += _types[i].SlotCount;
        }

        _yielded = new YieldList(Math.Max(1, totalSlots));

        Counters = new ShardCounters();
        _calls = new CallLedger(Counters);
        Pool = new MessagePool(spec.MessagePoolCapacity);
        _delivery = new Delivery(id, runtime, Pool, Counters, spec.ShardCount);
        _roomWaits = new RoomWaitList(Math.Max(1, totalSlots), _delivery.OutboundRings, Counters);
        _systemLane = new SystemLane(id, spec.ShardCount, spec.RingCapacity, Counters);
        _inboundRings = new InboundRings(spec.ShardCount, spec.ExternalInboxCapacity, Counters);
        _log = new LogRing(spec.LogCapacity);
        _logSink = spec.LogSink;
        _minimumLogLevel = spec.MinimumLogLevel;
        Buffers = new BufferPool(id, spec.BufferCount, spec.BufferSize);
        _nowNanoseconds = _clock.NowNanoseconds;
        _timers = new ShardTimers(spec.TimerCapacity, spec.TimerSpokeCount, spec.TimerResolution, _nowNanoseconds);
        Signal = new ShardSignal();
        _bufferReclaim = new BufferReclaim(id, Buffers, Counters, Signal, _systemLane);
        Status = ShardStatus.Running;
        _reactorFactory = spec.ReactorFactory;
        _watches = new Supervision.WatchRegistry(this, spec.WatchCapacity, Counters);
        _shutdown = new Supervision.ShutdownSequence(Counters);
        _notices = new Supervision.CancelNotices(TicksFor(spec.CancelDrainBudget), _timers.ResolutionNanoseconds, _shutdown);
        _supervision = new Supervision.SupervisionTree(this, spec, Counters);
    }

    public int Id { get; }

    public MessagePool Pool { get; }

    public TimerWheel Timers => _timers.Wheel;

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

    /// <summary>
    /// The padded cell behind <see cref="Status"/>. Peers take it once, at <see cref="Connect"/>, and read the cell on
    /// the hot path (every remote send or outcome): reading <c>peer.Status</c> would load the cell's reference from
    /// the peer's Shard object, whose lines the peer's thread writes every tick, so each send would pull one of them
    /// across cores (which line shares which field depends on where the object lands: the layout-dependent mode in
    /// bench/RESULTS.md, "Fast call path").
    /// </summary>
    internal PaddedInt StatusCell => _status;

    /// <summary>The status cells of <paramref name="peers"/>, for a component to read without touching the peers.</summary>
    internal static PaddedInt[] StatusCellsOf(Shard[] peers)
    {
        var cells = new PaddedInt[peers.Length];
        for (int i = 0; i < peers.Length; i++)
        {
            cells[i] = peers[i].StatusCell;
        }

        return cells;
    }

    /// <summary>A peer's status through its cell (volatile read).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ShardStatus ReadStatus(PaddedInt cell) => (ShardStatus)System.Threading.Volatile.Read(ref cell.Value);

    // The peers' park signals, taken at Connect: FlushOutbound wakes them after every publish (see StatusCell for why
    // not through the peer's Shard object).
    private ShardSignal[] _peerSignals = Array.Empty<ShardSignal>();

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

    public ExternalInbox External => _inboundRings.External;

    /// <summary>This shard's side of the system lane (its rings, backlogs and credit); for checkers and tests.</summary>
    internal SystemLane SystemLane => _systemLane;

    // The supervision side claims system slots through these (watch, unwatch and cancel requests, their acks, Downs).
    private ref Message ClaimSystem(int shard) => ref _systemLane.Claim(shard);

    private ref Message ClaimRequest(int shard) => ref _systemLane.ClaimRequest(shard);

    private void AckRequest(int requester) => _systemLane.Ack(requester);

    /// <summary>The ring this shard consumes from <paramref name="source"/> (null for itself); for the simulator's checkers.</summary>
    public SpscRing? InboundRingFrom(int source) => _inboundRings.RingFrom(source);

    /// <summary>Wires the ring matrix; called once at boot before any thread starts.</summary>
    public void Connect(Shard[] peers, SpscRing?[] outbound, SpscRing?[] inbound)
    {
        _peers = peers;
        _peerSignals = new ShardSignal[peers.Length];
        for (int i = 0; i < peers.Length; i++)
        {
            _peerSignals[i] = peers[i].Signal;
        }

        _roomWaits.Connect(peers);
        _bufferReclaim.Connect(peers);
        TinaSpec spec = _runtime.Spec;
        int[] slotBase = new int[_types.Length + 1];
        for (int type = 0; type < _types.Length; type++)
        {
            slotBase[type + 1] = slotBase[type] + _types[type].SlotCount;
        }

        _systemLane.Connect(peers, slotBase, spec.RingCapacity, spec.BufferCount, spec.WatchCapacity);
        _delivery.Connect(peers, outbound);
        _inboundRings.Connect(peers, inbound);
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
        _bufferReclaim.Sweep(_tickCount);
        bool worked = _systemLane.Drain(this); // first, and completely: system traffic never waits behind user traffic
        worked |= _inboundRings.DrainRings(this);
        worked |= _inboundRings.DrainExternal(this);
        if (_reactor is not null)
        {
            worked |= _reactor.Collect() > 0;
        }

        worked |= Status != ShardStatus.Quarantined && Dispatch();
        _supervision.RebuildIfRequested();
        _reactor?.Flush();
        FlushOutbound();
        worked |= _timers.Advance(_nowNanoseconds, this);
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
        if (_yielded.Count > 0)
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
        if (HasRunnable() || (_systemLane.BacklogCount > 0 && _systemLane.AnyBacklogMovable()) || _bufferReclaim.SweepRequested || _inboundRings.HasDeliverable() || _systemLane.HasInbound()
            || _watches.AnyPendingDownDeliverable()
            || (_roomWaits.Count > 0 && _roomWaits.AnyReady(_clock.NowNanoseconds))
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

        return _timers.AnyDue(_clock.NowNanoseconds);
    }

    /// <summary>
    /// The polling runner's cheap look between empty ticks: published envelopes on a system ring or a user ring that
    /// is not held, an outside post, or a buffer sweep asked for. The shard's own thread only (the rings are polled from
    /// their consumer side); it reads published indices and flags (their producers' release stores) and this shard's
    /// private heads, so a true answer means the next tick has work.
    /// </summary>
    public bool HasArrivals() => _systemLane.HasInbound() || _inboundRings.HasDeliverable() || _bufferReclaim.SweepRequested;

    /// <summary>
    /// Nanoseconds until the next deadline, or -1 when none is pending: the earliest timer, or the reactor's own
    /// (an accept backing off). The park waits no longer, and the simulator's clock jumps no further.
    /// </summary>
    public long NanosecondsUntilNextDeadline()
    {
        long due = _timers.NextDeadlineNanoseconds();
        if (_roomWaits.Count > 0)
        {
            due = Math.Min(due, _roomWaits.EarliestDeadline());
        }

        if (_reactor is not null)
        {
            due = Math.Min(due, _reactor.NextDeadlineNanoseconds);
        }

        return due == long.MaxValue ? -1 : Math.Max(0, due - _clock.NowNanoseconds);
    }

    /// <summary>The wheel tick timers registered now count from (see <see cref="ShardTimers.BaseTick"/>).</summary>
    public long TimerBaseTick => _timers.BaseTick(_nowNanoseconds);

    /// <summary>Timer ticks for a duration (see <see cref="ShardTimers.TicksFor"/>).</summary>
    public long TicksFor(TimeSpan duration) => _timers.TicksFor(duration);

    private void FlushOutbound()
    {
        if (_systemLane.BacklogCount > 0)
        {
            _systemLane.MoveBacklogs();
        }

        for (int target = 0; target < _peers.Length; target++)
        {
            bool published = _delivery.Publish(target);
            published |= _systemLane.Publish(target);
            if (published)
            {
                _peerSignals[target].Wake();
            }
        }
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
}
