namespace Tina.Supervision;

/// <summary>One child of a running supervisor. Shard-thread only.</summary>
internal struct ChildSlot
{
    public ChildSlotKind Kind;
    public RestartType Restart;
    public bool HasStart;
    public bool Running;       // isolate: Current is live; group: the group is started
    public int TypeIndex;      // isolate children
    public int GroupNode;      // group children: index of the child's node
    public Handle Current;     // isolate children: the live handle, None while down
    public Message Start;      // the start message it is (re)started with
}
