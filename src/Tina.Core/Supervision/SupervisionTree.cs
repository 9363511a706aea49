using System;
using System.Collections.Generic;
using Tina.Diagnostics;

namespace Tina.Supervision;

/// <summary>
/// One shard's supervision: the running tree built from <see cref="TinaSpec.Supervision"/> (the same on every shard),
/// its group index, every restart decision and strategy, and escalation. Level 2 (rebuild, quarantine) is
/// <see cref="ShardRebuild"/>'s and the cancel cascade is <see cref="GroupCancellation"/>'s; the tree owns both and
/// calls them.
/// </summary>
/// <remarks>
/// <para>Supervisors are plain data (<see cref="SupervisorNode"/>); a child's exit calls straight into
/// <see cref="OnExit"/>, which decides by restart type and outcome, charges the group's sliding-window budget and
/// applies its strategy. A group that exhausts its budget tears down its children and fails as one child of its
/// parent; the root's failure requests a rebuild, done at the tick's safe point (<see cref="RebuildIfRequested"/>).</para>
/// <para>Invariants. (1) Nothing restarts while the shard shuts down, while a rebuild is requested or under way, once
/// it is quarantined, or while the child's group is being cancelled. (2) Exits caused by a strategy's own tear-down
/// are not failures: the node is <see cref="SupervisorNode.Acting"/> while it tears down, and every exit during a
/// rebuild or quarantine is ignored. (3) A loop that starts children stops as soon as the group's epoch changes under
/// it (a nested escalation tore the group down) or a rebuild is requested. (4) The tree's shape, the node array and
/// <c>_groupIndex</c> are fixed after construction.</para>
/// <para>Threads. Shard-thread only; it reaches the shard only through <see cref="ISupervisionHost"/>, whose
/// tear-downs re-enter <see cref="OnExit"/> synchronously.</para>
/// </remarks>
internal sealed class SupervisionTree
{
    private readonly ISupervisionHost _host;
    private readonly ShardCounters _counters;
    private readonly SupervisorNode[] _nodes;
    private readonly Dictionary<string, int> _groupIndex = new(StringComparer.Ordinal); // read-only after construction
    private readonly ShardRebuild _rebuild;           // level 2: rebuild or quarantine after the root escalates
    private readonly GroupCancellation _cancellation; // the cancel cascade over this tree's nodes
    private bool _started;                            // the root tree has been started on this shard

    public SupervisionTree(ISupervisionHost host, TinaSpec spec, ShardCounters counters)
    {
        _host = host;
        _counters = counters;
        _rebuild = new ShardRebuild(host, spec, counters);
        var nodes = new List<SupervisorNode>();
        if (spec.Supervision is not null)
        {
            AddNode(spec.Supervision, parent: -1, indexInParent: 0, nodes);
        }

        _nodes = nodes.ToArray();
        _cancellation = new GroupCancellation(host, _nodes);
    }

    /// <summary>The supervisor node named <paramref name="group"/>, or -1.</summary>
    public int GroupIndexOf(string group) => _groupIndex.TryGetValue(group, out int index) ? index : -1;

    /// <summary>The live handle in a supervisor's child slot (None while it is down or the group is unknown).</summary>
    public Handle ChildHandle(string group, int child) =>
        _groupIndex.TryGetValue(group, out int index) ? _nodes[index].Children[child].Current : Handle.None;

    /// <summary>Starts the tree on the shard's first tick.</summary>
    public void EnsureStarted()
    {
        if (_started)
        {
            return;
        }

        _started = true;

        // A shutdown (or quarantine) that reached this shard before its first tick: the tree never starts. Starting
        // it would only have its spawns refused (NotAccepting), each charged as a restart, until the root escalated
        // and the shard was rebuilt and quarantined; there is nothing to drain in a tree that never ran.
        if (_nodes.Length > 0 && _host.AcceptsNewWork)
        {
            StartGroup(_nodes[0]);
        }
    }

    /// <summary>A supervised isolate exited: restart it (and siblings) by strategy, or escalate.</summary>
    public void OnExit(int nodeIndex, int child, Handle handle, ExitOutcome outcome)
    {
        SupervisorNode node = _nodes[nodeIndex];
        ref ChildSlot slot = ref node.Children[child];
        if (slot.Current != handle)
        {
            return;
        }

        slot.Current = Handle.None;
        slot.Running = false;
        if (node.Acting || _rebuild.InProgress)
        {
            return;
        }

        if (node.Cancelling)
        {
            _cancellation.CheckDone(node);
            return;
        }

        bool restart = slot.Restart switch
        {
            RestartType.Permanent => true,
            RestartType.Transient => outcome is ExitOutcome.Error or ExitOutcome.Panicked,
            _ => false,
        };
        if (!restart || _host.ShuttingDown || _rebuild.Requested || _host.Quarantined)
        {
            if (child >= node.StaticCount)
            {
                node.FreeDynamic(child);
            }

            return;
        }

        if (TryChargeRestart(node))
        {
            ApplyStrategy(node, child);
        }
    }

