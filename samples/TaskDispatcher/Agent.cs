using System;
using Tina;

namespace TaskDispatcher;

/// <summary>
/// Runs on one shard: asks the dispatcher for a job, runs it on its local worker (a call), reports the result,
/// and asks again. When the worker crashes the call fails at once with <see cref="CallStatus.NoReply"/> (no waiting
/// for the timeout): the agent spawns a fresh worker and retries the job.
/// </summary>
public sealed class Agent : IIsolate
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    private Handle _dispatcher;
    private Handle _worker;
    private Job _job;
    private bool _awaitingWorker;
    private int _retries;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out AgentStart start))
        {
            _dispatcher = new Handle(start.Dispatcher);
            _worker = ctx.Spawn<Worker>().Handle;
            return ctx.Call(_dispatcher, new JobRequest(), s_timeout);
        }

        if (message.Kind != MessageKind.Reply)
        {
            return Effect.Receive;
        }

        if (!_awaitingWorker)
        {
            return OnGrant(ref ctx, in message);
        }

        return OnWorkerOutcome(ref ctx, in message);
    }

    private Effect OnGrant(ref Context ctx, in Message message)
    {
        if (message.Is(out JobGrant grant))
        {
            _job = new Job(grant.JobId, grant.Size);
            _retries = 0;
            _awaitingWorker = true;
            return ctx.Call(_worker, _job, s_timeout);
        }

        // No more jobs (or the dispatcher is gone): stop the worker and finish.
        ctx.Send(_worker, new Quit());
        return Effect.Done;
    }

    private Effect OnWorkerOutcome(ref Context ctx, in Message message)
    {
        if (message.Status == CallStatus.Ok && message.Is(out JobResult result))
        {
            Summary.AddJob(ctx.ShardId);
            ctx.Send(_dispatcher, new JobDone(result.JobId, result.Value, ctx.ShardId, _retries));
            _awaitingWorker = false;
            return ctx.Call(_dispatcher, new JobRequest(), s_timeout);
        }

        // The worker crashed (NoReply) or timed out: replace it and run the same job again.
        Summary.AddCrash(ctx.ShardId);
        _retries++;
        _worker = ctx.Spawn<Worker>().Handle;
        return ctx.Call(_worker, _job, s_timeout);
    }
}
