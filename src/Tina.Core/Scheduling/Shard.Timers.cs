using Tina.Isolates;
using Tina.Messaging;
using Tina.Timers;

namespace Tina.Scheduling;

/// <remarks>
/// Timers. User timers fire as a Timer message to their owner, taking a pool slot from the system reserve and a
/// mailbox entry from the system headroom, so a full mailbox or a drained pool does not lose them (if even the
/// headroom is full the firing is dropped and counted). Call timeouts end the owner's call with Timeout. An exit
/// cancels every timer its isolate owns. The wheel, its resolution and the firing adapter are
/// <see cref="ShardTimers"/>'s; this part decides what a firing does.
/// </remarks>
internal sealed partial class Shard
{
    public TimerId RegisterTimer(long delayTicks, long tag)
    {
        IsolateTable table = _types[_invocation.Type];
        ref IsolateMeta meta = ref table.Meta[_invocation.Slot];
        TimerId id = Timers.Register(delayTicks, TimerKind.User, _invocation.Handle, tag, ref meta.TimerHead, TimerBaseTick);
        if (id.IsNone)
        {
            Counters.Increment(ShardCounter.TimersExhausted);
        }

        return id;
    }

    public bool CancelTimer(TimerId id)
    {
        if (!Timers.IsPending(id) || Timers.OwnerOf(id) != _invocation.Handle)
        {
            return false;
        }

        IsolateTable table = _types[_invocation.Type];
        return Timers.Cancel(id, ref table.Meta[_invocation.Slot].TimerHead);
    }

    internal void OnTimerFired(in TimerEntry entry)
    {
        if (entry.Kind == TimerKind.CallTimeout)
        {
            OnCallTimeout(entry.Owner, (uint)entry.Tag);
            return;
        }

        if (entry.Kind == TimerKind.CancelDeadline)
        {
            OnCancelDeadline(entry.Owner);
            return;
        }

        if (entry.Kind == TimerKind.IoTimeout)
        {
            OnIoTimeout(entry.Owner, (uint)entry.Tag);
            return;
        }

        if (!TryResolve(entry.Owner, out IsolateTable table, out int slot))
        {
            return;
        }

        var writer = new TimerFiredWriter(entry.Owner, entry.Tag);
        Counters.Increment(DeliverSystemCore(table, slot, ref writer) == SendResult.Ok ? ShardCounter.TimersFired : ShardCounter.TimersDropped);
    }
}