    /// <summary>Spawns a dynamic child into a named one-for-one group.</summary>
    public SpawnResult SpawnDynamic(string group, int typeIndex, in Message start, bool hasStart, RestartType restart)
    {
        if (!_groupIndex.TryGetValue(group, out int nodeIndex))
        {
            _counters.Increment(ShardCounter.SpawnFailures);
            return new SpawnResult(Handle.None, SpawnStatus.UnknownGroup);
        }

        SupervisorNode node = _nodes[nodeIndex];
        if (!node.HasDynamicRoom || node.Cancelling)
        {
            _counters.Increment(ShardCounter.SpawnFailures);
            return new SpawnResult(Handle.None, SpawnStatus.GroupFull);
        }

        int child = node.FirstEmptyDynamic();
        SpawnResult result = _host.SpawnChild(typeIndex, in start, hasStart, nodeIndex, child, systemStart: false);
        if (result.IsOk)
        {
            node.AddDynamic(child, typeIndex, restart, in start, hasStart, result.Handle);
        }

        return result;
    }

    /// <summary>At the tick's safe point (after dispatch): a requested rebuild tears the shard down and restarts the tree from its spec.</summary>
    public void RebuildIfRequested()
    {
        if (!_rebuild.TryRebuild())
        {
            return;
        }

        foreach (SupervisorNode node in _nodes)
        {
            node.ResetForRebuild();
        }

        if (_nodes.Length > 0 && _host.AcceptsNewWork)
        {
            StartGroup(_nodes[0]);
        }
    }

    /// <summary>Cancels a supervisor group and everything under it, deepest first; false for an unknown name.</summary>
    public bool CancelGroup(string group, int reason)
    {
        if (!_groupIndex.TryGetValue(group, out int index))
        {
            return false;
        }

        _cancellation.Cancel(_nodes[index], reason, shutdown: false);
        return true;
    }

    /// <summary>Shutdown phase 1: the whole tree drains, deepest groups first.</summary>
    public void CancelForShutdown()
    {
        if (_nodes.Length > 0)
        {
            _cancellation.Cancel(_nodes[0], 0, shutdown: true);
        }
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
                slot.TypeIndex = _host.TypeIndexOf(child.IsolateType!);
                slot.Start = child.Start;
                slot.HasStart = child.HasStart;
            }
        }

        return node.Index;
    }

    /// <summary>Starts a group's static children in order; false when an escalation interrupted it.</summary>
    private bool StartGroup(SupervisorNode node)
    {
        int epoch = node.Epoch;
        for (int child = 0; child < node.StaticCount; child++)
        {
            if (!StartChild(node, child) || node.Epoch != epoch || _rebuild.Requested)
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
            SpawnResult result = _host.SpawnChild(slot.TypeIndex, in slot.Start, slot.HasStart, node.Index, child, systemStart: true);
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
        if (!node.History.TryRecord(_host.NowNanoseconds))
        {
            Escalate(node);
            return false;
        }

        _counters.Increment(ShardCounter.SupervisorRestarts);
        return true;
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

            if (!StartChild(node, child) || node.Epoch != epoch || _rebuild.Requested)
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
                group.ClearDynamic();
                slot.Running = false;
            }

            return;
        }

        if (slot.Kind == ChildSlotKind.Isolate && !slot.Current.IsNone)
        {
            Handle current = slot.Current;
            _host.Terminate(current, ExitOutcome.Cancelled, CallStatus.NoReply);
            slot.Current = Handle.None;
            slot.Running = false;
        }

        if (child >= node.StaticCount && slot.Kind == ChildSlotKind.Isolate)
        {
            node.FreeDynamic(child);
        }
    }

    /// <summary>The group exhausted its budget: tear it down and fail it to its parent (the root requests a rebuild).</summary>
    private void Escalate(SupervisorNode node)
    {
        _counters.Increment(ShardCounter.SupervisorEscalations);
        _host.Log(TinaLogLevel.Error, "supervisor restart budget exhausted; escalating (node)", node.Index, TinaEvent.SupervisorEscalated);
        node.Epoch++;
        TerminateChildren(node, 0, except: -1);
        node.ClearDynamic();
        if (node.Parent < 0)
        {
            _rebuild.Request();
            return;
        }

        SupervisorNode parent = _nodes[node.Parent];
        parent.Children[node.IndexInParent].Running = false;
        if (parent.Acting || _host.ShuttingDown || _rebuild.Requested)
        {
            return;
        }

        if (TryChargeRestart(parent))
        {
            ApplyStrategy(parent, node.IndexInParent);
        }
    }
}
