using System;
using System.Collections.Generic;
using System.Globalization;
using Tina.Scheduling;

namespace Tina.Simulation;

/// <summary>
/// Every watch gets exactly one Down: when its target exits (or was already gone, or the target's shard refused the
/// watch), the watcher is handed one <see cref="MessageKind.Down"/> naming that target, unless the watcher exited or
/// unwatched first. After an unwatch at most one Down may still arrive (one already sent is not recalled). A Down
/// with no watch to answer is a duplicate.
/// </summary>
/// <remarks>
/// <para>The expectation comes from two sources the runtime does not write: what the workload's isolates declare
/// through <see cref="SimulationLedger"/> (a watch that <see cref="Context.Watch"/> accepted, an unwatch that
/// <see cref="Context.Unwatch"/> accepted) and what the observer sees (Downs dispatched, exits). Whether a target has
/// exited is read from slot metadata at check time: a watch whose target is gone is due, and a due watch must see its
/// Down within the bound (<see cref="DueBoundNanoseconds"/>) and in any case by quiescence.</para>
/// <para>Also checks the watch table against the model: a shard with no live isolate holds no watch entry, and a
/// shard holds at least one entry for every watch whose watcher and target are both alive (else the watch was lost
/// and its Down can never come).</para>
/// <para>Single thread (the simulator's); fed by the observer inside ticks, checked between rounds.</para>
/// </remarks>
internal sealed class WatchChecker : ISimulationChecker
{
    /// <summary>
    /// TODO(core-under-load): flip to false once the fix for "Downs dropped at a full mailbox or a full ring under
    /// user flood" is merged. While true (and <see cref="SimulationOptions.TolerateKnownDefects"/>), a due Down that
    /// never arrives is counted in <see cref="DownsToleratedLost"/> instead of failing the run, and so is a watch with
    /// no table entry on a shard that refused watches (its Refused Down was lost); the duplicate-Down check and the
    /// empty-shard check stay on.
    /// </summary>
    internal static bool KnownDefect_DownDroppedUnderFlood => false;

    private readonly Dictionary<ulong, List<WatchRecord>> _byWatcher = new();
    private readonly List<ulong> _watcherOrder = new();   // watchers in first-seen order (deterministic iteration)
    private long _watches;
    private long _downs;
    private long _downsToleratedLost;

    public string Name => "Watches";

    /// <summary>Bound on how long a due Down may take (set by the simulator from the call bound).</summary>
    public long DueBoundNanoseconds { get; set; } = long.MaxValue;

    /// <summary>Watches declared so far (coverage).</summary>
    public long WatchesDeclared => _watches;

    /// <summary>Downs matched to a watch (coverage).</summary>
    public long DownsMatched => _downs;

    /// <summary>Due Downs tolerated as lost under <see cref="KnownDefect_DownDroppedUnderFlood"/>.</summary>
    public long DownsToleratedLost => _downsToleratedLost;

    /// <summary>A violation seen by the observer side (a Down nobody asked for), reported at the next check.</summary>
    private string? _pending;

    /// <summary>The watcher's <see cref="Context.Watch"/> returned true.</summary>
    public void OnWatched(Handle watcher, Handle target)
    {
        _watches++;
        List<WatchRecord> records = RecordsOf(watcher);
        for (int i = 0; i < records.Count; i++)
        {
            if (records[i].Target == target.Value)
            {
                WatchRecord record = records[i];
                record.Expected++;
                records[i] = record;
                return;
            }
        }

        records.Add(new WatchRecord { Target = target.Value, Expected = 1, DueSince = -1 });
    }

    /// <summary>The watcher's <see cref="Context.Unwatch"/> returned true: its watches on the target may each still see one Down.</summary>
    public void OnUnwatched(Handle watcher, Handle target)
    {
        if (!_byWatcher.TryGetValue(watcher.Value, out List<WatchRecord>? records))
        {
            return;
        }

        for (int i = 0; i < records.Count; i++)
        {
            if (records[i].Target == target.Value)
            {
                WatchRecord record = records[i];
                record.Maybe += record.Expected;
                record.Expected = 0;
                record.DueSince = -1;
                records[i] = record;
            }
        }
    }

