using System;
using System.Collections.Generic;
using Tina.Isolates;
using Tina.Supervision;

namespace Tina.Scheduling;

/// <remarks>
/// Supervision. Every shard runs the same tree, built from <see cref="TinaSpec.Supervision"/>. Supervisors are plain
/// data on the shard; a child's exit calls straight into its supervisor, which decides by restart type and outcome,
/// charges its sliding-window budget and applies its strategy. Tear-downs done by a strategy are marked
/// (<see cref="SupervisorNode.Acting"/>) so they are not mistaken for failures; loops that start children stop when
/// the group's epoch changes under them (a nested escalation tore it down). A group that exhausts its budget tears
/// down its children and fails as one child of its parent; the root's failure requests a shard rebuild, done at a
/// safe point of the tick; too many rebuilds in the window quarantine the shard. Nothing restarts during shutdown.
/// </remarks>
internal sealed partial class Shard
{
    private SupervisorNode[] _nodes = Array.Empty<SupervisorNode>();
    private readonly Dictionary<string, int> _groupIndex = new(StringComparer.Ordinal); // read-only after boot
    private RestartHistory _rebuildHistory = null!;
    private bool _supervisionStarted;   // the root tree has been started on this shard
    private bool _rebuildRequested;     // the root escalated; rebuild at the next safe point
    private bool _rebuilding;           // tearing everything down: no supervisor reactions

    private void BuildSupervision(TinaSpec spec)
    {
        _rebuildHistory = new RestartHistory(spec.ShardRebuildMax, spec.ShardRebuildWindow.Ticks * 100);
        if (spec.Supervision is null)
        {
            return;
        }

        var nodes = new List<SupervisorNode>();
        AddNode(spec.Supervision, parent: -1, indexInParent: 0, nodes);
        _nodes = nodes.ToArray();
    }

    private int AddNode(SupervisorSpec group, int parent, int indexInParent, List<SupervisorNode> nodes)
    {
        var node = new SupervisorNode(group, nodes.Count, parent, indexInParent, group.RestartWindow.Ticks * 100);
        nodes.Add(node);
        _groupIndex[group.Name] = node.Index;
        for (int i = 0; i < group.Children.Count; i++)
        {
            ChildSpec child = group.Children[i];
            ref ChildSlot slot = ref node.Children[i];
            slot.Restart = child.Restart;
            if (child.Group is not null)
            {
                slot.Kind = ChildSlotKind.Group;
                slot.GroupNode = AddNode(child.Group, node.Index, i, nodes);
            }
            else
            {
                slot.Kind = ChildSlotKind.Isolate;
                slot.TypeIndex = _runtime.TypeIndexOf(child.IsolateType!);
                slot.Start = child.Start;
                slot.HasStart = child.HasStart;
            }
        }

        return node.Index;
    }

    /// <summary>Starts the tree on the shard's first tick.</summary>
    private void EnsureSupervisionStarted()
    {
        if (_supervisionStarted)
        {
            return;
        }

        _supervisionStarted = true;

        // A shutdown (or quarantine) that reached this shard before its first tick: the tree never starts. Starting
        // it would only have its spawns refused (NotAccepting), each charged as a restart, until the root escalated
        // and the shard was rebuilt and quarantined; there is nothing to drain in a tree that never ran.
        if (_nodes.Length > 0 && AcceptsNewWork)
        {
            StartGroup(_nodes[0]);
        }
    }

