using System.Runtime.CompilerServices;
using Tina.Isolates;
using Tina.Messaging;

namespace Tina.Scheduling;

/// <remarks>
/// Watching. A watch lives on the target's shard, chained from the target's metadata. When the target exits, every
/// watcher gets one Down message carrying the outcome (a system message: pool reserve and mailbox headroom). A
/// watch on a handle that is already stale, or on a shard that is not running, answers Down at once with
/// <see cref="Down.WasStale"/> set. Watches are bounded by <see cref="TinaSpec.WatchCapacity"/> per shard.
/// </remarks>
internal sealed partial class Shard
{
    private Supervision.WatchTable _watches = null!;

    /// <summary>The current isolate watches <paramref name="target"/>; false when the watch could not be recorded.</summary>
    public bool Watch(Handle target)
    {
        Handle watcher = _currentHandle;
        if (target.Shard == Id || target.IsNone || (uint)target.Shard >= (uint)_peers.Length)
        {
            return AddWatch(target, watcher);
        }

        if (_peers[target.Shard].Status != ShardStatus.Running)
        {
            SendDown(watcher, new Down(target, ExitOutcome.Cancelled, 0, WasStale: true));
            return true;
        }

        ref Message slot = ref ClaimRemoteSystem(target.Shard);
        if (Unsafe.IsNullRef(ref slot))
        {
            return false;
        }

        slot.SetHeader(target, watcher, MessageKind.WatchRequest, 0);
        slot.TypeId = 0;
        slot.PayloadLength = 0;
        return true;
    }

    private bool AddWatch(Handle target, Handle watcher)
    {
        if (!TryResolve(target, out IsolateTable table, out int slot))
        {
            SendDown(watcher, new Down(target, ExitOutcome.Cancelled, 0, WasStale: true));
            return true;
        }

        if (!_watches.TryAdd(ref table.Meta[slot].WatchHead, watcher))
        {
            Counters.Increment(ShardCounter.WatchesExhausted);
            return false;
        }

        return true;
    }

    private void NotifyWatchers(ref int watchHead, Handle self, ExitOutcome outcome, int reason)
    {
        while (_watches.TryTake(ref watchHead, out Handle watcher))
        {
            SendDown(watcher, new Down(self, outcome, reason, WasStale: false));
        }
    }

    private void SendDown(Handle watcher, in Down down)
    {
        if (watcher.Shard == Id)
        {
            if (DeliverSystem(watcher, MessageKind.Down, down.Target, in down))
            {
                Counters.Increment(ShardCounter.DownsSent);
            }

            return;
        }

        ref Message slot = ref ClaimRemoteSystem(watcher.Shard);
        if (Unsafe.IsNullRef(ref slot))
        {
            return;
        }

        slot.SetHeader(watcher, down.Target, MessageKind.Down, 0);
        slot.SetPayload(in down);
        Counters.Increment(ShardCounter.DownsSent);
    }

    /// <summary>A Down (or other system message) that arrived through a ring: reserve and headroom, not the user capacity.</summary>
    private void DeliverSystemEnvelope(ref Message envelope)
    {
        if (!TryResolve(envelope.TargetHandle, out IsolateTable table, out int slot))
        {
            Counters.Increment(ShardCounter.InboundStaleHandle);
            return;
        }

        var writer = new CopyWriter(ref envelope);
        switch (DeliverSystemCore(table, slot, ref writer))
        {
            case SendResult.PoolExhausted:
                Counters.Increment(ShardCounter.InboundPoolExhausted);
                break;
            case SendResult.MailboxFull:
                Counters.Increment(ShardCounter.InboundMailboxFull);
                break;
        }
    }
}
