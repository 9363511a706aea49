using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Tina.Messaging;
using Tina.Scheduling;

// Over 400 lines on purpose: this is the whole public facade (create, spawn, start, outside send/call, stop and
// shutdown, health and stats). Each entry is a few lines of argument and thread checks that then hand the work to a
// shard; keeping them together keeps the facade's threading rules (which calls a shard thread may make) in one place.

namespace Tina;

/// <summary>
/// A running set of shards built from a <see cref="TinaSpec"/>. Create it, spawn the first isolates, start it,
/// and stop it. Everything is allocated in <see cref="Create"/>; nothing on the message path allocates afterwards.
/// </summary>
/// <example>
/// <code>
/// var spec = new TinaSpec { ShardCount = 2 };
/// spec.AddIsolate&lt;Counter&gt;(slots: 16);
/// using var runtime = TinaRuntime.Create(spec);
/// Handle counter = runtime.Spawn&lt;Counter&gt;(shard: 0).Handle;
/// runtime.Start();
/// runtime.Send(counter, new Add(5));
/// </code>
/// </example>
public sealed class TinaRuntime : IDisposable
{
    private readonly Shard[] _shards;
    private readonly ShardRunner?[] _runners;
    private readonly Dictionary<Type, int> _typeIndex = new();
    private readonly ManualResetEventSlim _stopRequested = new(false);
    private readonly TinaSpec _spec;
    private int _started;   // 0 created, 1 started; set once by Start
    private int _stopping;  // 1 once Stop has begun; read by every shard loop
    private int _shutdownPhase;          // 0 none, 1 drain, 3 force; written by Shutdown, read by every shard tick
    private long _shutdownDeadlineNanoseconds; // clock reading at which phase 3 begins
    private Watchdog? _watchdog;

    // The runtime whose shard this thread is running: set once by a shard thread when it starts (ShardRunner.Run),
    // and by RunRound's caller for the length of a round. Written and read only by the thread it belongs to.
    [ThreadStatic]
    private static TinaRuntime? t_driving;

    private TinaRuntime(TinaSpec spec)
    {
        _spec = spec;
        RuntimeTag = RuntimeTags.Acquire(this); // first: the shards stamp it into every handle they issue
        OutsideCalls = new OutsideCalls(spec.OutsideCallCapacity, RuntimeTag);
        try
        {
            _shards = Build(spec, out _runners);
        }
        catch
        {
            RuntimeTags.Release(RuntimeTag, this);
            throw;
        }
    }

    /// <summary>This runtime's tag in every handle it issues; unique among the live runtimes of the process.</summary>
    internal int RuntimeTag { get; }

    /// <summary>Calls from outside in flight (<see cref="CallAsync{TRequest}"/>).</summary>
    internal OutsideCalls OutsideCalls { get; }

    /// <summary>Outside calls in flight now.</summary>
    public int OutsideCallsInFlight => OutsideCalls.InFlight;

    /// <summary>Outside calls refused at once because <see cref="TinaSpec.OutsideCallCapacity"/> were in flight.</summary>
    public long OutsideCallsRefused => OutsideCalls.Refused;

    /// <summary>Replies (or failures) to outside calls that had already ended (timed out or cancelled): dropped.</summary>
    public long OutsideRepliesLate => OutsideCalls.LateReplies;

    private Shard[] Build(TinaSpec spec, out ShardRunner?[] runners)
    {
        int shardCount = spec.ShardCount;
        for (int i = 0; i < spec.Isolates.Count; i++)
        {
            _typeIndex[spec.Isolates[i].IsolateType] = i;
        }

        var shards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++)
        {
            shards[i] = new Shard(this, i, spec);
        }

        // The ring matrix: one SPSC ring per ordered pair (i → j), produced by i and consumed by j.
        var rings = new SpscRing?[shardCount, shardCount];
        for (int i = 0; i < shardCount; i++)
        {
            for (int j = 0; j < shardCount; j++)
            {
                rings[i, j] = i == j ? null : new SpscRing(spec.RingCapacity);
            }
        }

        for (int i = 0; i < shardCount; i++)
        {
            var outbound = new SpscRing?[shardCount];
            var inbound = new SpscRing?[shardCount];
            for (int j = 0; j < shardCount; j++)
            {
                outbound[j] = rings[i, j];
                inbound[j] = rings[j, i];
            }

            shards[i].Connect(shards, outbound, inbound);
        }

