using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Tina.Diagnostics;

namespace Tina.Supervision;

/// <summary>
/// One shard's watches: the <see cref="WatchTable"/> of entries "tell Watcher when Target exits" for the targets of
/// this shard, the Downs they fire, and the queue of Downs still waiting for room in a local watcher's mailbox.
/// </summary>
/// <remarks>
/// <para>Watches. A watch lives on its target's shard, chained from the target's metadata (and, for a watcher of the
/// same shard, from the watcher's). When the target exits every watcher gets one Down carrying the outcome. A watch on
/// a stale handle answers Down at once with <see cref="Down.WasStale"/> set. The table holds
/// <see cref="TinaSpec.WatchCapacity"/> entries; they are reclaimed when the target exits, on Unwatch, when a local
/// watcher exits, and, for remote watchers (whose exit this shard does not hear of), by a sweep when the table is
/// full, so dead watchers never refuse a live one. A self-watch is refused (its Down would land in the mailbox of a
/// slot being freed).</para>
/// <para>Invariants. Every used entry's target is live here (entries leave when it exits); a tracked entry's watcher
/// is live here too. A remote watcher's entry is never on a watcher chain: where a watcher chain head is needed for it,
/// <c>_noWatcherHead</c> stands in, a dummy that is reset to -1 when handed out and that nothing ever links into
/// (the table does not touch the watcher head of an untracked entry). The pending queue is FIFO and holds
/// at most <see cref="TinaSpec.WatchCapacity"/> Downs (as many as the table can fire at once); Downs for one watcher
/// leave it in the order they were sent; while it is not empty a new local Down joins its tail rather than
/// overtaking. A Down is counted sent once (<see cref="ShardCounter.DownsSent"/>) and then ends delivered, queued
/// (<see cref="ShardCounter.DownsQueued"/>, later delivered or dropped), or dropped with its own counter
/// (<see cref="ShardCounter.DownsToExitedWatcher"/>, <see cref="ShardCounter.DownsDropped"/>).</para>
/// <para>Threads. Shard-thread only.</para>
/// </remarks>
internal sealed class WatchRegistry
{
    private readonly IWatchHost _host;
    private readonly ShardCounters _counters;
    private readonly WatchTable _table;
    private readonly Message[] _pendingDowns; // Downs waiting for room in their watcher's mailbox, oldest first
    private int _pendingDownCount;
    private int _noWatcherHead = -1;          // stands in for the chain head of a watcher that is not on this shard

    public WatchRegistry(IWatchHost host, int capacity, ShardCounters counters)
    {
        _host = host;
        _counters = counters;
        _table = new WatchTable(capacity);
        _pendingDowns = new Message[Math.Max(1, capacity)];
    }

    /// <summary>Watch entries in use (for tests and checkers).</summary>
    public int InUse => _table.InUse;

    /// <summary>Downs waiting in the pending-Down queue (checkers).</summary>
    public int PendingDownCount => _pendingDownCount;

    /// <summary>
    /// Records a watch on a target of this shard. A stale target answers Down (WasStale) at once. A full table is first
    /// swept of entries whose watchers are provably gone; if it is still full the watch is refused: false for a local
    /// watcher, a Down with <see cref="Down.Refused"/> for a remote one (which has no other way to learn it).
    /// <paramref name="requester"/> is the shard a watch request came from (answered by exactly one Down or ack), or -1.
    /// </summary>
    public bool Add(Handle target, Handle watcher, int requester = -1)
    {
        bool answers = requester >= 0;
        ref int targetHead = ref _host.WatchHeadOf(target);
        if (Unsafe.IsNullRef(ref targetHead))
        {
            SendDown(watcher, new Down(target, ExitOutcome.Cancelled, 0, WasStale: true), answersRequest: answers);
            return true;
        }

        if (target == watcher)
        {
            if (answers)
            {
                _host.AckRequest(requester);
            }

            return false; // a remote request cannot name itself, but a stray one must not create a self-watch
        }

        if (_table.IsFull)
        {
            SweepDeadWatchers();
        }

        bool local = watcher.Shard == _host.ShardId;
        ref int watcherHead = ref WatchingHeadOrDummy(watcher);
        if (_table.TryAdd(target, ref targetHead, watcher, ref watcherHead, trackWatcher: local) < 0)
        {
            _counters.Increment(ShardCounter.WatchesExhausted);
            if (!local)
            {
                SendDown(watcher, new Down(target, ExitOutcome.Cancelled, 0, WasStale: false) { Refused = true }, answersRequest: answers);
            }
            else if (answers)
            {
                _host.AckRequest(requester);
            }

            return false;
        }

        if (answers)
        {
            _host.AckRequest(requester);
        }

        return true;
    }