    /// <summary>Observer: a Down was handed to <paramref name="watcher"/>.</summary>
    public void OnDown(Handle watcher, Handle target)
    {
        if (_byWatcher.TryGetValue(watcher.Value, out List<WatchRecord>? records))
        {
            for (int i = 0; i < records.Count; i++)
            {
                if (records[i].Target != target.Value)
                {
                    continue;
                }

                WatchRecord record = records[i];
                if (record.Expected > 0)
                {
                    record.Expected--;
                    _downs++;
                }
                else if (record.Maybe > 0)
                {
                    record.Maybe--;
                    _downs++;
                }
                else
                {
                    break;
                }

                if (record.Expected == 0)
                {
                    record.DueSince = -1;
                }

                records[i] = record;
                return;
            }
        }

        _pending ??= $"{watcher} was handed a Down for {target} with no watch left to answer (a duplicate or an invented Down)";
    }

    /// <summary>Observer: an isolate exited; the watches it held end without a Down.</summary>
    public void OnExit(Handle isolate)
    {
        if (_byWatcher.TryGetValue(isolate.Value, out List<WatchRecord>? records))
        {
            records.Clear();
        }
    }

    public bool Check(Simulator simulator, bool final, out string? violation)
    {
        if (_pending is not null)
        {
            violation = _pending;
            return false;
        }

        TinaRuntime runtime = simulator.Runtime;
        long now = simulator.NowNanoseconds;
        Span<int> liveWatches = stackalloc int[runtime.ShardCount];
        liveWatches.Clear();
        for (int w = 0; w < _watcherOrder.Count; w++)
        {
            ulong watcherValue = _watcherOrder[w];
            List<WatchRecord> records = _byWatcher[watcherValue];
            if (records.Count == 0)
            {
                continue;
            }

            var watcher = new Handle(watcherValue);
            bool watcherAlive = IsAlive(runtime, watcher);
            for (int i = 0; i < records.Count; i++)
            {
                WatchRecord record = records[i];
                if (record.Expected == 0)
                {
                    continue;
                }

                var target = new Handle(record.Target);
                if (IsAlive(runtime, target))
                {
                    if (watcherAlive)
                    {
                        liveWatches[target.Shard]++;
                    }

                    continue;
                }

                if (record.DueSince < 0)
                {
                    record.DueSince = now;
                    records[i] = record;
                }

                if (final || now - record.DueSince > DueBoundNanoseconds)
                {
                    if (KnownDefect_DownDroppedUnderFlood && simulator.Options.TolerateKnownDefects)
                    {
                        _downsToleratedLost += record.Expected;
                        record.Expected = 0;
                        records[i] = record;
                        continue;
                    }

                    violation = string.Create(
                        CultureInfo.InvariantCulture,
                        $"{watcher} watches {target}, which is gone, and got no Down ({record.Expected} owed) {now - record.DueSince} ns after it was due{(final ? " (quiescent)" : string.Empty)}");
                    return false;
                }
            }
        }

        for (int s = 0; s < runtime.ShardCount; s++)
        {
            Shard shard = runtime.ShardAt(s);
            int inUse = shard.WatchesInUse;
            if (shard.LiveIsolates() == 0 && inUse != 0)
            {
                violation = string.Create(CultureInfo.InvariantCulture, $"shard {s} has no live isolate but {inUse} watch entries in use (leaked)");
                return false;
            }

            // Remote watch requests may still be in a ring between rounds, so the lower bound is exact only at quiescence.
            if (final && inUse < liveWatches[s])
            {
                // A remote watch the full table refused is answered by a Down marked Refused; under the known defect
                // that Down is lost at a full ring, and the watch looks open for good.
                if (KnownDefect_DownDroppedUnderFlood && simulator.Options.TolerateKnownDefects && shard.Counters.Read(ShardCounter.WatchesExhausted) > 0)
                {
                    _downsToleratedLost += liveWatches[s] - inUse;
                    continue;
                }

                violation = string.Create(
                    CultureInfo.InvariantCulture,
                    $"shard {s} holds {inUse} watch entries but {liveWatches[s]} watches with live watcher and target are open (a watch was lost)");
                return false;
            }
        }

        violation = null;
        return true;
    }

    private static bool IsAlive(TinaRuntime runtime, Handle handle) =>
        (uint)handle.Shard < (uint)runtime.ShardCount && runtime.ShardAt(handle.Shard).IsAlive(handle);

    private List<WatchRecord> RecordsOf(Handle watcher)
    {
        if (!_byWatcher.TryGetValue(watcher.Value, out List<WatchRecord>? records))
        {
            records = new List<WatchRecord>(4);
            _byWatcher.Add(watcher.Value, records);
            _watcherOrder.Add(watcher.Value);
        }

        return records;
    }

    private struct WatchRecord
    {
        public ulong Target;
        public int Expected;    // Downs owed: one per accepted watch not yet answered
        public int Maybe;       // Downs that may still arrive after an unwatch
        public long DueSince;   // simulated ns the target was first seen gone, -1 = not due
    }
}
