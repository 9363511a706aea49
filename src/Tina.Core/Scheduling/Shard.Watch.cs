using System.Runtime.CompilerServices;
using System.Threading;
using Tina.Isolates;
using Tina.Messaging;

namespace Tina.Scheduling;

/// <remarks>
/// Watching. A watch lives on the target's shard, chained from the target's metadata (and, for a watcher of the same
/// shard, from the watcher's). When the target exits, every watcher gets one Down message carrying the outcome (a
/// system message: pool reserve and mailbox headroom). A watch on a handle that is already stale, or on a shard that
/// is not running, answers Down at once with <see cref="Down.WasStale"/> set. Watches are bounded by
/// <see cref="TinaSpec.WatchCapacity"/> per shard. Entries are reclaimed when the target exits, on Unwatch, when a
/// local watcher exits, and — for remote watchers, whose exit this shard does not hear of — by a sweep when the table
/// is full, so dead watchers never refuse a live one. A self-watch is refused (its Down would land in the mailbox of a
/// slot being freed).
/// </remarks>
internal sealed partial class Shard
{
    private Supervision.WatchTable _watches = null!;
    private int _noWatcherHead = -1;     // stands in for the chain head of a watcher that is not on this shard
    private Message[] _pendingDowns = System.Array.Empty<Message>(); // Downs waiting for room in their watcher's mailbox, oldest first
    private int _pendingDownCount;

