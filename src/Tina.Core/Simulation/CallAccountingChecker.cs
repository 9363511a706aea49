using System.Globalization;
using Tina.Isolates;
using Tina.Scheduling;

namespace Tina.Simulation;

/// <summary>
/// Every call ends exactly once, within its bound. Counters, summed over shards:
/// <c>CallsStarted = CallsReplied + CallsTimedOut + CallsFailedFast + CallsNoReply + CallsFailedByCallee + CallsAbandoned + waiting</c>,
/// where waiting is counted from slot metadata (isolates in WaitingForReply). Each waiting isolate must hold a live
/// timeout timer whose deadline has not passed. And each call the observer saw start (a Call effect) must see its
/// outcome dispatched within <see cref="ISimulationWorkload.CallTimeoutMax"/> plus the slack.
/// </summary>
internal sealed class CallAccountingChecker : ISimulationChecker
{
    public string Name => "CallAccounting";

    public bool Check(Simulator simulator, bool final, out string? violation)
    {
        TinaRuntime runtime = simulator.Runtime;
        long waiting = 0;
        for (int s = 0; s < runtime.ShardCount; s++)
        {
            Shard shard = runtime.ShardAt(s);
            long nowTick = simulator.NowNanoseconds / simulator.ResolutionNanoseconds;
            for (int type = 0; type < shard.TypeCount; type++)
            {
                IsolateTable table = shard.TypeTable(type);
                for (int slot = 0; slot < table.SlotCount; slot++)
                {
                    ref IsolateMeta meta = ref table.Meta[slot];
                    if (meta.State != IsolateState.WaitingForReply)
                    {
                        continue;
                    }

                    waiting++;
                    if (!shard.Timers.IsPending(meta.CallTimer))
                    {
                        violation = Format($"shard {s} type {type} slot {slot} waits for a reply with no live timeout timer");
                        return false;
                    }

                    long deadline = shard.Timers.DeadlineOf(meta.CallTimer);
                    if (deadline < nowTick - 1)
                    {
                        violation = Format($"shard {s} type {type} slot {slot}: call timeout due at tick {deadline} has not fired at tick {nowTick}");
                        return false;
                    }
                }
            }
        }

        long started = runtime.Total(ShardCounter.CallsStarted);
        long replied = runtime.Total(ShardCounter.CallsReplied);
        long timedOut = runtime.Total(ShardCounter.CallsTimedOut);
        long failedFast = runtime.Total(ShardCounter.CallsFailedFast);
        long noReply = runtime.Total(ShardCounter.CallsNoReply);
        long failedByCallee = runtime.Total(ShardCounter.CallsFailedByCallee);
        long abandoned = runtime.Total(ShardCounter.CallsAbandoned);
        long ended = replied + timedOut + failedFast + noReply + failedByCallee + abandoned;
        if (started != ended + waiting)
        {
            violation = Format($"calls started {started} != ended {ended} (replied {replied}, timed out {timedOut}, failed fast {failedFast}, no reply {noReply}, failed by callee {failedByCallee}, abandoned {abandoned}) + waiting {waiting}");
            return false;
        }

        return simulator.CheckOpenCalls(out violation);
    }

    private static string Format(System.FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
