namespace Tina.Isolates;

/// <summary>Scheduler metadata of one isolate slot. Shard-thread only.</summary>
internal struct IsolateMeta
{
    public uint Generation;          // current generation; bumped at every exit, never 0
    public IsolateState State;
    public IsolateFlags Flags;
    public ushort OwedCount;         // deferred replies this isolate still owes
    public int MailboxHead;          // ring position of the oldest queued message
    public int MailboxCount;         // queued messages (user + system)
    public uint PendingCorrelation;  // correlation of the outstanding call, 0 = none
    public TimerId CallTimer;        // timeout timer of the outstanding call
    public int TimerHead;            // first timer this isolate owns, -1 = none
    public int NextFree;             // free-list link while Free
    public Handle Parent;            // the isolate that spawned it (None for roots and supervised children)
    public int SupervisorNode;       // the supervisor node that owns it, -1 = unsupervised
    public int ChildIndex;           // its slot in that supervisor's children
    public int WatchHead;            // first watch entry on this isolate, -1 = none
    public int WatchingHead;         // first watch entry this isolate holds on an isolate of its own shard, -1 = none
    public int CancelReason;         // reason code while cancelling
    public uint IoSequence;          // names the isolate's current I/O operation; bumped on submit, timeout, cancel, exit
    public TimerId IoTimer;          // timeout of the operation in flight
}
