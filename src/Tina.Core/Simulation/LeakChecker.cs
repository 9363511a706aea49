using System;
using System.Globalization;
using Tina.Isolates;
using Tina.Memory;
using Tina.Messaging;
using Tina.Scheduling;

namespace Tina.Simulation;

/// <summary>
/// Nothing is left behind by an exit, and nothing is left over at quiescence. Every check: a free slot owns no
/// mail, no timer list, no watch chain, no owed replies. At quiescence (the end of a run): every buffer in use (on a
/// shard that is not quarantined) is owned by a live isolate (a buffer owned by an exited isolate can never come
/// back), every ring is empty, and every message-pool envelope is free or queued to a live isolate.
/// </summary>
/// <remarks>
/// <para>Between rounds a buffer may be owned by an exited isolate for a while legitimately (its release is in a ring
/// or in the owner shard's pending list), so the owner check runs only at quiescence, when nothing is in flight.</para>
/// <para>Every check remembers, per buffer, its owner and whether that owner was ever seen alive while owning it. At
/// quiescence a buffer owned by a gone isolate that was seen alive as its owner is a leak of the exit path (the exit
/// did not reclaim it) and always fails; one whose owner was never seen alive was most likely handed to an isolate
/// that had already exited (a transfer to a stale handle), the known defect below.</para>
/// </remarks>
internal sealed class LeakChecker : ISimulationChecker
{
    /// <summary>
    /// Off: buffers sent to an exited isolate come home (a dropped carrier or a carrier refused at the sender asks
    /// the home shard to sweep; see Shard.Buffers). While true (and <see cref="SimulationOptions.TolerateKnownDefects"/>), a buffer owned at quiescence by
    /// an exited isolate never seen alive as its owner is counted in <see cref="BuffersToleratedLeaked"/> instead of
    /// failing the run.
    /// </summary>
    internal static bool KnownDefect_BufferToExitedIsolateLeaks => false;

    private ulong[][] _owner = Array.Empty<ulong[]>();      // [shard][buffer] owner at the last check
    private uint[][] _generation = Array.Empty<uint[]>();   // [shard][buffer] buffer generation at the last check
    private bool[][] _seenAlive = Array.Empty<bool[]>();    // [shard][buffer] that owner was alive at some check

    public string Name => "Leaks";

    /// <summary>Buffers found owned by exited isolates and tolerated under the known-defect flag (coverage).</summary>
    public long BuffersToleratedLeaked { get; private set; }

    public bool Check(Simulator simulator, bool final, out string? violation)
    {
        TinaRuntime runtime = simulator.Runtime;
        if (_owner.Length != runtime.ShardCount)
        {
            _owner = new ulong[runtime.ShardCount][];
            _seenAlive = new bool[runtime.ShardCount][];
            _generation = new uint[runtime.ShardCount][];
            for (int s = 0; s < runtime.ShardCount; s++)
            {
                _owner[s] = new ulong[runtime.ShardAt(s).Buffers.Count];
                _seenAlive[s] = new bool[runtime.ShardAt(s).Buffers.Count];
                _generation[s] = new uint[runtime.ShardAt(s).Buffers.Count];
            }
        }

        for (int s = 0; s < runtime.ShardCount; s++)
        {
            Shard shard = runtime.ShardAt(s);
            TrackOwners(runtime, s);
            long queued = 0;
            for (int type = 0; type < shard.TypeCount; type++)
            {
                IsolateTable table = shard.TypeTable(type);
                for (int slot = 0; slot < table.SlotCount; slot++)
                {
                    ref IsolateMeta meta = ref table.Meta[slot];
                    if (meta.State != IsolateState.Free)
                    {
                        queued += meta.MailboxCount;
                        continue;
                    }

                    if (meta.MailboxCount != 0 || meta.TimerHead != -1 || meta.WatchHead != -1 || meta.WatchingHead != -1 || meta.OwedCount != 0)
                    {
                        violation = Format($"shard {s} type {type} slot {slot} is free but holds mail {meta.MailboxCount}, timer list {meta.TimerHead}, watch chains {meta.WatchHead}/{meta.WatchingHead}, owed {meta.OwedCount}");
                        return false;
                    }
                }
            }

            if (!final)
            {
                continue;
            }

            if (shard.Pool.FreeCount + queued != shard.Pool.Capacity)
            {
                violation = Format($"shard {s}: at quiescence the message pool has {shard.Pool.FreeCount} free + {queued} queued of {shard.Pool.Capacity} (leaked)");
                return false;
            }

            for (int from = 0; from < runtime.ShardCount; from++)
            {
                SpscRing? ring = shard.InboundRingFrom(from);
                if (ring is not null && ring.InFlightCountUnsynchronized != 0)
                {
                    string what = string.Empty;
                    for (int i = 0; i < ring.InFlightCountUnsynchronized; i++)
                    {
                        ref Message m = ref ring.PeekInFlightUnsynchronized(i);
                        what += $" [{m.KindValue} to {m.TargetHandle} from {m.SourceHandle} alive={shard.IsAlive(m.TargetHandle)}]";
                    }

                    violation = Format($"shard {s}: at quiescence the ring from shard {from} still holds {ring.InFlightCountUnsynchronized} envelopes (published {ring.HasPublished()}, pending {ring.PendingCount}):{what}");
                    return false;
                }
            }

            // A quarantined shard's pool is never used again, and releases to it are dropped by design.
            BufferPool buffers = shard.Buffers;
            for (int index = 0; index < buffers.Count && shard.Status != ShardStatus.Quarantined; index++)
            {
                Handle owner = buffers.OwnerAt(index);
                if (owner.IsNone || ((uint)owner.Shard < (uint)runtime.ShardCount && runtime.ShardAt(owner.Shard).IsAlive(owner)))
                {
                    continue;
                }

                if (!_seenAlive[s][index] && KnownDefect_BufferToExitedIsolateLeaks && simulator.Options.TolerateKnownDefects)
                {
                    BuffersToleratedLeaked++;
                    continue;
                }

                violation = Format($"shard {s}: at quiescence buffer {index} is owned by {owner}, which is gone ({(_seenAlive[s][index] ? "it owned the buffer while alive: its exit did not reclaim it" : "never seen alive as its owner")}; {buffers.FreeCount} of {buffers.Count} free)");
                return false;
            }
        }

        violation = null;
        return true;
    }

    private void TrackOwners(TinaRuntime runtime, int s)
    {
        BufferPool buffers = runtime.ShardAt(s).Buffers;
        ulong[] owners = _owner[s];
        bool[] seen = _seenAlive[s];
        uint[] generations = _generation[s];
        for (int index = 0; index < owners.Length; index++)
        {
            // A free and a new rent in between bump the generation, so the same owner named again (a transfer to its
            // stale handle after its exit reclaimed the buffer) starts a new record.
            Handle owner = buffers.OwnerAt(index);
            uint generation = buffers.GenerationAt(index);
            if (owner.Value != owners[index] || generation != generations[index])
            {
                owners[index] = owner.Value;
                generations[index] = generation;
                seen[index] = false;
            }

            if (!owner.IsNone && !seen[index] && (uint)owner.Shard < (uint)runtime.ShardCount && runtime.ShardAt(owner.Shard).IsAlive(owner))
            {
                seen[index] = true;
            }
        }
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
