namespace Tina.Supervision;

/// <summary>
/// Cancelling a supervisor group (<c>ctx.CancelGroup</c>, or the whole tree at shutdown): the cascade, deepest first.
/// Used by <see cref="SupervisionTree"/>, which hands it the tree's nodes and tells it of every exit in a cancelling
/// group.
/// </summary>
/// <remarks>
/// <para>Invariants. While a group is <see cref="SupervisorNode.Cancelling"/> nothing in it is restarted (the tree
/// checks the flag) and no dynamic child joins it. Child groups are cancelled first, and a group's own isolates get
/// their notice only once no child group is running. A group is done only when every child has exited; then it clears
/// its dynamic slots, the observer hears of it, and its parent (if cancelling) re-checks, so a parent observes every
/// child's outcome before its own. Asking an isolate to cancel twice is harmless (the host ignores an isolate that is
/// already cancelling).</para>
/// <para>State. None of its own: the flags it drives (<see cref="SupervisorNode.Cancelling"/>,
/// <see cref="SupervisorNode.CancelReason"/>, <see cref="SupervisorNode.CancelForShutdown"/>) live on the nodes,
/// whose array is fixed after the tree's construction. Shard-thread only.</para>
/// </remarks>
internal sealed class GroupCancellation
{
    private readonly ISupervisionHost _host;
    private readonly SupervisorNode[] _nodes; // the tree's nodes; the array never changes after construction

    public GroupCancellation(ISupervisionHost host, SupervisorNode[] nodes)
    {
        _host = host;
        _nodes = nodes;
    }

    /// <summary>Cancels <paramref name="node"/> and everything under it, deepest first.</summary>
    public void Cancel(SupervisorNode node, int reason, bool shutdown)
    {
        node.Cancelling = true;
        node.CancelReason = reason;
        node.CancelForShutdown = shutdown;
        bool waitingForGroups = false;
        for (int child = node.Children.Length - 1; child >= 0; child--)
        {
            ref ChildSlot slot = ref node.Children[child];
            if (slot.Kind == ChildSlotKind.Group && slot.Running)
            {
                Cancel(_nodes[slot.GroupNode], reason, shutdown);
                waitingForGroups |= node.Children[child].Running;
            }
        }

        if (!waitingForGroups)
        {
            CancelOwnIsolates(node);
        }

        CheckDone(node);
    }

    /// <summary>A child of a cancelling group exited: when the last one is gone, the group is done and its parent observes it.</summary>
    public void CheckDone(SupervisorNode node)
    {
        if (!node.Cancelling)
        {
            return;
        }

        bool groupsRunning = false;
        bool isolatesRunning = false;
        foreach (ChildSlot slot in node.Children)
        {
            if (slot.Kind == ChildSlotKind.Group && slot.Running)
            {
                groupsRunning = true;
            }
            else if (slot.Kind == ChildSlotKind.Isolate && !slot.Current.IsNone)
            {
                isolatesRunning = true;
            }
        }

        if (groupsRunning)
        {
            return;
        }

        if (isolatesRunning)
        {
            CancelOwnIsolates(node); // child groups are done: now this group's own isolates get their notice
            return;
        }

        node.Cancelling = false;
        node.ClearDynamic();
        _host.OnGroupExit(node.Index);
        if (node.Parent >= 0)
        {
            SupervisorNode parent = _nodes[node.Parent];
            parent.Children[node.IndexInParent].Running = false;
            if (parent.Cancelling)
            {
                CheckDone(parent);
            }
        }
    }

    private void CancelOwnIsolates(SupervisorNode node)
    {
        long budget = _host.CancelBudgetTicks(node.CancelForShutdown);
        for (int child = node.Children.Length - 1; child >= 0; child--)
        {
            ref ChildSlot slot = ref node.Children[child];
            if (slot.Kind == ChildSlotKind.Isolate)
            {
                _host.BeginCancel(slot.Current, node.CancelReason, node.CancelForShutdown, budget);
            }
        }
    }
}
