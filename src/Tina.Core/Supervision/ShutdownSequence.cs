using System.Threading;
using Tina.Diagnostics;
using Tina.Scheduling;

namespace Tina.Supervision;

/// <summary>
/// One shard's side of the three-phase shutdown: its stage, the drain budget it was given, how its isolates left
/// (drained on their own or forced), and the two values it publishes for the runtime.
/// </summary>
/// <remarks>
/// <para>The phases, driven by the runtime's phase word and applied by the shard on its own thread through
/// <see cref="Advance"/>: (1) stop admitting new work and give every live isolate a Shutdown notice, with the
/// remaining timeout as its drain budget; (2) drain: scheduling goes on, supervisors restart nothing, calls owed by
/// exiting isolates fail with ShuttingDown; (3) at the timeout, tear down what remains (counted as forced).</para>
/// <para>Invariants. The stage only moves forward: None → Draining → Done; Draining is entered before any notice is
/// given, so an isolate that exits while the notices go out is already counted. While Draining every exit is counted
/// exactly once, in <see cref="Forced"/> when it happens inside a forcing scope (<see cref="BeginForcing"/>: a drain
/// deadline or phase 3), in <see cref="Drained"/> otherwise; nothing is counted outside Draining.</para>
/// <para>Threads. Every field is written only by the shard's thread. <see cref="Drained"/>, <see cref="Forced"/>,
/// <see cref="PublishedLive"/> and <see cref="PublishedStage"/> are also read by the runtime's stopping thread:
/// the counters are volatile reads of single-writer longs; at the end of every <see cref="Advance"/> the live count
/// is written before the stage (both volatile), so a reader that sees a stage also sees a live count at least as
/// recent as that stage's change. The runtime waits for "stage ≠ None and live = 0", then for "stage = Done".</para>
/// </remarks>
internal sealed class ShutdownSequence
{
    private readonly ShardCounters _counters;
    private ShutdownStage _stage;
    private long _budgetTicks;       // the drain budget given with the notices, in wheel ticks
    private long _drained;           // isolates that exited on their own while draining (volatile for readers)
    private long _forced;            // isolates torn down at phase 3 or by their drain deadline (volatile for readers)
    private int _publishedLive = -1; // live isolates, published at the end of every Advance (volatile)
    private int _publishedStage;     // the stage, published after the live count (volatile)
    private bool _forcing;           // the exits happening now are forced

    public ShutdownSequence(ShardCounters counters) => _counters = counters;

    public ShutdownStage Stage => _stage;

    /// <summary>The drain budget (wheel ticks) the shutdown notices carry; 0 before phase 1.</summary>
    public long BudgetTicks => _budgetTicks;

    /// <summary>Any thread: isolates that exited on their own while draining.</summary>
    public long Drained => Volatile.Read(ref _drained);

    /// <summary>Any thread: isolates torn down while draining (drain deadline or phase 3).</summary>
    public long Forced => Volatile.Read(ref _forced);

    /// <summary>Any thread: the live count published by the last <see cref="Advance"/>, -1 before the first.</summary>
    public int PublishedLive => Volatile.Read(ref _publishedLive);

    /// <summary>Any thread: the stage published by the last <see cref="Advance"/>.</summary>
    public ShutdownStage PublishedStage => (ShutdownStage)Volatile.Read(ref _publishedStage);

    /// <summary>Applies the runtime's phase (called at the start of every tick while it is not 0), then publishes.</summary>
    public void Advance(int phase, long budgetTicks, IShutdownHost host)
    {
        if (phase >= 1 && _stage == ShutdownStage.None)
        {
            _stage = ShutdownStage.Draining;
            _budgetTicks = budgetTicks;
            host.NoticeAll(budgetTicks);
        }

        if (phase >= 3 && _stage == ShutdownStage.Draining)
        {
            _forcing = true;
            long forced = host.TerminateRemaining();
            _forcing = false;
            _counters.Add(ShardCounter.IsolatesForced, forced);
            _stage = ShutdownStage.Done;
        }

        Volatile.Write(ref _publishedLive, host.LiveIsolates());
        Volatile.Write(ref _publishedStage, (int)_stage);
    }

    /// <summary>
    /// Park re-check: the next tick has shutdown work: a phase not applied yet, or (draining) a live count that moved
    /// since it was published.
    /// </summary>
    public bool HasPendingWork(int phase, IShutdownHost host) =>
        (phase >= 1 && _stage == ShutdownStage.None) || (phase >= 3 && _stage == ShutdownStage.Draining)
        || (_stage == ShutdownStage.Draining && PublishedLive != host.LiveIsolates());

    /// <summary>An isolate is exiting: counts it while draining. True when draining (owed calls then fail with ShuttingDown).</summary>
    public bool CountExit()
    {
        if (_stage is not ShutdownStage.Draining)
        {
            return false;
        }

        if (_forcing)
        {
            _forced++;
        }
        else
        {
            _drained++;
        }

        return true;
    }

    /// <summary>Opens a forcing scope (exits in it count as forced); pass the result to <see cref="EndForcing"/>.</summary>
    public bool BeginForcing()
    {
        bool previous = _forcing;
        _forcing = true;
        return previous;
    }

    /// <summary>Closes a forcing scope opened by <see cref="BeginForcing"/>.</summary>
    public void EndForcing(bool previous) => _forcing = previous;
}
