using System;
using System.Collections.Generic;
using Tina.Advanced;

// Over 400 lines on purpose: a quarter is XML documentation of the kit's public API, and the rest is one type a
// user's test drives (send, call, run until idle, clock, inspection) over a single hidden runtime.

namespace Tina.Testing;

/// <summary>
/// Drives one isolate of type <typeparamref name="TIsolate"/> synchronously, on the calling thread, with a clock that
/// moves only when the test says so: hand it messages and calls, read the <see cref="Effect"/> each invocation
/// returned, catch what it sends in <see cref="TestProbe"/>s, and fire its timers with <see cref="Advance"/>.
/// </summary>
/// <remarks>
/// Built on a one-shard <see cref="DeterministicRuntime"/>: every step runs shard ticks on the caller's thread until
/// nothing more can happen without time moving. The kit's own clock starts at zero and stands still while ticks run,
/// so a timer's message is handled at exactly its deadline. A test that wants to own the clock passes a
/// <see cref="TimeProvider"/> instead (for example <c>FakeTimeProvider</c> from Microsoft.Extensions.TimeProvider.Testing):
/// it moves that clock itself and calls <see cref="RunUntilIdle"/>, and due timers fire on the next tick, as on a
/// running shard. Everything else is the real runtime: mailbox capacities, call timeouts, deferred replies, crashes
/// (a handler exception ends the isolate; its message is in <see cref="Logs"/>). Not thread-safe; one kit per test.
/// </remarks>
/// <example>
/// <code>
/// using var kit = new IsolateTestKit&lt;Counter&gt;();
/// Assert.That(kit.Deliver(new Add(5)), Is.EqualTo(Effect.Receive));
/// kit.Call(new Get(), out Message reply);
/// Assert.That(reply.As&lt;Total&gt;().Value, Is.EqualTo(5));
/// </code>
/// </example>
/// <typeparam name="TIsolate">The isolate type under test.</typeparam>
public sealed class IsolateTestKit<TIsolate> : IDisposable
    where TIsolate : IIsolate, new()
{
    /// <summary>Rounds <see cref="RunUntilIdle"/> runs before it decides the isolate never settles (a yield loop).</summary>
    public const int RoundsMax = 100_000;

    private static readonly TimeSpan s_defaultCallTimeout = TimeSpan.FromSeconds(5);

    private readonly ManualTimeProvider? _clock;   // the kit's own clock, or null when the test passed its own
    private readonly long _startTimestamp;         // the clock's reading at creation: Now is measured from it
    private readonly CapturingLogSink _logs = new();
    private readonly DeterministicRuntime _driver;
    private readonly KitObserver _observer;
    private readonly TestProbe _caller;      // the kit's own probe: makes the calls of Call and BeginCall
    private uint _nextMarker;                // tags the envelope Deliver is waiting for

    /// <summary>Creates a kit with its own manual clock and spawns the isolate under test without a start message.</summary>
    public IsolateTestKit()
        : this(time: null, configure: null, spawn: null)
    {
    }

    /// <summary>Creates a kit with its own manual clock and spawns the isolate under test without a start message.</summary>
    /// <param name="configure">
    /// Adjusts the one-shard spec: register the types the isolate spawns, change capacities (the isolate under test
    /// is <c>spec.Isolates[0]</c>: 4 slots, mailbox 64). Shard count and logging stay the kit's.
    /// </param>
    public IsolateTestKit(Action<TinaSpec>? configure)
        : this(time: null, configure, spawn: null)
    {
    }

    /// <summary>
    /// Creates a kit whose shard reads <paramref name="time"/> and spawns the isolate under test without a start
    /// message. The test moves the clock (then <see cref="RunUntilIdle"/>); <see cref="Advance"/> is refused.
    /// </summary>
    /// <param name="time">The clock, for example a <c>FakeTimeProvider</c>; the kit's zero is its reading now.</param>
    /// <param name="configure">As for <see cref="IsolateTestKit{TIsolate}(Action{TinaSpec})"/>.</param>
    public IsolateTestKit(TimeProvider time, Action<TinaSpec>? configure = null)
        : this(time ?? throw new ArgumentNullException(nameof(time)), configure, spawn: null)
    {
    }

    private IsolateTestKit(TimeProvider? time, Action<TinaSpec>? configure, Func<TinaRuntime, SpawnResult>? spawn)
    {
        var spec = new TinaSpec
        {
            MessagePoolCapacity = 1024,
            RingCapacity = 16,
            ExternalInboxCapacity = 16,
            TimerCapacity = 1024,
            TimerSpokeCount = 256,
            BufferCount = 16,
            MinimumLogLevel = TinaLogLevel.Trace,
        };
        spec.AddIsolate<TIsolate>(slots: 4, mailboxCapacity: 64);
        configure?.Invoke(spec);
        spec.AddIsolate<ProbeIsolate>(slots: 64, mailboxCapacity: 1024);
        spec.ShardCount = 1;
        spec.CoreMap = null;
        spec.IdlePollTicks = 0;
        spec.LogSink = _logs;

        if (time is null)
        {
            _clock = new ManualTimeProvider();
            time = _clock;
        }

        _startTimestamp = time.GetTimestamp();
        _driver = new DeterministicRuntime(spec, time);
        _observer = new KitObserver();
        _driver.Observer = _observer;
        _caller = CreateProbe();
        SpawnResult spawned = spawn is null ? _driver.Runtime.Spawn<TIsolate>(0) : spawn(_driver.Runtime);
        if (!spawned.IsOk)
        {
            throw new InvalidOperationException($"The isolate under test did not spawn: {spawned.Status}.");
        }

        Self = spawned.Handle;
        _observer.Self = Self;
        RunUntilIdle();
    }

    /// <summary>
    /// Creates a kit whose isolate under test is spawned with <paramref name="start"/> as its first message (kind
    /// <see cref="MessageKind.Start"/>), already handled when this returns (see <see cref="LastEffect"/>).
    /// </summary>
    /// <typeparam name="TStart">The start payload type.</typeparam>
    /// <param name="start">The start payload.</param>
    /// <param name="configure">As for <see cref="IsolateTestKit{TIsolate}(Action{TinaSpec})"/>.</param>
    /// <param name="time">The clock, as for <see cref="IsolateTestKit{TIsolate}(TimeProvider, Action{TinaSpec})"/>; null: the kit's own.</param>
    public static IsolateTestKit<TIsolate> WithStart<TStart>(in TStart start, Action<TinaSpec>? configure = null, TimeProvider? time = null)
        where TStart : unmanaged
    {
        TStart copy = start;
        return new IsolateTestKit<TIsolate>(time, configure, runtime => runtime.Spawn<TIsolate, TStart>(0, in copy));
    }

    /// <summary>The isolate under test.</summary>
    public Handle Self { get; }

    /// <summary>
    /// Time since the kit was created, on its clock: the kit's own moves only by <see cref="Advance"/>; a clock the test
    /// passed moves when the test moves it.
    /// </summary>
    public TimeSpan Now => _driver.Time.GetElapsedTime(_startTimestamp);

    /// <summary>True until the isolate under test exits.</summary>
    public bool IsAlive => _driver.Runtime.IsAlive(Self);

    /// <summary>How the isolate under test ended, or null while it is alive.</summary>
    public ExitOutcome? Exit => _observer.Exit;

    /// <summary>The effect of the isolate's latest invocation (<see cref="Effect.Crash"/> when its handler threw).</summary>
    public Effect LastEffect => _observer.LastEffect;

    /// <summary>Invocations of the isolate under test so far.</summary>
    public int Invocations => _observer.Invocations;

    /// <summary>Every log record written so far, the runtime's included (a handler exception is logged as an error).</summary>
    public IReadOnlyList<LogRecord> Logs => _logs.Records;

    /// <summary>
    /// The isolate instance, to assert on its state (a reference into the shard's slot: for a struct isolate this is
    /// the live value). Throws <see cref="InvalidOperationException"/> once the isolate has exited.
    /// </summary>
    public ref TIsolate Instance
    {
        get
        {
            if (!IsAlive)
            {
                throw new InvalidOperationException($"The isolate under test has exited ({Exit}).");
            }

            return ref _driver.InstanceOf<TIsolate>(Self);
        }
    }

    /// <summary>Creates a probe: an isolate that records what it is sent.</summary>
    public TestProbe CreateProbe()
    {
        SpawnResult spawned = _driver.Runtime.Spawn<ProbeIsolate>(0);
        if (!spawned.IsOk)
        {
            throw new InvalidOperationException($"No probe could be created: {spawned.Status} (64 probes at most).");
        }

        var probe = new TestProbe(spawned.Handle);
        _driver.InstanceOf<ProbeIsolate>(spawned.Handle).Owner = probe;
        return probe;
    }

    /// <summary>Queues a message for the isolate without running anything (see <see cref="RunUntilIdle"/>).</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="message">The payload.</param>
    /// <param name="from">The probe to show as the message's source, or null for none.</param>
    /// <returns>The send's result: a full mailbox is <see cref="SendResult.MailboxFull"/>, an exited isolate <see cref="SendResult.StaleHandle"/>.</returns>
    public SendResult Post<T>(in T message, TestProbe? from = null)
        where T : unmanaged =>
        _driver.Send(from?.Handle ?? Handle.None, Self, in message);

    /// <summary>
    /// Delivers one message to the isolate, runs until nothing more can happen without time moving, and returns the
    /// effect the invocation that handled it returned (<see cref="Effect.Crash"/> if its handler threw).
    /// Throws <see cref="InvalidOperationException"/> when the message was refused or not handled (the isolate is
    /// waiting for a reply: <see cref="Advance"/> the clock).
    /// </summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="message">The payload.</param>
    /// <param name="from">The probe to show as the message's source (the isolate may answer it), or null for none.</param>
    public Effect Deliver<T>(in T message, TestProbe? from = null)
        where T : unmanaged
    {
        _nextMarker = _nextMarker == uint.MaxValue ? 1 : _nextMarker + 1;
        uint marker = _nextMarker;
        SendResult sent = _driver.Send(from?.Handle ?? Handle.None, Self, in message, marker);
        if (sent != SendResult.Ok)
        {
            throw new InvalidOperationException($"The message was refused: {sent}.");
        }

        _observer.Await(marker);
        RunUntilIdle();
        if (_observer.Awaited is not { } effect)
        {
            throw new InvalidOperationException(
                "The message has not been handled: the isolate is waiting for a call's outcome. Advance the clock or answer the call.");
        }

        return effect;
    }

    /// <summary>
    /// Calls the isolate from the kit's own probe and runs until the call has ended; returns the effect of the
    /// invocation that handled the call, and the call's outcome in <paramref name="reply"/> (kind
    /// <see cref="MessageKind.Reply"/>: <see cref="Message.Status"/> says how it ended, the payload is the reply).
    /// Throws <see cref="InvalidOperationException"/> when the isolate deferred its reply and has not answered yet
    /// (use <see cref="BeginCall"/>, then <see cref="Advance"/> and <see cref="TryTakeReply"/>).
    /// </summary>
    /// <typeparam name="TRequest">The request payload type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="reply">The call's outcome.</param>
    /// <param name="timeout">The call's timeout; default 5 s of kit time.</param>
    public Effect Call<TRequest>(in TRequest request, out Message reply, TimeSpan? timeout = null)
        where TRequest : unmanaged
    {
        Effect effect = BeginCall(in request, timeout);
        if (!TryTakeReply(out reply))
        {
            throw new InvalidOperationException(
                "The call has not ended: the isolate deferred its reply. Use BeginCall, Advance, then TryTakeReply.");
        }

        return effect;
    }

    /// <summary>
    /// Calls the isolate from the kit's own probe, runs until idle, and returns the effect of the invocation that
    /// handled the call. The outcome arrives later (or already has): <see cref="TryTakeReply"/>.
    /// </summary>
    /// <typeparam name="TRequest">The request payload type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="timeout">The call's timeout; default 5 s of kit time.</param>
    public Effect BeginCall<TRequest>(in TRequest request, TimeSpan? timeout = null)
        where TRequest : unmanaged
    {
        if (_caller.CallPending)
        {
            throw new InvalidOperationException("The kit's previous call has not ended yet: Advance the clock or take its reply first.");
        }

        TRequest copy = request;
        Handle target = Self;
        TimeSpan callTimeout = timeout ?? s_defaultCallTimeout;
        _caller.SetCommand((ref Context ctx) => ctx.Call(target, copy, callTimeout));
        if (_driver.Send(Handle.None, _caller.Handle, new ProbeCommand()) != SendResult.Ok)
        {
            throw new InvalidOperationException("The kit's caller probe could not be told to call (its mailbox is full).");
        }

        _caller.CallPending = true; // cleared when the call's outcome (a Reply) reaches the probe

        _observer.AwaitCallFrom(_caller.Handle);
        RunUntilIdle();
        if (_observer.Awaited is not { } effect)
        {
            if (TryTakeReply(out Message refused))
            {
                throw new InvalidOperationException($"The call never reached the isolate: {refused.Status}.");
            }

            throw new InvalidOperationException("The call has not been handled: the isolate is waiting for a call of its own. Advance the clock.");
        }

        return effect;
    }

    /// <summary>Takes the outcome of the kit's latest call once it has arrived.</summary>
    /// <param name="reply">The outcome (kind <see cref="MessageKind.Reply"/>), or default.</param>
    /// <returns>True when an outcome had arrived.</returns>
    public bool TryTakeReply(out Message reply) => _caller.TryTakeReply(out reply);

    /// <summary>
    /// Moves the kit's clock forward by <paramref name="by"/>, stopping at every deadline on the way to fire it and
    /// run what it causes, then runs until idle at the new time. Throws <see cref="InvalidOperationException"/> when
    /// the test passed its own clock (move that, then call <see cref="RunUntilIdle"/>).
    /// </summary>
    /// <param name="by">How far; zero just runs until idle.</param>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        ManualTimeProvider clock = _clock
            ?? throw new InvalidOperationException("This kit reads the test's TimeProvider: move that clock, then call RunUntilIdle.");
        long target = clock.Nanoseconds + (by.Ticks * 100);
        RunUntilIdle();
        while (_driver.TimeUntilNextDeadline is { } until)
        {
            // At least 1 ns, so a deadline that reads as due but is not work yet can never stall the loop.
            long next = clock.Nanoseconds + Math.Max(1, until.Ticks * 100);
            if (next > target)
            {
                break;
            }

            clock.Nanoseconds = next;
            RunUntilIdle();
        }

        clock.Nanoseconds = target;
        RunUntilIdle();
    }

    /// <summary>Runs ticks until nothing more can happen without time moving; returns the ticks run.</summary>
    public int RunUntilIdle()
    {
        for (int round = 1; round <= RoundsMax; round++)
        {
            if (!_driver.RunRound() && !_driver.HasPendingWork)
            {
                return round;
            }
        }

        throw new InvalidOperationException($"The runtime was still busy after {RoundsMax} ticks (an isolate that yields forever?).");
    }

    /// <summary>A runtime counter (sends, drops, calls, timers, ...).</summary>
    public long Counter(ShardCounter counter) => _driver.Runtime.Total(counter);

    /// <summary>Releases the runtime.</summary>
    public void Dispose() => _driver.Dispose();

    /// <summary>Watches the isolate under test: its effects, its exit, and the invocation a step waits for.</summary>
    private sealed class KitObserver : IDeterministicObserver
    {
        private uint _awaitMarker;          // Deliver: the marked envelope
        private Handle _awaitCaller;        // BeginCall: the call from this probe
        private bool _current;              // the invocation in progress is the awaited one

        public Handle Self { get; set; }

        public Effect LastEffect { get; private set; }

        public Effect? Awaited { get; private set; }

        public ExitOutcome? Exit { get; private set; }

        public int Invocations { get; private set; }

        public void Await(uint marker)
        {
            _awaitMarker = marker;
            _awaitCaller = Handle.None;
            Awaited = null;
        }

        public void AwaitCallFrom(Handle caller)
        {
            _awaitMarker = 0;
            _awaitCaller = caller;
            Awaited = null;
        }

        public void OnDispatch(int shard, Handle isolate, in Message message)
        {
            if (isolate != Self)
            {
                return;
            }

            Invocations++;
            _current = (_awaitMarker != 0 && DeterministicRuntime.TagOf(in message) == _awaitMarker)
                || (!_awaitCaller.IsNone && message.Kind == MessageKind.Call && message.Source == _awaitCaller);
        }

        public void OnEffect(int shard, Handle isolate, Effect effect)
        {
            if (isolate != Self)
            {
                return;
            }

            LastEffect = effect;
            if (_current)
            {
                Awaited = effect;
                _current = false;
            }
        }

        public void OnSpawn(int shard, Handle isolate, Handle parent)
        {
        }

        public void OnExit(int shard, Handle isolate, ExitOutcome outcome, int reason)
        {
            if (isolate != Self)
            {
                return;
            }

            Exit = outcome;
            if (outcome == ExitOutcome.Panicked)
            {
                // A thrown handler never returns an effect; report it as the crash it is.
                LastEffect = Effect.Crash;
                if (_current)
                {
                    Awaited = Effect.Crash;
                    _current = false;
                }
            }
        }
    }
}