        runners = new ShardRunner?[shardCount];
        return shards;
    }

    /// <summary>Validates the spec and allocates every shard. Throws <see cref="TinaConfigurationException"/> on a bad field.</summary>
    public static TinaRuntime Create(TinaSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        return new TinaRuntime(spec);
    }

    /// <summary>The number of shards.</summary>
    public int ShardCount => _shards.Length;

    /// <summary>True once <see cref="Start"/> has run.</summary>
    public bool IsStarted => Volatile.Read(ref _started) != 0;

    internal bool IsStopping => Volatile.Read(ref _stopping) != 0;

    internal IRuntimeObserver? Observer { get; set; }

    internal IFaultInjector? Faults { get; set; }

    /// <summary>Stepped by a <c>DeterministicRuntime</c> on its caller's thread: <see cref="Start"/> is refused.</summary>
    internal bool IsDriven { get; set; }

    internal Shard ShardAt(int index) => _shards[index];

    internal int ShutdownPhase => Volatile.Read(ref _shutdownPhase);

    internal long ShutdownBudgetTicksFor(Shard shard) =>
        shard.TicksFor(TimeSpan.FromTicks(Math.Max(1, (Volatile.Read(ref _shutdownDeadlineNanoseconds) - shard.NowNanoseconds) / 100)));

    internal TinaSpec Spec => _spec;

    /// <summary>The runtime whose shard the calling thread runs, or null (see <c>t_driving</c>).</summary>
    internal static TinaRuntime? DrivingRuntime
    {
        get => t_driving;
        set => t_driving = value;
    }

    /// <summary>
    /// Spawns an isolate before <see cref="Start"/> (the boot-time roots). After start, use
    /// <see cref="PostSpawn{TIsolate, TStart}(int, in TStart)"/> or spawn from an isolate.
    /// </summary>
    public SpawnResult Spawn<TIsolate>(int shard)
        where TIsolate : IIsolate =>
        Spawn<TIsolate, NoStart>(shard, default, hasStart: false);

    /// <summary>Spawns an isolate before <see cref="Start"/> with a start message.</summary>
    public SpawnResult Spawn<TIsolate, TStart>(int shard, in TStart start)
        where TIsolate : IIsolate
        where TStart : unmanaged =>
        Spawn<TIsolate, TStart>(shard, start, hasStart: true);

    private SpawnResult Spawn<TIsolate, TStart>(int shard, in TStart start, bool hasStart)
        where TIsolate : IIsolate
        where TStart : unmanaged
    {
        if (IsStarted)
        {
            throw new InvalidOperationException("Spawn before Start; afterwards use PostSpawn or spawn from an isolate.");
        }

        return ShardArgument(shard).Spawn(TypeIndexOf(typeof(TIsolate)), Handle.None, in start, hasStart);
    }

    /// <summary>Starts one thread per shard (pinned per the core map unless pinning is off).</summary>
    public void Start()
    {
        if (IsDriven)
        {
            throw new InvalidOperationException("This runtime is stepped by a DeterministicRuntime on its caller's thread; it never starts threads.");
        }

        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The runtime is already started.");
        }

        int[] cpus = ShardCpus(_spec);
        for (int i = 0; i < _shards.Length; i++)
        {
            _runners[i] = new ShardRunner(_shards[i], this, cpus[i], _spec.IdlePollTicks, SharesCpu(cpus, i));
        }

        foreach (ShardRunner? runner in _runners)
        {
            runner!.Start();
        }

        if (_spec.WatchdogInterval > TimeSpan.Zero)
        {
            _watchdog = new Watchdog(this, _spec.WatchdogInterval, _spec.StallTimeout);
            _watchdog.Start();
        }
    }

    /// <summary>
    /// Sends a message from outside the runtime (any thread) through the target shard's external inbox.
    /// <see cref="SendResult.Ok"/> means enqueued; a full inbox is <see cref="SendResult.ExternalInboxFull"/>.
    /// </summary>
    public SendResult Send<T>(Handle target, in T message)
        where T : unmanaged
    {
        int shard = target.Shard;
        if (target.IsNone || (uint)shard >= (uint)_shards.Length)
        {
            return SendResult.StaleHandle;
        }

        if (target.RuntimeTag != RuntimeTag)
        {
            return SendResult.ForeignHandle; // issued by another runtime: it names nothing here
        }

        Shard destination = _shards[shard];
        if (destination.Status != ShardStatus.Running || IsStopping || ShutdownPhase != 0)
        {
            return SendResult.ShardUnavailable;
        }

        Message envelope = default;
        envelope.SetHeader(target, Handle.None, MessageKind.User, 0);
        envelope.SetPayload(in message);
        return Post(destination, in envelope);
    }

    /// <summary>
    /// Calls an isolate from outside the runtime (any thread: an ASP.NET Core endpoint, a BackgroundService) and
    /// completes with its reply or with the <see cref="CallStatus"/> that ended the call: the callee failed it or
    /// exited owing it, the request could not be delivered, the timeout elapsed (<see cref="CallStatus.Timeout"/>),
    /// or <paramref name="cancellationToken"/> was cancelled first (<see cref="CallStatus.Cancelled"/>; a later
    /// reply is dropped and counted in <see cref="OutsideRepliesLate"/>). Bounded: at most
    /// <see cref="TinaSpec.OutsideCallCapacity"/> in flight, the surplus refused at once with
    /// <see cref="CallStatus.OutsideCallsFull"/>. No allocation per call in steady state (pooled sources; the
    /// continuation runs on the thread pool, never on a shard).
    /// </summary>
    /// <param name="target">The isolate to call.</param>
    /// <param name="request">The request; the callee sees a message of kind Call.</param>
    /// <param name="timeout">How long to wait (more than zero, at most one day).</param>
    /// <param name="cancellationToken">Ends the wait early.</param>
    public ValueTask<CallAnswer> CallAsync<TRequest>(Handle target, in TRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
        where TRequest : unmanaged
    {
        if (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "must be more than zero and at most one day");
        }

        int shard = target.Shard;
        if (target.IsNone || (uint)shard >= (uint)_shards.Length || target.RuntimeTag != RuntimeTag)
        {
            return new ValueTask<CallAnswer>(new CallAnswer(CallStatus.StaleHandle, default));
        }

        Shard destination = _shards[shard];
        if (destination.Status != ShardStatus.Running || IsStopping || ShutdownPhase != 0)
        {
            return new ValueTask<CallAnswer>(new CallAnswer(CallStatus.ShardUnavailable, default));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<CallAnswer>(new CallAnswer(CallStatus.Cancelled, default));
        }

        if (!OutsideCalls.TryRent(out OutsideCall? call))
        {
            return new ValueTask<CallAnswer>(new CallAnswer(CallStatus.OutsideCallsFull, default));
        }

        // Armed before the post: the reply may come back before this method returns, and must find the call ready.
        uint generation = call!.Generation;
        call.Arm(timeout, cancellationToken);
        Message envelope = default;
        envelope.SetHeader(target, OutsideCalls.CallerOf(call), MessageKind.Call, generation);
        envelope.SetPayload(in request);
        SendResult posted = Post(destination, in envelope);
        if (posted != SendResult.Ok)
        {
            call.TryFinish(generation, posted == SendResult.ExternalInboxFull ? CallStatus.ExternalInboxFull : CallStatus.ShardUnavailable, default);
        }

        return new ValueTask<CallAnswer>(call, call.Token);
    }

    /// <summary>Spawns an isolate on a shard from outside the runtime, after start. Ok means the request was enqueued.</summary>
    public SendResult PostSpawn<TIsolate, TStart>(int shard, in TStart start)
        where TIsolate : IIsolate
        where TStart : unmanaged
    {
        Shard destination = ShardArgument(shard);
        if (destination.Status != ShardStatus.Running || IsStopping || ShutdownPhase != 0)
        {
            return SendResult.ShardUnavailable;
        }

        Message envelope = BuildSpawnRequest(shard, TypeIndexOf(typeof(TIsolate)), RuntimeTag, Handle.None, in start);
        return Post(destination, in envelope);
    }

    private static SendResult Post(Shard destination, in Message envelope)
    {
        if (!destination.External.TryPost(in envelope))
        {
            destination.Counters.IncrementShared(ShardCounter.ExternalInboxFull); // any number of outside threads: interlocked
            return SendResult.ExternalInboxFull;
        }

        destination.Signal.Wake();
        return SendResult.Ok;
    }

    internal SendResult SpawnOnFrom<TStart>(Shard from, int shard, int typeIndex, in TStart start, out SpawnStatus status)
        where TStart : unmanaged
    {
        if ((uint)shard >= (uint)_shards.Length)
        {
            status = SpawnStatus.NotRequested;
            return SendResult.StaleHandle;
        }

        if (shard == from.Id)
        {
            // The caller's own shard: the spawn runs now, so its real status is known and reported.
            status = from.Spawn(typeIndex, from.CurrentHandle, in start, hasStart: true).Status;
            return status switch
            {
                SpawnStatus.Ok => SendResult.Ok,
                SpawnStatus.PoolExhausted => SendResult.PoolExhausted,
                SpawnStatus.NotAccepting => SendResult.ShardUnavailable,
                _ => SendResult.SpawnFailed,
            };
        }

        Message envelope = BuildSpawnRequest(shard, typeIndex, RuntimeTag, from.CurrentHandle, in start);
        SendResult sent = from.SendEnvelope(ref envelope); // another shard: the ring path, with its checks and counters
        status = sent == SendResult.Ok ? SpawnStatus.Requested : SpawnStatus.NotRequested;
        return sent;
    }

    private static Message BuildSpawnRequest<TStart>(int shard, int typeIndex, int runtimeTag, Handle source, in TStart start)
        where TStart : unmanaged
    {
        Message envelope = default;
        // The target names the shard, type and runtime only (slot 0, generation 0): the receiving spawner picks the slot.
        var target = new Handle(
            ((ulong)(uint)shard << Handle.ShardShift) | ((ulong)(uint)typeIndex << Handle.TypeShift) | ((ulong)(uint)runtimeTag << Handle.RuntimeTagShift));
        envelope.SetHeader(target, source, MessageKind.SpawnRequest, 0);
        envelope.SetPayload(in start);
        envelope.Auxiliary = 1; // has a start message
        return envelope;
    }

    /// <summary>Index of a registered isolate type; throws for an unregistered one (a programming error).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int TypeIndexOf(Type isolateType)
    {
        if (!_typeIndex.TryGetValue(isolateType, out int index))
        {
            ThrowHelper.ThrowInvalidOperation($"Isolate type {isolateType.Name} is not registered in the boot spec (TinaSpec.AddIsolate).");
        }

        return index;
    }

    /// <summary>
    /// Runs one tick of every shard on the calling thread, in <paramref name="order"/> (shard indices) or in index
    /// order. The deterministic driver for tests and the simulator; invalid once threads are started.
    /// </summary>
    /// <returns>True when any shard did work or has work left.</returns>
    internal bool RunRound(ReadOnlySpan<int> order = default)
    {
        if (IsStarted)
        {
            ThrowHelper.ThrowInvalidOperation("RunRound drives an unstarted runtime on the caller's thread.");
        }

        bool worked = false;
        TinaRuntime? previous = t_driving;
        t_driving = this; // handlers run on this thread for the round: Stop/Shutdown/Dispose from them are refused
        try
        {
            if (order.IsEmpty)
            {
                foreach (Shard shard in _shards)
                {
                    worked |= shard.RunTick();
                }
            }
            else
            {
                foreach (int index in order)
                {
                    worked |= _shards[index].RunTick();
                }
            }
        }
        finally
        {
            t_driving = previous;
        }

        return worked;
    }

    /// <summary>Runs rounds until no shard has work (or <paramref name="maxRounds"/>); returns the rounds run.</summary>
    internal int RunUntilIdle(int maxRounds = 1_000_000)
    {
        int rounds = 0;
        while (rounds < maxRounds)
        {
            rounds++;
            if (!RunRound() && !AnyPendingWork())
            {
                break;
            }
        }

        return rounds;
    }

    /// <summary>
    /// The CPU each shard's thread is pinned to, or -1 for unpinned: the core map's entry, or the shard's default CPU
    /// when there is no map; all -1 when pinning is off or unsupported here.
    /// </summary>
    internal static int[] ShardCpus(TinaSpec spec)
    {
        var cpus = new int[spec.ShardCount];
        for (int i = 0; i < cpus.Length; i++)
        {
            cpus[i] = !spec.PinThreads || !ThreadAffinity.IsSupported ? -1
                : spec.CoreMap is not null ? spec.CoreMap[i]
                : ThreadAffinity.DefaultCpuFor(i);
        }

        return cpus;
    }

    /// <summary>
    /// Whether shard <paramref name="shard"/>'s thread competes with another shard's for one CPU: pinned to a CPU
    /// another shard is pinned to (a core map may ask for that), or unpinned with more shard threads than CPUs. Such a
    /// shard gives its CPU away between empty ticks instead of spinning (see <see cref="ShardRunner"/>).
    /// </summary>
    internal static bool SharesCpu(int[] cpus, int shard)
    {
        if (cpus[shard] < 0)
        {
            return cpus.Length > Environment.ProcessorCount;
        }

        for (int other = 0; other < cpus.Length; other++)
        {
            if (other != shard && cpus[other] == cpus[shard])
            {
                return true;
            }
        }

        return false;
    }

    private bool AnyPendingWork()
    {
        foreach (Shard shard in _shards)
        {
            if (shard.HasPendingWork())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Asks the runtime to stop: <see cref="WaitForStopRequest"/> returns. Any thread.</summary>
    public void RequestStop() => _stopRequested.Set();

    /// <summary>
    /// Blocks until an isolate or another thread calls <see cref="RequestStop"/>, or the timeout passes.
    /// <see cref="Timeout.InfiniteTimeSpan"/>, or a timeout longer than <see cref="int.MaxValue"/> milliseconds, waits
    /// without a bound; any other negative timeout is an <see cref="ArgumentOutOfRangeException"/>.
    /// </summary>
    public bool WaitForStopRequest(TimeSpan timeout)
    {
        ThrowIfNotATimeout(timeout);
        return _stopRequested.Wait(timeout == Timeout.InfiniteTimeSpan || timeout.TotalMilliseconds > int.MaxValue ? Timeout.Infinite : (int)Math.Ceiling(timeout.TotalMilliseconds));
    }

    /// <summary>
    /// Graceful shutdown in three phases: (1) stop admitting work and give every isolate a Shutdown notice;
    /// (2) let them drain, without restarts, until none is left or <paramref name="timeout"/> passes; (3) tear down
    /// what remains and join the shard threads. Every call an exiting isolate still owes fails with
    /// <see cref="CallStatus.ShuttingDown"/>.
    /// </summary>
    /// <param name="timeout">
    /// The drain budget: zero or more; <see cref="Timeout.InfiniteTimeSpan"/> (or any budget too long to represent,
    /// <see cref="TimeSpan.MaxValue"/> included) drains without a deadline.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A negative timeout other than <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// Called on one of this runtime's shard threads (from a handler: it would wait for its own thread), or on a
    /// runtime that was never started. Nothing has changed when it throws. A handler asks for a stop with
    /// <see cref="Context.RequestStop"/>; the host thread then calls Shutdown.
    /// </exception>
    public ShutdownReport Shutdown(TimeSpan timeout)
    {
        // Every check comes before the first state change, so a refused call leaves the runtime running.
        ThrowIfNotATimeout(timeout);
        ThrowIfOnOwnShardThread(nameof(Shutdown));
        if (!IsStarted)
        {
            throw new InvalidOperationException("Shutdown stops a started runtime; an unstarted one just needs Dispose.");
        }

#pragma warning disable RS0030 // Shutdown runs on the caller's thread (never a shard: checked above) and waits for the shards by wall time
        long started = Stopwatch.GetTimestamp();
        long droppedBefore = Total(ShardCounter.TeardownDrops) + InboundDrops();
        Volatile.Write(ref _shutdownDeadlineNanoseconds, SaturatingDeadline(_spec.Clock.NowNanoseconds, timeout));
        Interlocked.Exchange(ref _shutdownPhase, 1);
        WakeAll();
        long drainUntil = DeadlineTimestamp(started, timeout);
        while (!Passed(drainUntil) && !AllShards(s => s.PublishedStage != ShutdownStage.None && s.PublishedLive == 0))
        {
            Thread.Sleep(1);
        }

        Interlocked.Exchange(ref _shutdownPhase, 3);
        WakeAll();
        long forceUntil = DeadlineTimestamp(Stopwatch.GetTimestamp(), TimeSpan.FromSeconds(5));
        while (!Passed(forceUntil) && !AllShards(s => s.PublishedStage == ShutdownStage.Done))
        {
            Thread.Sleep(1);
        }

        bool joined = Stop(TimeSpan.FromSeconds(5));
        long drained = 0;
        long forced = 0;
        foreach (Shard shard in _shards)
        {
            drained += shard.ShutdownDrained;
            forced += shard.ShutdownForced;
        }

        long dropped = Total(ShardCounter.TeardownDrops) + InboundDrops() - droppedBefore;
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
#pragma warning restore RS0030
        return new ShutdownReport(drained, forced, dropped, elapsed, joined);
    }

    /// <summary>Zero or more, or <see cref="Timeout.InfiniteTimeSpan"/>; anything else is refused.</summary>
    private static void ThrowIfNotATimeout(TimeSpan timeout, [CallerArgumentExpression(nameof(timeout))] string? name = null)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, timeout, "A timeout must be zero or more, or Timeout.InfiniteTimeSpan for none.");
        }
    }

    /// <summary>
    /// The rule: Stop, Shutdown and Dispose wait for the shard threads, so they may not run on one (a handler). Refused
    /// at once rather than waiting out the timeout for a thread that cannot exit while it waits.
    /// </summary>
    private void ThrowIfOnOwnShardThread(string operation)
    {
        if (ReferenceEquals(t_driving, this))
        {
            ThrowHelper.ThrowInvalidOperation(
                $"{operation} was called on a shard thread of this runtime (from a handler). It waits for every shard thread, its own included, "
                + "so it may only be called from outside the runtime: ask with ctx.RequestStop() and let the host thread call Shutdown or Stop.");
        }
    }

    /// <summary><paramref name="now"/> + <paramref name="timeout"/> in clock nanoseconds; long.MaxValue for none or on overflow.</summary>
    private static long SaturatingDeadline(long now, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan || timeout.Ticks >= (long.MaxValue - Math.Max(0, now)) / 100)
        {
            return long.MaxValue;
        }

        return now + (timeout.Ticks * 100);
    }

    /// <summary>The Stopwatch timestamp <paramref name="timeout"/> after <paramref name="start"/>; long.MaxValue for none or on overflow.</summary>