    /// <summary>The target exits: every watch on it fires once (never to the target itself) and is freed.</summary>
    public void NotifyWatchers(ref int watchHead, Handle self, ExitOutcome outcome, int reason)
    {
        while (watchHead >= 0)
        {
            int entry = watchHead;
            Handle watcher = _table.WatcherAt(entry);
            _table.Remove(entry, ref watchHead, ref WatchingHeadOrDummy(watcher));
            if (watcher != self)
            {
                SendDown(watcher, new Down(self, outcome, reason, WasStale: false));
            }
        }
    }

    /// <summary>A local watcher exits: the watches it holds on this shard's isolates are freed.</summary>
    public void ReclaimWatching(ref int watchingHead)
    {
        while (watchingHead >= 0)
        {
            int entry = watchingHead;
            _table.Remove(entry, ref WatchHeadOrDummy(_table.TargetAt(entry)), ref watchingHead);
        }
    }

    /// <summary>Frees every watch <paramref name="watcher"/> holds on <paramref name="target"/>, a live isolate of this shard.</summary>
    public bool RemoveLocal(Handle target, Handle watcher)
    {
        ref int targetHead = ref _host.WatchHeadOf(target);
        if (Unsafe.IsNullRef(ref targetHead))
        {
            return false;
        }

        ref int watcherHead = ref WatchingHeadOrDummy(watcher);
        bool removed = false;
        int entry = targetHead;
        while (entry >= 0)
        {
            int next = _table.NextOfTarget(entry);
            if (_table.WatcherAt(entry) == watcher)
            {
                _table.Remove(entry, ref targetHead, ref watcherHead);
                removed = true;
            }

            entry = next;
        }

        return removed;
    }

    /// <summary>
    /// Sends a Down to its watcher: a local one through the system delivery path, a remote one through the system lane
    /// (never refused). <paramref name="answersRequest"/> marks the Down that answers a watch request (Auxiliary = 1), so
    /// the watcher's shard gets its request credit back.
    /// </summary>
    public void SendDown(Handle watcher, in Down down, bool answersRequest = false)
    {
        if (watcher.Shard == _host.ShardId)
        {
            Message envelope = default;
            envelope.SetHeader(watcher, down.Target, MessageKind.Down, 0);
            envelope.SetPayload(in down);
            // Counted sent whatever happens next: delivered, queued, or dropped with its own counter
            // (DownsToExitedWatcher, DownsDropped), as a remote Down is counted when it is claimed in the system lane.
            _counters.Increment(ShardCounter.DownsSent);
            DeliverDown(ref envelope);
            return;
        }

        ref Message slot = ref _host.ClaimSystem(watcher.Shard);
        if (Unsafe.IsNullRef(ref slot))
        {
            return; // its shard no longer runs (counted by ClaimSystem)
        }

        slot.SetHeader(watcher, down.Target, MessageKind.Down, 0);
        slot.SetPayload(in down);
        slot.Auxiliary = answersRequest ? 1u : 0u;
        _counters.Increment(ShardCounter.DownsSent);
    }

