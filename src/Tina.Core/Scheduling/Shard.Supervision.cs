using System;
using Tina.Isolates;
using Tina.Supervision;

namespace Tina.Scheduling;

/// <remarks>
/// Supervision: the tree, restart decisions, strategies, escalation, group cancellation, rebuild and quarantine are
/// <see cref="SupervisionTree"/>'s (<c>Supervision/SupervisionTree.cs</c>, invariants there). This file is the shard's
/// side: the isolate-facing entry points and the few things the tree asks of the shard (<see cref="ISupervisionHost"/>).
/// </remarks>
internal sealed partial class Shard : ISupervisionHost
{
    /// <summary>Spawns a dynamic child into a named one-for-one group.</summary>
    public SpawnResult SpawnChild<TStart>(string group, int typeIndex, in TStart start, bool hasStart, RestartType restart)
        where TStart : unmanaged
    {
        Message envelope = default;
        if (hasStart)
        {
            envelope.SetPayload(in start);
        }

        return _supervision.SpawnDynamic(group, typeIndex, in envelope, hasStart, restart);
    }

    /// <summary>Cancels a supervisor group and everything under it, deepest first.</summary>
    public bool CancelGroup(string group, int reason) => _supervision.CancelGroup(group, reason);

    /// <summary>The supervisor node named <paramref name="group"/>, or -1.</summary>
    public int GroupIndexOf(string group) => _supervision.GroupIndexOf(group);

    /// <summary>For tests: the live handle in a supervisor's child slot.</summary>
    public Handle ChildHandle(string group, int child) => _supervision.ChildHandle(group, child);

    /// <summary>Live isolates on this shard.</summary>
    public int LiveIsolates()
    {
        int live = 0;
        foreach (IsolateTable table in _types)
        {
            live += table.LiveCount;
        }

        return live;
    }

    /// <summary>Tears down every live isolate, newest type and slot first.</summary>
    private int TerminateAll(ExitOutcome outcome, CallStatus failWith)
    {
        int terminated = 0;
        for (int type = _types.Length - 1; type >= 0; type--)
        {
            IsolateTable table = _types[type];
            for (int slot = table.SlotCount - 1; slot >= 0 && table.LiveCount > 0; slot--)
            {
                if (table.Meta[slot].State != IsolateState.Free)
                {
                    Exit(table, slot, table.HandleOf(Id, slot), outcome, 0, null, failWith);
                    terminated++;
                }
            }
        }

        return terminated;
    }

    long ISupervisionHost.NowNanoseconds => _nowNanoseconds;

    bool ISupervisionHost.AcceptsNewWork => AcceptsNewWork;

    bool ISupervisionHost.ShuttingDown => _shutdown.Stage != ShutdownStage.None;

    bool ISupervisionHost.Quarantined => Status == ShardStatus.Quarantined;

    int ISupervisionHost.TypeIndexOf(Type isolateType) => _runtime.TypeIndexOf(isolateType);

    SpawnResult ISupervisionHost.SpawnChild(int typeIndex, in Message start, bool hasStart, int node, int child, bool systemStart) =>
        SpawnEnvelope(typeIndex, Handle.None, in start, hasStart, node, child, systemStart);

    void ISupervisionHost.Terminate(Handle isolate, ExitOutcome outcome, CallStatus failWith) => Terminate(isolate, outcome, 0, failWith);

    void ISupervisionHost.TerminateAll(ExitOutcome outcome, CallStatus failWith) => TerminateAll(outcome, failWith);

    long ISupervisionHost.CancelBudgetTicks(bool shutdown) => _notices.BudgetTicks(shutdown);

    void ISupervisionHost.BeginCancel(Handle isolate, int reason, bool shutdown, long budgetTicks)
    {
        if (TryResolve(isolate, out IsolateTable table, out int slot))
        {
            BeginCancel(table, slot, isolate, reason, shutdown, budgetTicks);
        }
    }

    void ISupervisionHost.MarkQuarantined() => Status = ShardStatus.Quarantined;

    void ISupervisionHost.DropRunQueues()
    {
        foreach (IsolateTable table in _types)
        {
            while (table.RunQueueCount > 0)
            {
                table.Dequeue(); // stale entries of torn-down isolates; a quarantined shard dispatches nothing
            }
        }
    }

    void ISupervisionHost.OnGroupExit(int node) => _runtime.Observer?.OnGroupExit(Id, node);

    void ISupervisionHost.Log(TinaLogLevel level, string message, long argument0, TinaEvent kind) =>
        Log(level, Handle.None, message, argument0, 0, kind);
}
