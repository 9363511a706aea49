namespace Tina.Supervision;

/// <summary>
/// A running supervisor on one shard: its children (static first, in start order, then dynamic slots) and its
/// restart budget. Built from a <see cref="SupervisorSpec"/> at boot and on every shard rebuild. Shard-thread only.
/// </summary>
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
    public int DynamicCount { get; set; }
}
