using System;

namespace Tina.Simulation.Workloads;

/// <summary>
/// Hands out jobs by call/reply and keeps the ledger. A granted job not reported within <see cref="Lease"/> is
/// granted again (its agent may be stuck behind a partition or a crashing worker), so a job may be run and reported
/// more than once; the ledger records each job done exactly once and counts the rest as duplicates. Spawns its
/// agents on every shard with <see cref="Context.SpawnOn{TIsolate, TStart}(int, in TStart)"/>, retrying refused
/// spawn requests on a timer.
/// </summary>
/// <remarks>Not sealed: a test plants a bug by overriding <see cref="RecordCompletion"/>.</remarks>
internal class JobDispatcher : IIsolate
{
    /// <summary>How long a grant stays exclusive.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMilliseconds(40);

    private const long SpawnRetryTag = 1;
    private static readonly TimeSpan s_spawnRetry = TimeSpan.FromMilliseconds(3);

    private int[] _agentsToSpawn = Array.Empty<int>();   // [shard] agent spawns not yet accepted
    private TimeSpan[] _grantedAt = Array.Empty<TimeSpan>();  // [job] time of the latest grant, MinValue = never
    private ulong _seed;
    private int _nextAgent;
    private int _cursor;

    /// <summary>[job] reports recorded in the ledger (1 when done; more only with a bug).</summary>
    public int[] DoneCount { get; private set; } = Array.Empty<int>();

    /// <summary>[job] the value reported with the recorded completion.</summary>
    public long[] DoneValue { get; private set; } = Array.Empty<long>();

    /// <summary>[job] the job's size (its expected value follows from it).</summary>
    public int[] Size { get; private set; } = Array.Empty<int>();

    public int JobCount { get; private set; }

    /// <summary>Jobs done, by the ledger.</summary>
    public int Completed { get; protected set; }

    /// <summary>Reports of jobs already done (re-runs after a lease expired, or re-sent reports).</summary>
    public int Duplicates { get; protected set; }

    /// <summary>Grants of a job whose earlier grant's lease had expired.</summary>
    public int Regrants { get; private set; }

    public bool Started => JobCount > 0;

    public bool AllDone => Started && Completed == JobCount;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        switch (message.Kind)
        {
            case MessageKind.Start when message.Is(out DispatcherStart start):
                Begin(in start, ctx.ShardCount);
                SpawnAgents(ref ctx);
                return Effect.Receive;
            case MessageKind.Timer when message.TimerTag == SpawnRetryTag:
                SpawnAgents(ref ctx);
                return Effect.Receive;
            case MessageKind.Call when message.Is<JobRequest>():
                return Grant(ref ctx);
            case MessageKind.Call when message.Is(out JobDone done):
                if ((uint)done.JobId < (uint)JobCount)
                {
                    RecordCompletion(done.JobId, done.Value);
                }

                return ctx.Reply(new DoneAck(done.JobId));
            default:
                return Effect.Receive;
        }
    }

    /// <summary>Records one report in the ledger: the first marks the job done, later ones are duplicates.</summary>
    protected virtual void RecordCompletion(int jobId, long value)
    {
        if (DoneCount[jobId] != 0)
        {
            Duplicates++;
            return;
        }

        DoneCount[jobId] = 1;
        DoneValue[jobId] = value;
        Completed++;
    }

    private void Begin(in DispatcherStart start, int shardCount)
    {
        JobCount = start.JobCount;
        _seed = start.Seed;
        DoneCount = new int[JobCount];
        DoneValue = new long[JobCount];
        Size = new int[JobCount];
        _grantedAt = new TimeSpan[JobCount];
        for (int job = 0; job < JobCount; job++)
        {
            Size[job] = 1 + (job * 7 % 50);
            _grantedAt[job] = TimeSpan.MinValue;
        }

        _agentsToSpawn = new int[shardCount];
        Array.Fill(_agentsToSpawn, start.AgentsPerShard);
    }

    private void SpawnAgents(ref Context ctx)
    {
        bool refused = false;
        for (int shard = 0; shard < _agentsToSpawn.Length; shard++)
        {
            while (_agentsToSpawn[shard] > 0)
            {
                var start = new AgentStart(ctx.Self.Value, SplitMix64.Nth(_seed, (ulong)_nextAgent));
                if (ctx.SpawnOn<JobAgent, AgentStart>(shard, in start) != SendResult.Ok)
                {
                    refused = true;
                    break;
                }

                _nextAgent++;
                _agentsToSpawn[shard]--;
            }
        }

        if (refused && ctx.RegisterTimer(s_spawnRetry, SpawnRetryTag).IsNone)
        {
            throw new InvalidOperationException("timer table full: sized too small for the workload");
        }
    }

    private Effect Grant(ref Context ctx)
    {
        if (AllDone)
        {
            return ctx.Reply(new NoMoreJobs());
        }

        TimeSpan now = ctx.Now;
        for (int k = 0; k < JobCount; k++)
        {
            int job = (_cursor + k) % JobCount;
            if (DoneCount[job] != 0)
            {
                continue;
            }

            TimeSpan granted = _grantedAt[job];
            if (granted != TimeSpan.MinValue && now - granted < Lease)
            {
                continue;
            }

            if (granted != TimeSpan.MinValue)
            {
                Regrants++;
            }

            _grantedAt[job] = now;
            _cursor = job + 1;
            return ctx.Reply(new JobGrant(job, Size[job]));
        }

        return ctx.Reply(new RetryLater());
    }
}
