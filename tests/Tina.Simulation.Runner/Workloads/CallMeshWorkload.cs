using System;
using System.Collections.Generic;
using System.Globalization;
using Tina.Isolates;

namespace Tina.Simulation.Workloads;

/// <summary>
/// Cross-shard call/reply under ring refusals, partitions, mailbox pressure and responder crashes: callers on every
/// shard call responders on every shard, each call answered at once, failed, ignored, deferred (sometimes past the
/// caller's timeout) or crashed on; callers replace dead responders with remote spawns. Application invariants: every caller's tally adds up to the calls it completed,
/// every Ok reply answers the question asked, and the callers' tallies by status equal the runtime's call counters
/// (only callers call); at the end every caller has finished.
/// </summary>
internal class CallMeshWorkload : ISimulationWorkload
{
    private const int CallerType = 0;
    private const int ResponderType = 1;

    private readonly List<Handle> _callers = new();
    private int _respondersPerShard;
    private int _callersPerShard;
    private int _callsPerCaller;

    public CallMeshWorkload(string name = "callmesh") => Name = name;

    public string Name { get; }

    public TimeSpan CallTimeoutMax => MeshCaller.CallTimeout;

    public virtual void Configure(TinaSpec spec, ref Xoshiro256StarStar random)
    {
        spec.ShardCount = random.NextInclusive(2, 4);
        _respondersPerShard = random.NextInclusive(1, 2);
        _callersPerShard = random.NextInclusive(1, 3);
        _callsPerCaller = random.NextInclusive(100, 500);
        // Small, drawn capacities so full pools and mailboxes happen for real, not only as injected faults.
        spec.MessagePoolCapacity = 64 << random.NextInclusive(0, 2);
        spec.RingCapacity = 16;
        spec.TimerCapacity = 256;
        spec.TimerSpokeCount = 64;
        spec.ExternalInboxCapacity = 16;
        spec.BufferCount = 0;
        spec.AddIsolate<MeshCaller>(slots: _callersPerShard, mailboxCapacity: 4);
        spec.AddIsolate<MeshResponder>(slots: _respondersPerShard + 4, mailboxCapacity: random.NextInclusive(1, 8)).MaxOwedReplies =
            random.NextInclusive(1, 8);
    }

    public virtual FaultTargets CreateFaultTargets(TinaSpec spec) =>
        new FaultTargets(spec.Isolates.Count).Crash(ResponderType).FailSpawn(ResponderType).RefuseMailbox(ResponderType);

    public virtual IReadOnlyList<ISimulationComponent> CreateComponents() => Array.Empty<ISimulationComponent>();

    public void Boot(TinaRuntime runtime, ref Xoshiro256StarStar random)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        Span<ulong> responders = stackalloc ulong[8];
        int count = 0;
        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            for (int i = 0; i < _respondersPerShard; i++)
            {
                responders[count++] = runtime.Spawn<MeshResponder>(shard).Handle.Value;
            }
        }

        for (int shard = 0; shard < runtime.ShardCount; shard++)
        {
            for (int i = 0; i < _callersPerShard; i++)
            {
                var start = new CallerStart(
                    random.NextUInt64(), _callsPerCaller, count,
                    responders[0], responders[1], responders[2], responders[3],
                    responders[4], responders[5], responders[6], responders[7]);
                _callers.Add(runtime.Spawn<MeshCaller, CallerStart>(shard, in start).Handle);
            }
        }
    }

    public bool IsComplete(TinaRuntime runtime)
    {
        foreach (Handle caller in _callers)
        {
            if (Caller(runtime, caller) is not { Finished: true })
            {
                return false;
            }
        }

        return true;
    }

    public bool Check(TinaRuntime runtime, bool final, out string? violation)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        Span<long> expected = stackalloc long[16];   // [CallStatus] from the callers' tallies plus outcomes not yet handled
        foreach (Handle handle in _callers)
        {
            MeshCaller? caller = Caller(runtime, handle);
            if (caller is null)
            {
                violation = $"caller {handle} is gone (callers are never crashed)";
                return false;
            }

            long sum = 0;
            for (int status = 0; status < caller.Tally.Length; status++)
            {
                sum += caller.Tally[status];
                expected[status] += caller.Tally[status];
            }

            if (sum != caller.Completed || caller.Completed > caller.Calls || caller.WrongAnswers != 0)
            {
                violation = Format($"caller {handle}: tally {sum}, completed {caller.Completed} of {caller.Calls}, wrong answers {caller.WrongAnswers}");
                return false;
            }

            if (final && !caller.Finished)
            {
                violation = Format($"caller {handle} finished {caller.Completed} of {caller.Calls} calls");
                return false;
            }

            // An outcome accepted (and counted) but not yet handed to the caller sits in its reply slot.
            IsolateTable table = runtime.ShardAt(handle.Shard).TypeTable(CallerType);
            if ((table.Meta[handle.Slot].Flags & IsolateFlags.ReplyReady) != 0)
            {
                expected[(int)table.ReplySlots[handle.Slot].StatusValue]++;
            }
        }

        long fast = 0;
        for (int status = (int)CallStatus.MailboxFull; status < expected.Length; status++)
        {
            fast += expected[status];
        }

        if (expected[(int)CallStatus.Ok] != runtime.Total(ShardCounter.CallsReplied)
            || expected[(int)CallStatus.Timeout] != runtime.Total(ShardCounter.CallsTimedOut)
            || expected[(int)CallStatus.NoReply] != runtime.Total(ShardCounter.CallsNoReply)
            || expected[(int)CallStatus.Failed] != runtime.Total(ShardCounter.CallsFailedByCallee)
            || fast != runtime.Total(ShardCounter.CallsFailedFast))
        {
            violation = Format($"caller tallies ok {expected[0]} timeout {expected[1]} no-reply {expected[2]} failed {expected[3]} fast {fast} != counters replied {runtime.Total(ShardCounter.CallsReplied)} timed out {runtime.Total(ShardCounter.CallsTimedOut)} no-reply {runtime.Total(ShardCounter.CallsNoReply)} failed {runtime.Total(ShardCounter.CallsFailedByCallee)} fast {runtime.Total(ShardCounter.CallsFailedFast)}");
            return false;
        }

        violation = null;
        return true;
    }

    private static MeshCaller? Caller(TinaRuntime runtime, Handle handle) => LiveIsolate.Of<MeshCaller>(runtime, handle);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