    /// <summary>
    /// Puts a Down in its local watcher's mailbox (pool reserve and mailbox headroom, not the user capacity). When even
    /// those are used up, or older Downs already wait (FIFO), it waits in the pending-Down queue, retried after every
    /// dispatch (<see cref="DeliverPendingDowns"/>). False when it was dropped: its watcher has exited (counted
    /// <see cref="ShardCounter.DownsToExitedWatcher"/>) or the queue is full (counted
    /// <see cref="ShardCounter.DownsDropped"/>).
    /// </summary>
    /// <remarks>
    /// The queue's bound is not a proof that no Down is ever dropped (entries are freed when they fire, so a watcher
    /// that keeps re-watching while its mailbox stays full can outrun it); that remaining drop path is counted.
    /// </remarks>
    public bool DeliverDown(ref Message envelope)
    {
        if (_pendingDownCount == 0)
        {
            SendResult result = _host.DeliverSystem(ref envelope);
            if (result == SendResult.Ok)
            {
                return true;
            }

            if (result == SendResult.StaleHandle)
            {
                _counters.Increment(ShardCounter.DownsToExitedWatcher);
                return false;
            }
        }
        else if (!_host.IsLiveHere(envelope.TargetHandle))
        {
            _counters.Increment(ShardCounter.DownsToExitedWatcher);
            return false;
        }

        if (_pendingDownCount == _pendingDowns.Length)
        {
            _counters.Increment(ShardCounter.DownsDropped);
            return false;
        }

        _pendingDowns[_pendingDownCount] = envelope;
        _pendingDownCount++;
        _counters.Increment(ShardCounter.DownsQueued);
        return true;
    }

    /// <summary>
    /// After dispatch: moves waiting Downs into their watchers' mailboxes, oldest first. A Down that still finds no
    /// room stays; a later one for the same watcher finds none either (nothing was taken from that mailbox during the
    /// pass, and the pool only shrank), so order per watcher is kept.
    /// </summary>
    public void DeliverPendingDowns()
    {
        int count = _pendingDownCount;
        if (count == 0)
        {
            return;
        }

        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            ref Message envelope = ref _pendingDowns[i];
            SendResult result = _host.DeliverSystem(ref envelope);
            if (result == SendResult.StaleHandle)
            {
                _counters.Increment(ShardCounter.DownsToExitedWatcher);
                continue;
            }

            if (result == SendResult.Ok)
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

    /// <summary>Park re-check: a waiting Down whose watcher has room now (or has exited).</summary>
    public bool AnyPendingDownDeliverable()
    {
        for (int i = 0; i < _pendingDownCount; i++)
        {
            if (_host.CanDeliverSystemOrGone(_pendingDowns[i].TargetHandle))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The table is full: frees the entries whose watchers have exited. Local watchers free their entries at exit, so
    /// only remote ones can be dead here; their shard is asked through the host, which never calls a live watcher
    /// dead. O(capacity), and only when a watch would otherwise be refused.
    /// </summary>
    private void SweepDeadWatchers()
    {
        for (int entry = 0; entry < _table.Capacity; entry++)
        {
            if (!_table.IsUsed(entry) || _table.IsTracked(entry))
            {
                continue;
            }

            if (_host.HasWatcherDefinitelyExited(_table.WatcherAt(entry)))
            {
                _table.Remove(entry, ref WatchHeadOrDummy(_table.TargetAt(entry)), ref _noWatcherHead); // untracked: not touched
            }
        }
    }

    /// <summary>The watched-by chain head of a live target of this shard, or the dummy.</summary>
    private ref int WatchHeadOrDummy(Handle target)
    {
        ref int head = ref _host.WatchHeadOf(target);
        if (!Unsafe.IsNullRef(ref head))
        {
            return ref head;
        }

        Debug.Fail("a used watch entry names a target that is gone");
        _noWatcherHead = -1;
        return ref _noWatcherHead;
    }

    /// <summary>The watching chain head of a live watcher of this shard, or the dummy for a remote one (never linked).</summary>
    private ref int WatchingHeadOrDummy(Handle watcher)
    {
        ref int head = ref _host.WatchingHeadOf(watcher);
        if (!Unsafe.IsNullRef(ref head))
        {
            return ref head;
        }

        _noWatcherHead = -1;
        return ref _noWatcherHead;
    }
}
