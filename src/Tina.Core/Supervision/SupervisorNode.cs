namespace Tina.Supervision;

/// <summary>
/// A running supervisor on one shard: its children (static first, in start order, then dynamic slots) and its
/// restart budget. Built from a <see cref="SupervisorSpec"/> at boot; owned and driven by <see cref="SupervisionTree"/>.
/// Shard-thread only.
/// </summary>
/// <remarks>
/// Invariants: <see cref="DynamicCount"/> is the number of non-empty slots at or after <see cref="StaticCount"/>; a
/// static slot is never emptied; an isolate slot is <see cref="ChildSlot.Running"/> exactly when its
/// <see cref="ChildSlot.Current"/> is a live handle; <see cref="Epoch"/> only grows.
/// </remarks>
internal sealed class SupervisorNode
{
    public SupervisorNode(SupervisorSpec spec, int index, int parent, int indexInParent, long windowNanoseconds)
    {
        Spec = spec;
        Index = index;
        Parent = parent;
        IndexInParent = indexInParent;
        StaticCount = spec.Children.Count;
        Children = new ChildSlot[StaticCount + spec.MaxDynamicChildren];
        History = new RestartHistory(spec.MaxRestarts, windowNanoseconds);
    }

    public SupervisorSpec Spec { get; }

    public int Index { get; }

    /// <summary>Parent node index, -1 for the shard's root.</summary>
    public int Parent { get; }

    public int IndexInParent { get; }

    public int StaticCount { get; }

    public ChildSlot[] Children { get; }

    public RestartHistory History { get; }

    /// <summary>Bumped whenever the group is torn down; loops that start children stop when it changes under them.</summary>
    public int Epoch { get; set; }

    /// <summary>True while the node's own strategy is tearing children down (their exits are its doing, not failures).</summary>
    public bool Acting { get; set; }

    /// <summary>True while the group is being cancelled: children drain and are not restarted.</summary>
    public bool Cancelling { get; set; }

    /// <summary>The cancellation's reason code.</summary>
    public int CancelReason { get; set; }

    /// <summary>True when the cancellation is the shutdown drain.</summary>
    public bool CancelForShutdown { get; set; }

    /// <summary>Live dynamic children.</summary>
    public int DynamicCount { get; private set; }

    /// <summary>True when a dynamic child fits.</summary>
    public bool HasDynamicRoom => DynamicCount < Children.Length - StaticCount;

    /// <summary>The first empty dynamic slot; only when <see cref="HasDynamicRoom"/>.</summary>
    public int FirstEmptyDynamic()
    {
        int child = StaticCount;
        while (Children[child].Kind != ChildSlotKind.Empty)
        {
            child++;
        }

        return child;
    }

    /// <summary>Fills an empty dynamic slot with a running isolate child.</summary>
    public void AddDynamic(int child, int typeIndex, RestartType restart, in Message start, bool hasStart, Handle current)
    {
        ref ChildSlot slot = ref Children[child];
        slot.Kind = ChildSlotKind.Isolate;
        slot.TypeIndex = typeIndex;
        slot.Restart = restart;
        slot.Start = start;
        slot.HasStart = hasStart;
        slot.Current = current;
        slot.Running = true;
        DynamicCount++;
    }

    /// <summary>Empties a dynamic slot (nothing when it is already empty).</summary>
    public void FreeDynamic(int child)
    {
        ref ChildSlot slot = ref Children[child];
        if (slot.Kind == ChildSlotKind.Empty)
        {
            return;
        }

        slot = default;
        DynamicCount--;
    }

    /// <summary>Empties every dynamic slot (the group was torn down: dynamic children are not restarted with it).</summary>
    public void ClearDynamic()
    {
        for (int child = StaticCount; child < Children.Length; child++)
        {
            if (Children[child].Kind != ChildSlotKind.Empty)
            {
                Children[child] = default;
            }
        }

        DynamicCount = 0;
    }

    /// <summary>The shard was rebuilt: a new epoch, a fresh budget, every child down, no dynamic children.</summary>
    public void ResetForRebuild()
    {
        Epoch++;
        History.Clear();
        Cancelling = false;
        for (int child = 0; child < StaticCount; child++)
        {
            Children[child].Current = Handle.None;
            Children[child].Running = false;
        }

        ClearDynamic();
    }
}
