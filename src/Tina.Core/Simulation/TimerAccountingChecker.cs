using System;
using System.Collections.Generic;
using System.Globalization;
using Tina.Isolates;
using Tina.Scheduling;
using Tina.Timers;

namespace Tina.Simulation;

/// <summary>
/// The timer wheel's accounting, per shard, against timers counted from outside the wheel: every call timeout of an
/// isolate waiting for a reply (slot metadata), every I/O timeout of an isolate waiting for I/O, one drain deadline
/// per isolate being cancelled (flag in metadata), and — when the workload reports them
/// (<see cref="SimulationLedger.ReportsAllTimers"/>) — every user timer its isolates registered.
/// </summary>
/// <remarks>
/// <para>Checks: <c>0 ≤ ActiveCount ≤ Capacity</c>; <c>ActiveCount</c> equals the timers counted (exact mode) or is at
/// least that many; every counted timer's owner is alive (a timer never outlives its owner) and its deadline lies
/// after the wheel's current tick (none was skipped); <c>NextDeadlineTick</c> is <see cref="long.MaxValue"/> exactly
/// when nothing is pending, never later than any counted deadline, after the current tick, and (exact mode, no drain
/// deadline whose tick cannot be looked up) equal to the earliest counted deadline. At quiescence no timer is left.</para>
/// </remarks>
internal sealed class TimerAccountingChecker : ISimulationChecker
{
    private List<TimerId>[] _user = Array.Empty<List<TimerId>>();   // [shard] user timers reported, pruned as they end

    public string Name => "Timers";

    /// <summary>True when every user timer is reported, so the wheel can be counted exactly.</summary>
    public bool Exact { get; set; }

    /// <summary>User timers reported so far (coverage).</summary>
    public long Reported { get; private set; }

    /// <summary>A workload isolate on <paramref name="shard"/> registered <paramref name="timer"/>.</summary>
    public void OnRegistered(int shard, TimerId timer)
    {
        if ((uint)shard >= (uint)_user.Length)
        {
            Array.Resize(ref _user, shard + 1);
        }

        (_user[shard] ??= new List<TimerId>()).Add(timer);
        Reported++;
    }

    public bool Check(Simulator simulator, bool final, out string? violation)
    {
        TinaRuntime runtime = simulator.Runtime;
        for (int s = 0; s < runtime.ShardCount; s++)
        {
            if (!CheckShard(runtime.ShardAt(s), final, out violation))
            {
                return false;
            }
        }

        violation = null;
        return true;
    }

    private bool CheckShard(Shard shard, bool final, out string? violation)
    {
        TimerWheel wheel = shard.Timers;
        int active = wheel.ActiveCount;
        int s = shard.Id;
        if (active < 0 || active > wheel.Capacity)
        {
            violation = Format($"shard {s}: timer ActiveCount {active} outside [0, {wheel.Capacity}]");
            return false;
        }

        long counted = 0;
        long cancelling = 0;
        long earliest = long.MaxValue;
        for (int type = 0; type < shard.TypeCount; type++)
        {
            IsolateTable table = shard.TypeTable(type);
            for (int slot = 0; slot < table.SlotCount; slot++)
            {
                ref IsolateMeta meta = ref table.Meta[slot];
                if (meta.State == IsolateState.Free)
                {
                    if (meta.TimerHead != -1)
                    {
                        violation = Format($"shard {s} type {type} slot {slot} is free but its timer list starts at entry {meta.TimerHead}");
                        return false;
                    }

                    continue;
                }

                if ((meta.Flags & IsolateFlags.Cancelling) != 0)
                {
                    cancelling++;
                }

                if (meta.State == IsolateState.WaitingForReply && !Count(wheel, meta.CallTimer, shard, ref counted, ref earliest, out violation))
                {
                    return false;
                }

                if (meta.State == IsolateState.WaitingForIo && wheel.IsPending(meta.IoTimer)
                    && !Count(wheel, meta.IoTimer, shard, ref counted, ref earliest, out violation))
                {
                    return false;
                }
            }
        }

        if (Exact && s < _user.Length && _user[s] is { } user)
        {
            int kept = 0;
            for (int i = 0; i < user.Count; i++)
            {
                if (!wheel.IsPending(user[i]))
                {
                    continue; // fired, cancelled, or reclaimed with its owner
                }

                if (!Count(wheel, user[i], shard, ref counted, ref earliest, out violation))
                {
                    return false;
                }

                user[kept++] = user[i];
            }

            user.RemoveRange(kept, user.Count - kept);
        }

        long expected = counted + cancelling;
        if (Exact ? active != expected : active < expected)
        {
            violation = Format($"shard {s}: timer ActiveCount {active} {(Exact ? "!=" : "<")} live timers {expected} (call/io/user {counted} + drain deadlines {cancelling})");
            return false;
        }

        long next = wheel.NextDeadlineTick();
        if ((active == 0) != (next == long.MaxValue))
        {
            violation = Format($"shard {s}: timer ActiveCount {active} but NextDeadlineTick {next}");
            return false;
        }

        if (active > 0 && (next > earliest || next <= wheel.CurrentTick))
        {
            violation = Format($"shard {s}: NextDeadlineTick {next} but the earliest live deadline is {earliest} (wheel at tick {wheel.CurrentTick})");
            return false;
        }

        if (Exact && cancelling == 0 && active > 0 && next != earliest)
        {
            violation = Format($"shard {s}: NextDeadlineTick {next} != earliest live deadline {earliest}");
            return false;
        }

        if (final && active != 0)
        {
            violation = Format($"shard {s}: {active} timers left at quiescence (leaked)");
            return false;
        }

        violation = null;
        return true;
    }

    private static bool Count(TimerWheel wheel, TimerId id, Shard shard, ref long counted, ref long earliest, out string? violation)
    {
        if (!wheel.IsPending(id))
        {
            violation = null;
            return true; // the call checker owns "a waiting isolate holds a live timeout"
        }

        Handle owner = wheel.OwnerOf(id);
        long deadline = wheel.DeadlineOf(id);
        if (!shard.IsAlive(owner))
        {
            violation = Format($"shard {shard.Id}: a timer due at tick {deadline} is owned by {owner}, which is gone (leaked)");
            return false;
        }

        if (deadline <= wheel.CurrentTick)
        {
            violation = Format($"shard {shard.Id}: a timer of {owner} due at tick {deadline} is still pending with the wheel at tick {wheel.CurrentTick} (skipped)");
            return false;
        }

        counted++;
        earliest = Math.Min(earliest, deadline);
        violation = null;
        return true;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