#pragma warning disable RS0030 // deadlines of the outside caller's waits (Stop, Shutdown, Join), never read on a shard thread
    private static long DeadlineTimestamp(long start, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return long.MaxValue;
        }

        double ticks = timeout.TotalSeconds * Stopwatch.Frequency;
        return ticks >= long.MaxValue - start ? long.MaxValue : start + (long)ticks;
    }

    private static bool Passed(long deadlineTimestamp) =>
        deadlineTimestamp != long.MaxValue && Stopwatch.GetTimestamp() >= deadlineTimestamp;

    /// <summary>Milliseconds left until a deadline timestamp, for Thread.Join: Timeout.Infinite for none (or beyond int range).</summary>
    private static int RemainingMilliseconds(long deadlineTimestamp)
    {
        if (deadlineTimestamp == long.MaxValue)
        {
            return Timeout.Infinite;
        }

        double milliseconds = Math.Ceiling((deadlineTimestamp - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency);
        return milliseconds >= int.MaxValue ? Timeout.Infinite : (int)Math.Max(0, milliseconds);
#pragma warning restore RS0030
    }

    private long InboundDrops() =>
        Total(ShardCounter.InboundMailboxFull) + Total(ShardCounter.InboundPoolExhausted) + Total(ShardCounter.InboundStaleHandle)
        + Total(ShardCounter.QuarantineDrops);

    private bool AllShards(Func<Shard, bool> predicate)
    {
        foreach (Shard shard in _shards)
        {
            if (!predicate(shard))
            {
                return false;
            }
        }

        return true;
    }

    private void WakeAll()
    {
        foreach (Shard shard in _shards)
        {
            shard.Signal.ForceWake();
        }
    }

    /// <summary>Begins a shutdown phase without threads (the deterministic driver and the simulator).</summary>
    internal void BeginShutdownPhase(int phase, TimeSpan budget)
    {
        Volatile.Write(ref _shutdownDeadlineNanoseconds, SaturatingDeadline(_spec.Clock.NowNanoseconds, budget));
        Interlocked.Exchange(ref _shutdownPhase, phase);
    }

    /// <summary>A shard's health: stalled (watchdog), quarantined, stopped, or healthy.</summary>
    public ShardHealth GetHealth(int shard)
    {
        ShardStatus status = ShardArgument(shard).Status;
        if (status == ShardStatus.Quarantined)
        {
            return ShardHealth.Quarantined;
        }

        if (status == ShardStatus.Stopped)
        {
            return ShardHealth.Stopped;
        }

        return _watchdog is not null && _watchdog.IsStalled(shard) ? ShardHealth.Stalled : ShardHealth.Healthy;
    }

    /// <summary>Stalls the watchdog has detected on a shard since start.</summary>
    public long StallCount(int shard) => _watchdog?.StallCount(shard) ?? 0;

    /// <summary>Stops every shard thread and waits for them to exit. Idempotent.</summary>
    /// <param name="timeout">
    /// How long to wait for the threads: zero or more; <see cref="Timeout.InfiniteTimeSpan"/> (or any timeout too long
    /// to represent, <see cref="TimeSpan.MaxValue"/> included) waits without a bound.
    /// </param>
    /// <returns>True when every shard thread exited within <paramref name="timeout"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A negative timeout other than <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// Called on one of this runtime's shard threads (from a handler); nothing has changed when it throws. A handler
    /// asks with <see cref="Context.RequestStop"/>.
    /// </exception>
    public bool Stop(TimeSpan timeout)
    {
        ThrowIfNotATimeout(timeout);
        ThrowIfOnOwnShardThread(nameof(Stop));
#pragma warning disable RS0030 // Stop runs on the caller's thread (never a shard: checked above)
        long deadline = DeadlineTimestamp(Stopwatch.GetTimestamp(), timeout);
#pragma warning restore RS0030
        Interlocked.Exchange(ref _stopping, 1);
        _stopRequested.Set();
        _watchdog?.Stop();
        WakeAll();

        bool allJoined = true;
        foreach (ShardRunner? runner in _runners)
        {
            if (runner is null)
            {
                continue;
            }

            allJoined &= runner.Join(RemainingMilliseconds(deadline));
        }

        return allJoined;
    }

    /// <summary>
    /// Whether <paramref name="handle"/> names a live isolate of this runtime, read from any thread. A snapshot: the
    /// isolate may exit right after a true answer; a false answer for a handle that was once live is final (its
    /// generation has moved on).
    /// </summary>
    public bool IsAlive(Handle handle)
    {
        return !handle.IsNone && (uint)handle.Shard < (uint)_shards.Length && _shards[handle.Shard].IsAlive(handle);
    }

    /// <summary>A snapshot of one shard's counters.</summary>
    public ShardStats GetStats(int shard)
    {
        return new ShardStats(shard, ShardArgument(shard).Counters);
    }

    /// <summary>The shard a public method names by index; throws <see cref="ArgumentOutOfRangeException"/> outside [0, ShardCount).</summary>
    private Shard ShardArgument(int shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, _shards.Length);
        return _shards[shard];
    }

    /// <summary>Sums one counter over every shard.</summary>
    public long Total(ShardCounter counter)
    {
        long total = 0;
        foreach (Shard shard in _shards)
        {
            total += shard.Counters.Read(counter);
        }

        return total;
    }

    /// <summary>Stops the runtime (waiting up to 10 s) and releases its resources.</summary>
    /// <exception cref="InvalidOperationException">
    /// Called on one of this runtime's shard threads (from a handler), where it would wait for its own thread;
    /// nothing is released when it throws.
    /// </exception>
    public void Dispose()
    {
        ThrowIfOnOwnShardThread(nameof(Dispose));
        bool stopped = Stop(TimeSpan.FromSeconds(10));
        if (!IsStarted)
        {
            // Driven by RunRound on the caller's thread: no shard thread disposes the reactors, so do it here.
            // (A started runtime's shard threads dispose their own, so a thread that failed to stop keeps its reactor.)
            foreach (Shard shard in _shards)
            {
                shard.DisposeReactor();
            }
        }

        if (stopped)
        {
            foreach (Shard shard in _shards)
            {
                shard.Signal.Dispose();
            }
        }

        _watchdog?.Dispose();
        _stopRequested.Dispose();
        if (stopped)
        {
            // No thread of this runtime runs any more: its tag may go to the next runtime.
            RuntimeTags.Release(RuntimeTag, this);
        }
    }
}
