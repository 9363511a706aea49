using System;
using System.Collections.Generic;
using System.Globalization;

namespace Tina.Simulation.Workloads;

/// <summary>
/// The task dispatcher with crashes: a <typeparamref name="TDispatcher"/> on shard 0 hands out jobs to agents on every
/// shard (spawned remotely), each running jobs on a local worker that crashes every
/// <see cref="JobWorker.CrashEvery"/>-th job; agents respawn workers and retry every failed step. Faults: workers may
/// throw and fail to spawn; dispatcher and worker mailboxes may refuse; rings refuse and partition everywhere.
/// Application invariant: the ledger records every job done at most once with the right value, and, at the end,
/// every job exactly once.
/// </summary>
internal class DispatcherWorkload<TDispatcher> : ISimulationWorkload
    where TDispatcher : JobDispatcher, new()
{
    private Handle _dispatcher;
    private int _jobCount;
    private int _agentsPerShard;

    public DispatcherWorkload(string name = "dispatcher") => Name = name;

    public string Name { get; }

    public TimeSpan CallTimeoutMax => JobAgent.DispatcherTimeout;

    public void Configure(TinaSpec spec, ref Xoshiro256StarStar random)
    {
        spec.ShardCount = random.NextInclusive(2, 4);
        _agentsPerShard = random.NextInclusive(1, 3);
        _jobCount = random.NextInclusive(200, 800);
        // Small, drawn capacities so full pools and mailboxes happen for real, not only as injected faults.
        spec.MessagePoolCapacity = 64 << random.NextInclusive(0, 2);
        spec.RingCapacity = 16;
        spec.TimerCapacity = 256;
        spec.TimerSpokeCount = 64;
        spec.ExternalInboxCapacity = 16;
        spec.BufferCount = 0;
        spec.AddIsolate<TDispatcher>(slots: 1, mailboxCapacity: random.NextInclusive(2, 32));
        spec.AddIsolate<JobAgent>(slots: _agentsPerShard, mailboxCapacity: 4);
        spec.AddIsolate<JobWorker>(slots: _agentsPerShard * 2, mailboxCapacity: random.NextInclusive(1, 4));
    }

    public FaultTargets CreateFaultTargets(TinaSpec spec) =>
        new FaultTargets(spec.Isolates.Count)
            .Crash(2).FailSpawn(2).RefuseMailbox(2)   // workers: crash, fail to start, refuse
            .RefuseMailbox(0);                        // the dispatcher: mailbox pressure (its ledger must survive)

    public IReadOnlyList<ISimulationComponent> CreateComponents() => Array.Empty<ISimulationComponent>();

    public void Boot(TinaRuntime runtime, ref Xoshiro256StarStar random)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var start = new DispatcherStart(_jobCount, _agentsPerShard, random.NextUInt64());
        _dispatcher = runtime.Spawn<TDispatcher, DispatcherStart>(0, in start).Handle;
        if (_dispatcher.IsNone)
        {
            throw new InvalidOperationException("the dispatcher did not spawn");
        }
    }

    public bool IsComplete(TinaRuntime runtime) => Dispatcher(runtime) is { AllDone: true };

    public bool Check(TinaRuntime runtime, bool final, out string? violation)
    {
        TDispatcher? dispatcher = Dispatcher(runtime);
        if (dispatcher is null)
        {
            violation = "the dispatcher is gone (it is never crashed, so its ledger must live)";
            return false;
        }

        if (!dispatcher.Started)
        {
            violation = final ? "the dispatcher never started" : null;
            return !final;
        }

        int done = 0;
        for (int job = 0; job < dispatcher.JobCount; job++)
        {
            int count = dispatcher.DoneCount[job];
            if (count > 1)
            {
                violation = Format($"job {job} recorded done {count} times");
                return false;
            }

            if (count == 1)
            {
                done++;
                long expected = JobWorker.ValueOf(job, dispatcher.Size[job]);
                if (dispatcher.DoneValue[job] != expected)
                {
                    violation = Format($"job {job} done with value {dispatcher.DoneValue[job]}, expected {expected}");
                    return false;
                }
            }
            else if (final)
            {
                violation = Format($"job {job} never done ({dispatcher.Completed} of {dispatcher.JobCount} completed)");
                return false;
            }
        }

        if (done != dispatcher.Completed)
        {
            violation = Format($"ledger holds {done} done jobs but the dispatcher counts {dispatcher.Completed}");
            return false;
        }

        violation = null;
        return true;
    }

    /// <summary>The dispatcher instance, or null when its slot no longer holds it.</summary>
    internal TDispatcher? Dispatcher(TinaRuntime runtime) => LiveIsolate.Of<TDispatcher>(runtime, _dispatcher);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