    /// <summary>Watch entries in use on this shard (for tests and checkers).</summary>
    public int WatchesInUse => _watches.InUse;

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
            return AddWatch(target, watcher);
        }

        if (_peers[target.Shard].Status != ShardStatus.Running)
        {
            SendDown(watcher, new Down(target, ExitOutcome.Cancelled, 0, WasStale: true));
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
            return RemoveLocalWatches(target, watcher);
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
    /// Records a watch on a target of this shard. A stale target answers Down (WasStale) at once. A full table is first
    /// swept of entries whose watchers are provably gone; if it is still full the watch is refused: false for a local
    /// watcher, a Down with <see cref="Down.Refused"/> for a remote one (which has no other way to learn it).
    /// </summary>
    private bool AddWatch(Handle target, Handle watcher, int requester = -1)
    {
        bool answers = requester >= 0; // a request from another shard: answered by exactly one Down or ack
        if (!TryResolve(target, out IsolateTable table, out int slot))
        {
            SendDown(watcher, new Down(target, ExitOutcome.Cancelled, 0, WasStale: true), answersRequest: answers);
            return true;
        }

        if (target == watcher)
        {
            if (answers)
            {
                AckRequest(requester);
            }

            return false; // a remote request cannot name itself, but a stray one must not create a self-watch
        }

        if (_watches.IsFull)
        {
            SweepDeadWatchers();
        }

        bool local = watcher.Shard == Id;
        ref int watcherHead = ref WatchingHeadOf(watcher);
        if (_watches.TryAdd(target, ref table.Meta[slot].WatchHead, watcher, ref watcherHead, trackWatcher: local) < 0)
        {
            Counters.Increment(ShardCounter.WatchesExhausted);
            if (!local)
            {
                SendDown(watcher, new Down(target, ExitOutcome.Cancelled, 0, WasStale: false) { Refused = true }, answersRequest: answers);
            }
            else if (answers)
            {
                AckRequest(requester);
            }

            return false;
        }

        if (answers)
        {
            AckRequest(requester);
        }

        return true;
    }

    /// <summary>The target exits: every watch on it fires once (never to the target itself) and is freed.</summary>
    private void NotifyWatchers(ref int watchHead, Handle self, ExitOutcome outcome, int reason)
    {
        while (watchHead >= 0)
        {
            int entry = watchHead;
            Handle watcher = _watches.WatcherAt(entry);
            _watches.Remove(entry, ref watchHead, ref WatchingHeadOf(watcher));
            if (watcher != self)
            {
                SendDown(watcher, new Down(self, outcome, reason, WasStale: false));
            }
        }
    }

    /// <summary>A local watcher exits: the watches it holds on this shard's isolates are freed.</summary>
    private void ReclaimWatching(ref int watchingHead)
    {
        while (watchingHead >= 0)
        {
            int entry = watchingHead;
            _watches.Remove(entry, ref WatchHeadOf(_watches.TargetAt(entry)), ref watchingHead);
        }
    }

    /// <summary>Frees every watch <paramref name="watcher"/> holds on <paramref name="target"/>, a live isolate of this shard.</summary>
    private bool RemoveLocalWatches(Handle target, Handle watcher)
    {
        if (!TryResolve(target, out IsolateTable table, out int slot))
        {
            return false;
        }

        ref int targetHead = ref table.Meta[slot].WatchHead;
        ref int watcherHead = ref WatchingHeadOf(watcher);
        bool removed = false;
        int entry = targetHead;
        while (entry >= 0)
        {
            int next = _watches.NextOfTarget(entry);
            if (_watches.WatcherAt(entry) == watcher)
            {
                _watches.Remove(entry, ref targetHead, ref watcherHead);
                removed = true;
            }

            entry = next;
        }

        return removed;
    }

    /// <summary>
    /// The table is full: frees the entries whose watchers have exited. Local watchers free their entries at exit, so
    /// only remote ones can be dead here; their shard is asked through <see cref="HasDefinitelyExited"/>, which never
    /// calls a live watcher dead. O(capacity), and only when a watch would otherwise be refused.
    /// </summary>
    private void SweepDeadWatchers()
    {
        for (int entry = 0; entry < _watches.Capacity; entry++)
        {
            if (!_watches.IsUsed(entry) || _watches.IsTracked(entry))
            {
                continue;
            }

            Handle watcher = _watches.WatcherAt(entry);
            if ((uint)watcher.Shard >= (uint)_peers.Length || _peers[watcher.Shard].HasDefinitelyExited(watcher))
            {
                _watches.Remove(entry, ref WatchHeadOf(_watches.TargetAt(entry)), ref _noWatcherHead);
            }
        }
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

    /// <summary>The watched-by chain head of a live target of this shard, or a dummy.</summary>
    private ref int WatchHeadOf(Handle target)
    {
        if (TryResolve(target, out IsolateTable table, out int slot))
        {
            return ref table.Meta[slot].WatchHead;
        }

        System.Diagnostics.Debug.Fail("a used watch entry names a target that is gone");
        _noWatcherHead = -1;
        return ref _noWatcherHead;
    }

    /// <summary>The watching chain head of a live watcher of this shard, or a dummy for a remote one (never linked).</summary>
    private ref int WatchingHeadOf(Handle watcher)
    {
        if (watcher.Shard == Id && TryResolve(watcher, out IsolateTable table, out int slot))
        {
            return ref table.Meta[slot].WatchingHead;
        }

        _noWatcherHead = -1;
        return ref _noWatcherHead;
    }

    /// <summary>
    /// Sends a Down to its watcher: a local one through the system delivery path, a remote one through the system lane
    /// (never refused). <paramref name="answersRequest"/> marks the Down that answers a watch request (Auxiliary = 1), so
    /// the watcher's shard gets its request credit back.
    /// </summary>
    private void SendDown(Handle watcher, in Down down, bool answersRequest = false)
    {
        if (watcher.Shard == Id)
        {
            Message envelope = default;
            envelope.SetHeader(watcher, down.Target, MessageKind.Down, 0);
            envelope.SetPayload(in down);
            // Counted sent whatever happens next: delivered, queued, or dropped with its own counter
            // (DownsToExitedWatcher, DownsDropped), as a remote Down is counted when it is claimed in the system lane.
            Counters.Increment(ShardCounter.DownsSent);
            DeliverDown(ref envelope);
            return;
        }

        ref Message slot = ref ClaimSystem(watcher.Shard);
        if (Unsafe.IsNullRef(ref slot))
        {
            return; // its shard no longer runs (counted by ClaimSystem)
        }

        slot.SetHeader(watcher, down.Target, MessageKind.Down, 0);
        slot.SetPayload(in down);
        slot.Auxiliary = answersRequest ? 1u : 0u;
        Counters.Increment(ShardCounter.DownsSent);
    }

    /// <summary>A Down that arrived through the system lane.</summary>
    private void DeliverSystemEnvelope(ref Message envelope) => DeliverDown(ref envelope);

    /// <summary>
    /// Puts a Down in its local watcher's mailbox (pool reserve and mailbox headroom, not the user capacity). When even
    /// those are used up, or older Downs already wait (FIFO: a watcher sees its Downs in the order they were sent), it
    /// waits in the pending-Down queue, retried after every dispatch (<see cref="DeliverPendingDowns"/>). False when it
    /// was dropped: its watcher has exited (counted <see cref="ShardCounter.DownsToExitedWatcher"/>) or the queue is
    /// full (counted <see cref="ShardCounter.DownsDropped"/>).
    /// </summary>
    /// <remarks>
    /// The queue holds <see cref="TinaSpec.WatchCapacity"/> Downs: as many as this shard's watch table can fire at
    /// once. It is not a proof that no Down is ever dropped (entries are freed when they fire, so a watcher that keeps
    /// re-watching while its mailbox stays full can outrun it); that remaining drop path is counted.
    /// </remarks>
    private bool DeliverDown(ref Message envelope)
    {
        if (!TryResolve(envelope.TargetHandle, out IsolateTable table, out int slot))
        {
            Counters.Increment(ShardCounter.DownsToExitedWatcher);
            return false;
        }

        if (_pendingDownCount == 0)
        {
            var writer = new CopyWriter(ref envelope);
            if (DeliverSystemCore(table, slot, ref writer) == SendResult.Ok)
            {
                return true;
            }
        }

        if (_pendingDownCount == _pendingDowns.Length)
        {
            Counters.Increment(ShardCounter.DownsDropped);
            return false;
        }

        _pendingDowns[_pendingDownCount] = envelope;
        _pendingDownCount++;
        Counters.Increment(ShardCounter.DownsQueued);
        return true;
    }

    /// <summary>
    /// After dispatch: moves waiting Downs into their watchers' mailboxes, oldest first. A Down that still finds no
    /// room stays; a later one for the same watcher finds none either (nothing was taken from that mailbox during the
    /// pass, and the pool only shrank), so order per watcher is kept.
    /// </summary>
    private void DeliverPendingDowns()
    {
        int count = _pendingDownCount;
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            ref Message envelope = ref _pendingDowns[i];
            if (!TryResolve(envelope.TargetHandle, out IsolateTable table, out int slot))
            {
                Counters.Increment(ShardCounter.DownsToExitedWatcher);
                continue;
            }

            var writer = new CopyWriter(ref envelope);
            if (DeliverSystemCore(table, slot, ref writer) == SendResult.Ok)
            {
                continue;
            }

            if (kept != i)
            {
                _pendingDowns[kept] = envelope;
            }

            kept++;
        }

        _pendingDownCount = kept;
    }

    /// <summary>Downs waiting in the pending-Down queue (checkers).</summary>
    public int PendingDownCount => _pendingDownCount;

    /// <summary>Park re-check: a waiting Down whose watcher has room now (or has exited).</summary>
    private bool AnyPendingDownDeliverable()
    {
        for (int i = 0; i < _pendingDownCount; i++)
        {
            ref Message envelope = ref _pendingDowns[i];
            if (!TryResolve(envelope.TargetHandle, out IsolateTable table, out int slot)
                || (table.Meta[slot].MailboxCount < table.MailboxRingSize && Pool.FreeCount > 0))
            {
                return true;
            }
        }

        return false;
    }
}
