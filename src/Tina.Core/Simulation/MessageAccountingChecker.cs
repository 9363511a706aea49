using System.Globalization;
using Tina.Isolates;
using Tina.Messaging;
using Tina.Scheduling;

namespace Tina.Simulation;

/// <summary>
/// No silent loss (I1). Every envelope that entered the system is accounted for, summed over all shards:
/// <code>
///   sends that returned Ok (MessagesSent) + external posts taken (ExternalMessagesReceived)
///     + start messages queued (StartMessagesQueued) + timer firings queued (TimersFired) + Downs sent (DownsSent)
///   = mail handed to handlers (observed, kinds User/Call/Timer/Start/Down)
///     + still queued (Σ MailboxCount over live isolates, from metadata)
///     + still in a ring (kinds User/Call/SpawnRequest in user rings; Downs in system rings and backlogs, peeked)
///     + Downs waiting in a pending-Down queue (watcher's mailbox full)
///     + dropped with a reason (TeardownDrops + InboundMailboxFull + InboundPoolExhausted + InboundStaleHandle
///       + QuarantineDrops + DownsToExitedWatcher + DownsDropped)
///     + spawn requests run (SpawnRequestsReceived)
/// </code>
/// A remote Ok send is later received (MessagesReceivedRemote), dropped inbound with a counter, run as a spawn
/// request, or still in its ring; both sides of that hop appear above, so a ring that loses an envelope, a drop
/// without a counter, or a double delivery all break the equation. A Down counts from the moment the runtime
/// counts it sent (queued locally or claimed in a ring); a Down the runtime never counted is the watch checker's to
/// find. A quarantined shard's drops cover every kind it drops, so a CancelRequest dropped there (no workload sends
/// one remotely) would be counted without having entered. Also: MessagesHandled equals the dispatches the observer
/// saw.
/// </summary>
internal sealed class MessageAccountingChecker : ISimulationChecker
{
    public string Name => "MessageAccounting";

    public bool Check(Simulator simulator, bool final, out string? violation)
    {
        TinaRuntime runtime = simulator.Runtime;
        long handled = runtime.Total(ShardCounter.MessagesHandled);
        if (handled != simulator.Dispatches)
        {
            violation = string.Create(
                CultureInfo.InvariantCulture, $"MessagesHandled {handled} != dispatches observed {simulator.Dispatches}");
            return false;
        }

        long sent = runtime.Total(ShardCounter.MessagesSent);
        long external = runtime.Total(ShardCounter.ExternalMessagesReceived);
        long starts = runtime.Total(ShardCounter.StartMessagesQueued);
        long timers = runtime.Total(ShardCounter.TimersFired);
        long downs = runtime.Total(ShardCounter.DownsSent);
        long teardown = runtime.Total(ShardCounter.TeardownDrops);
        long inboundDrops = runtime.Total(ShardCounter.InboundMailboxFull)
            + runtime.Total(ShardCounter.InboundPoolExhausted)
            + runtime.Total(ShardCounter.InboundStaleHandle)
            + runtime.Total(ShardCounter.QuarantineDrops)
            + runtime.Total(ShardCounter.DownsToExitedWatcher)
            + runtime.Total(ShardCounter.DownsDropped);
        long spawnRequests = runtime.Total(ShardCounter.SpawnRequestsReceived);
        long queued = CountQueued(runtime);
        long inRings = CountInRings(runtime) + CountDownsInSystemLane(runtime);
        long entered = sent + external + starts + timers + downs;
        long accounted = simulator.MailboxDispatches + queued + inRings + teardown + inboundDrops + spawnRequests;
        if (entered != accounted)
        {
            violation = string.Create(
                CultureInfo.InvariantCulture,
                $"entered {entered} (sent {sent} + external {external} + starts {starts} + timers {timers} + downs {downs}) != accounted {accounted} (handled mail {simulator.MailboxDispatches} + queued {queued} + in rings {inRings} + teardown {teardown} + inbound drops {inboundDrops} + spawn requests {spawnRequests}); received remote {runtime.Total(ShardCounter.MessagesReceivedRemote)}");
            return false;
        }

        violation = null;
        return true;
    }

    private static long CountQueued(TinaRuntime runtime)
    {
        long queued = 0;
        for (int s = 0; s < runtime.ShardCount; s++)
        {
            Shard shard = runtime.ShardAt(s);
            for (int type = 0; type < shard.TypeCount; type++)
            {
                IsolateTable table = shard.TypeTable(type);
                for (int slot = 0; slot < table.SlotCount; slot++)
                {
                    if (table.Meta[slot].State != IsolateState.Free)
                    {
                        queued += table.Meta[slot].MailboxCount;
                    }
                }
            }

            queued += shard.PendingDownCount;
        }

        return queued;
    }

    private static long CountInRings(TinaRuntime runtime)
    {
        long count = 0;
        for (int to = 0; to < runtime.ShardCount; to++)
        {
            Shard shard = runtime.ShardAt(to);
            for (int from = 0; from < runtime.ShardCount; from++)
            {
                SpscRing? ring = shard.InboundRingFrom(from);
                if (ring is null)
                {
                    continue;
                }

                count += CountEnvelopes(ring, downsOnly: false);
            }
        }

        return count;
    }

    private static long CountDownsInSystemLane(TinaRuntime runtime)
    {
        long count = 0;
        for (int from = 0; from < runtime.ShardCount; from++)
        {
            Shard shard = runtime.ShardAt(from);
            for (int to = 0; to < runtime.ShardCount; to++)
            {
                SpscRing? ring = shard.SystemLane.RingTo(to);
                if (ring is not null)
                {
                    count += CountEnvelopes(ring, downsOnly: true);
                }

                SystemBacklog? backlog = shard.SystemLane.BacklogTo(to);
                if (backlog is not null)
                {
                    for (int i = 0; i < backlog.Count; i++)
                    {
                        count += backlog.PeekAt(i).KindValue == MessageKind.Down ? 1 : 0;
                    }
                }
            }
        }

        return count;
    }

    /// <summary>Envelopes in a ring the equation counts: Downs only (a system ring), or user mail, calls, spawn requests and Downs.</summary>
    private static long CountEnvelopes(SpscRing ring, bool downsOnly)
    {
        long count = 0;
        int inFlight = ring.InFlightCountUnsynchronized;
        for (int i = 0; i < inFlight; i++)
        {
            MessageKind kind = ring.PeekInFlightUnsynchronized(i).KindValue;
            bool counted = downsOnly
                ? kind == MessageKind.Down
                : kind is MessageKind.User or MessageKind.Call or MessageKind.SpawnRequest or MessageKind.Down;
            count += counted ? 1 : 0;
        }

        return count;
    }
}
