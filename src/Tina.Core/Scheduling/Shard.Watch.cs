using System.Runtime.CompilerServices;
using System.Threading;
using Tina.Isolates;
using Tina.Messaging;
using Tina.Supervision;

namespace Tina.Scheduling;

/// <remarks>
/// Watching: the watches, their Downs and the pending-Down queue are <see cref="WatchRegistry"/>'s
/// (<c>Supervision/WatchRegistry.cs</c>, invariants there). This file is the shard's side: the isolate-facing
/// <see cref="Watch"/> and <see cref="Unwatch"/> (a target on another shard is asked through the system lane; one on a
/// shard that is not running answers Down at once with <see cref="Down.WasStale"/>), and the few things the registry
/// asks of the shard (<see cref="IWatchHost"/>).
/// </remarks>
internal sealed partial class Shard : IWatchHost
{
    /// <summary>Watch entries in use on this shard (for tests and checkers).</summary>
    public int WatchesInUse => _watches.InUse;

    /// <summary>Downs waiting in the pending-Down queue (checkers).</summary>
    public int PendingDownCount => _watches.PendingDownCount;

    /// <summary>The current isolate watches <paramref name="target"/>; false when the watch could not be recorded.</summary>
    public bool Watch(Handle target)
    {
        Handle watcher = _invocation.Handle;
        if (target == watcher)
        {
            return false;
        }

        if (target.Shard == Id || target.IsNone || (uint)target.Shard >= (uint)_peers.Length)
        {
            return _watches.Add(target, watcher);
        }

        if (_peers[target.Shard].Status != ShardStatus.Running)
        {
            _watches.SendDown(watcher, new Down(target, ExitOutcome.Cancelled, 0, WasStale: true));
            return true;
        }

        ref Message slot = ref ClaimRequest(target.Shard);
        if (Unsafe.IsNullRef(ref slot))
        {
            return false;
        }

        slot.SetHeader(target, watcher, MessageKind.WatchRequest, 0);
        slot.TypeId = 0;
        slot.PayloadLength = 0;
        return true;
    }

    /// <summary>The current isolate stops watching <paramref name="target"/> (every watch it holds on it).</summary>
    public bool Unwatch(Handle target)
    {
        Handle watcher = _invocation.Handle;
        if (target.Shard == Id)
        {
            return _watches.RemoveLocal(target, watcher);
        }

        if ((uint)target.Shard >= (uint)_peers.Length || target.IsNone)
        {
            return false;
        }

        ref Message slot = ref ClaimRequest(target.Shard);
        if (Unsafe.IsNullRef(ref slot))
        {
            return false;
        }

        slot.SetHeader(target, watcher, MessageKind.UnwatchRequest, 0);
        slot.TypeId = 0;
        slot.PayloadLength = 0;
        return true;
    }

    /// <summary>
    /// Any thread: true only when <paramref name="handle"/> (an isolate of this shard) can no longer be alive, because
    /// its slot's generation has moved on. A live handle is never reported: the caller learned the handle through a
    /// ring or an order that follows the write of its generation, generations change only at exit (release by the
    /// volatile write in <see cref="IsolateTable.Release"/>, acquire here), and they never come back (short of a
    /// 2^32 wrap of one slot). A handle that exited may still read as not yet exited; callers treat that as alive.
    /// </summary>
    public bool HasDefinitelyExited(Handle handle)
    {
        int type = handle.Type;
        int slot = handle.Slot;
        if ((uint)type >= (uint)_types.Length || (uint)slot >= (uint)_types[type].SlotCount)
        {
            return true;
        }

        return Volatile.Read(ref _types[type].Meta[slot].Generation) != handle.Generation;
    }

    /// <summary>A Down that arrived through the system lane.</summary>
    private void DeliverSystemEnvelope(ref Message envelope) => _watches.DeliverDown(ref envelope);

    int IWatchHost.ShardId => Id;

    ref int IWatchHost.WatchHeadOf(Handle target)
    {
        if (TryResolve(target, out IsolateTable table, out int slot))
        {
            return ref table.Meta[slot].WatchHead;
        }

        return ref Unsafe.NullRef<int>();
    }

    ref int IWatchHost.WatchingHeadOf(Handle watcher)
    {
        if (watcher.Shard == Id && TryResolve(watcher, out IsolateTable table, out int slot))
        {
            return ref table.Meta[slot].WatchingHead;
        }

        return ref Unsafe.NullRef<int>();
    }

    bool IWatchHost.HasWatcherDefinitelyExited(Handle watcher) =>
        (uint)watcher.Shard >= (uint)_peers.Length || _peers[watcher.Shard].HasDefinitelyExited(watcher);

    SendResult IWatchHost.DeliverSystem(ref Message envelope)
    {
        if (!TryResolve(envelope.TargetHandle, out IsolateTable table, out int slot))
        {
            return SendResult.StaleHandle;
        }

        var writer = new CopyWriter(ref envelope);
        return DeliverSystemCore(table, slot, ref writer);
    }

    bool IWatchHost.IsLiveHere(Handle target) => TryResolve(target, out _, out _);

    bool IWatchHost.CanDeliverSystemOrGone(Handle target) =>
        !TryResolve(target, out IsolateTable table, out int slot)
        || (table.Meta[slot].MailboxCount < table.MailboxRingSize && Pool.FreeCount > 0);

    ref Message IWatchHost.ClaimSystem(int shard) => ref ClaimSystem(shard);

    void IWatchHost.AckRequest(int requester) => AckRequest(requester);
}
