namespace Tina.Timers;

/// <summary>One timer: intrusive links into its spoke and into its owner's list, so register and cancel are O(1).</summary>
internal struct TimerEntry
{
    public long DeadlineTick;   // absolute wheel tick at which it fires
    public long Tag;            // user tag, or the call correlation for CallTimeout
    public int SpokeNext;       // next entry in the same spoke, -1 = end
    public int SpokePrev;       // previous entry in the same spoke, -1 = spoke head
    public int OwnerNext;       // next timer of the same isolate, -1 = end
    public int OwnerPrev;       // previous timer of the same isolate, -1 = owner head
    public Handle Owner;        // the isolate that owns it (generation included)
    public uint Generation;     // bumped on every free, so stale TimerIds are detected
    public TimerKind Kind;
}
