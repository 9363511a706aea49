using System;

namespace Tina.Supervision;

/// <summary>What <see cref="SupervisionTree"/> asks of its shard, and nothing more. Shard-thread only.</summary>
internal interface ISupervisionHost
{
    /// <summary>The clock reading of the current tick (restart windows count in it).</summary>
    long NowNanoseconds { get; }

    /// <summary>False once shutdown has begun or the shard is quarantined (spawns are refused then).</summary>
    bool AcceptsNewWork { get; }

    /// <summary>True once shutdown has begun on this shard (nothing restarts then).</summary>
    bool ShuttingDown { get; }

    /// <summary>True once the shard is quarantined.</summary>
    bool Quarantined { get; }

    /// <summary>The index of a registered isolate type (at build time).</summary>
    int TypeIndexOf(Type isolateType);

    /// <summary>
    /// Spawns a child of node <paramref name="node"/> at <paramref name="child"/>, through the shard's one spawn path.
    /// <paramref name="systemStart"/>: the start message may take the pool's reserve (a supervisor's (re)start).
    /// </summary>
    SpawnResult SpawnChild(int typeIndex, in Message start, bool hasStart, int node, int child, bool systemStart);

    /// <summary>Tears down a live isolate (a strategy's doing); its exit comes back through <see cref="SupervisionTree.OnExit"/>.</summary>
    void Terminate(Handle isolate, ExitOutcome outcome, CallStatus failWith);

    /// <summary>Tears down every live isolate of the shard, newest type and slot first.</summary>
    void TerminateAll(ExitOutcome outcome, CallStatus failWith);

    /// <summary>The drain budget (wheel ticks) of a cancellation: the shutdown's, or the spec's CancelDrainBudget.</summary>
    long CancelBudgetTicks(bool shutdown);

    /// <summary>
    /// Gives a live isolate its Cancel (or Shutdown) notice and drain deadline; nothing when it is gone or already
    /// cancelling (the tree asks again each time it re-checks a cancelling group).
    /// </summary>
    void BeginCancel(Handle isolate, int reason, bool shutdown, long budgetTicks);

    /// <summary>Marks the shard quarantined (sends to it refused from now on).</summary>
    void MarkQuarantined();

    /// <summary>Empties the run queues (stale entries of torn-down isolates: a quarantined shard dispatches nothing).</summary>
    void DropRunQueues();

    /// <summary>A cancelled group finished: every child has exited (the observer hears of it).</summary>
    void OnGroupExit(int node);

    /// <summary>Logs a shard-level supervision event.</summary>
    void Log(TinaLogLevel level, string message, long argument0, TinaEvent kind);
}