    /// <summary>Starts a group's static children in order; false when an escalation interrupted it.</summary>
    private bool StartGroup(SupervisorNode node)
    {
        int epoch = node.Epoch;
        for (int child = 0; child < node.StaticCount; child++)
        {
            if (!StartChild(node, child) || node.Epoch != epoch || _rebuildRequested)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Starts one child; a failed start counts against the budget and is retried until the budget escalates.</summary>
    private bool StartChild(SupervisorNode node, int child)
    {
        ref ChildSlot slot = ref node.Children[child];
        if (slot.Kind == ChildSlotKind.Group)
        {
            SupervisorNode group = _nodes[slot.GroupNode];
            group.History.Clear(); // a restarted supervisor starts with a fresh budget, as in OTP
            group.Cancelling = false;
            slot.Running = true;
            return StartGroup(group);
        }

        if (slot.Kind != ChildSlotKind.Isolate)
        {
            return true;
        }

        while (true)
        {
            SpawnResult result = SpawnEnvelope(slot.TypeIndex, Handle.None, in slot.Start, slot.HasStart, node.Index, child, systemStart: true);
            if (result.IsOk)
            {
                slot.Current = result.Handle;
                slot.Running = true;
                return true;
            }

            if (result.Status == SpawnStatus.NotAccepting)
            {
                // Shutting down or quarantined: the start was refused, not failed. Nothing is charged and the child
                // stays down (no restart happens in either state anyway).
                return false;
            }

            if (!TryChargeRestart(node))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Charges one restart to the group's sliding-window budget; false when the budget is spent, in which case the
    /// group has already escalated and the caller restarts nothing.
    /// </summary>
    private bool TryChargeRestart(SupervisorNode node)
    {
        if (!node.History.TryRecord(_nowNanoseconds))
        {
            Escalate(node);
            return false;
        }

        Counters.Increment(ShardCounter.SupervisorRestarts);
        return true;
    }

    /// <summary>A supervised isolate exited: restart it (and siblings) by strategy, or escalate.</summary>
    private void OnSupervisedExit(int nodeIndex, int child, Handle handle, ExitOutcome outcome)
    {
        SupervisorNode node = _nodes[nodeIndex];
        ref ChildSlot slot = ref node.Children[child];
        if (slot.Current != handle)
        {
            return;
        }

        slot.Current = Handle.None;
        slot.Running = false;
        if (node.Acting || _rebuilding)
        {
            return;
        }

        if (node.Cancelling)
        {
            CheckGroupCancelled(node);
            return;
        }

        bool restart = slot.Restart switch
        {
            RestartType.Permanent => true,
            RestartType.Transient => outcome is ExitOutcome.Error or ExitOutcome.Panicked,
            _ => false,
        };
        if (!restart || _shutdown.Stage != ShutdownStage.None || _rebuildRequested || Status == ShardStatus.Quarantined)
        {
            if (child >= node.StaticCount)
            {
                FreeDynamic(node, child);
            }

            return;
        }

        if (TryChargeRestart(node))
        {
            ApplyStrategy(node, child);
        }
    }

    private void ApplyStrategy(SupervisorNode node, int child)
    {
        int epoch = node.Epoch;
        switch (node.Spec.Strategy)
        {
            case SupervisionStrategy.OneForAll:
                TerminateChildren(node, 0, except: child);
                RestartRange(node, 0, epoch);
                break;
            case SupervisionStrategy.RestForOne:
                TerminateChildren(node, child + 1, except: -1);
                RestartRange(node, child, epoch);
                break;
            default:
                StartChild(node, child);
                break;
        }
    }

    /// <summary>Restarts static children from <paramref name="first"/> on, in order; temporaries torn down by a sibling stay down.</summary>
    private void RestartRange(SupervisorNode node, int first, int epoch)
    {
        for (int child = first; child < node.StaticCount; child++)
        {
            ref ChildSlot slot = ref node.Children[child];
            if (slot.Running || (slot.Restart == RestartType.Temporary && slot.Kind == ChildSlotKind.Isolate))
            {
                continue;
            }

            if (!StartChild(node, child) || node.Epoch != epoch || _rebuildRequested)
            {
                return;
            }
        }
    }

    /// <summary>Tears down children from the last to <paramref name="first"/> (reverse start order), skipping one.</summary>
    private void TerminateChildren(SupervisorNode node, int first, int except)
    {
        bool wasActing = node.Acting;
        node.Acting = true;
        for (int child = node.Children.Length - 1; child >= first; child--)
        {
            if (child != except)
            {
                TerminateChild(node, child);
            }
        }

        node.Acting = wasActing;
    }

    private void TerminateChild(SupervisorNode node, int child)
    {
        ref ChildSlot slot = ref node.Children[child];
        if (slot.Kind == ChildSlotKind.Group)
        {
            if (slot.Running)
            {
                SupervisorNode group = _nodes[slot.GroupNode];
                group.Epoch++;
                TerminateChildren(group, 0, except: -1);
                ClearDynamic(group);
                slot.Running = false;
            }

            return;
        }

        if (slot.Kind == ChildSlotKind.Isolate && !slot.Current.IsNone)
        {
            Handle current = slot.Current;
            Terminate(current, ExitOutcome.Cancelled, 0, CallStatus.NoReply);
            slot.Current = Handle.None;
            slot.Running = false;
        }

        if (child >= node.StaticCount && slot.Kind == ChildSlotKind.Isolate)
        {
            FreeDynamic(node, child);
        }
    }

    /// <summary>The group exhausted its budget: tear it down and fail it to its parent (the root requests a rebuild).</summary>
    private void Escalate(SupervisorNode node)
    {
        Counters.Increment(ShardCounter.SupervisorEscalations);
        Log(TinaLogLevel.Error, Handle.None, "supervisor restart budget exhausted; escalating (node)", node.Index, 0, TinaEvent.SupervisorEscalated);
        node.Epoch++;
        TerminateChildren(node, 0, except: -1);
        ClearDynamic(node);
        if (node.Parent < 0)
        {
            _rebuildRequested = true;
            return;
        }

        SupervisorNode parent = _nodes[node.Parent];
        parent.Children[node.IndexInParent].Running = false;
        if (parent.Acting || _shutdown.Stage != ShutdownStage.None || _rebuildRequested)
        {
            return;
        }

        if (TryChargeRestart(parent))
        {
            ApplyStrategy(parent, node.IndexInParent);
        }
    }

    private static void FreeDynamic(SupervisorNode node, int child)
    {
        ref ChildSlot slot = ref node.Children[child];
        if (slot.Kind == ChildSlotKind.Empty)
        {
            return;
        }

        slot = default;
        node.DynamicCount--;
    }

    private static void ClearDynamic(SupervisorNode node)
    {
        for (int child = node.StaticCount; child < node.Children.Length; child++)
        {
            if (node.Children[child].Kind != ChildSlotKind.Empty)
            {
                node.Children[child] = default;
            }
        }

        node.DynamicCount = 0;
    }

    /// <summary>Spawns a dynamic child into a named one-for-one group.</summary>
    public SpawnResult SpawnChild<TStart>(string group, int typeIndex, in TStart start, bool hasStart, RestartType restart)
        where TStart : unmanaged
    {
        if (!_groupIndex.TryGetValue(group, out int nodeIndex))
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return new SpawnResult(Handle.None, SpawnStatus.UnknownGroup);
        }

        SupervisorNode node = _nodes[nodeIndex];
        if (node.DynamicCount >= node.Children.Length - node.StaticCount || node.Cancelling)
        {
            Counters.Increment(ShardCounter.SpawnFailures);
            return new SpawnResult(Handle.None, SpawnStatus.GroupFull);
        }

        int child = node.StaticCount;
        while (node.Children[child].Kind != ChildSlotKind.Empty)
        {
            child++;
        }

        Message envelope = default;
        if (hasStart)
        {
            envelope.SetPayload(in start);
        }

        SpawnResult result = SpawnEnvelope(typeIndex, Handle.None, in envelope, hasStart, nodeIndex, child, systemStart: false);
        if (!result.IsOk)
        {
            return result;
        }

        ref ChildSlot slot = ref node.Children[child];
        slot.Kind = ChildSlotKind.Isolate;
        slot.TypeIndex = typeIndex;
        slot.Restart = restart;
        slot.Start = envelope;
        slot.HasStart = hasStart;
        slot.Current = result.Handle;
        slot.Running = true;
        node.DynamicCount++;
        return result;
    }

    /// <summary>Level 2: rebuild the shard from its spec, or quarantine it when rebuilds are over budget.</summary>
    private void RebuildIfRequested()
    {
        if (!_rebuildRequested)
        {
            return;
        }

        _rebuildRequested = false;
        if (!_rebuildHistory.TryRecord(_nowNanoseconds))
        {
            Quarantine();
            return;
        }

        Counters.Increment(ShardCounter.ShardRebuilds);
        Log(TinaLogLevel.Error, Handle.None, "root supervisor escalated; rebuilding the shard", 0, 0, TinaEvent.ShardRebuilding);
        _rebuilding = true;
        TerminateAll(ExitOutcome.Cancelled, CallStatus.NoReply);
        _rebuilding = false;
        foreach (SupervisorNode node in _nodes)
        {
            node.Epoch++;
            node.History.Clear();
            node.Cancelling = false;
            for (int child = 0; child < node.StaticCount; child++)
            {
                node.Children[child].Current = Handle.None;
                node.Children[child].Running = false;
            }

            ClearDynamic(node);
        }

        if (_nodes.Length > 0 && AcceptsNewWork)
        {
            StartGroup(_nodes[0]);
        }
    }

    /// <summary>Stops the shard for good: every isolate torn down, calls owed fail with ShardUnavailable, sends refused.</summary>
    private void Quarantine()
    {
        Counters.Increment(ShardCounter.ShardQuarantines);
        Log(TinaLogLevel.Critical, Handle.None, "shard rebuilt too often; quarantined", 0, 0, TinaEvent.ShardQuarantined);
        Status = ShardStatus.Quarantined;
        _rebuilding = true;
        TerminateAll(ExitOutcome.Cancelled, CallStatus.ShardUnavailable);
        _rebuilding = false;
        foreach (IsolateTable table in _types)
        {
            while (table.RunQueueCount > 0)
            {
                table.Dequeue(); // stale entries of torn-down isolates; a quarantined shard dispatches nothing
            }
        }
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

    /// <summary>The supervisor node named <paramref name="group"/>, or -1.</summary>
    public int GroupIndexOf(string group) => _groupIndex.TryGetValue(group, out int index) ? index : -1;

    /// <summary>For tests: the live handle in a supervisor's child slot.</summary>
    public Handle ChildHandle(string group, int child) =>
        _groupIndex.TryGetValue(group, out int index) ? _nodes[index].Children[child].Current : Handle.None;
}
