using System;

namespace Tina.Simulation.Workloads;

/// <summary>
/// Asks the dispatcher for a job, runs it on its local worker, reports it, and asks again, until the dispatcher says
/// every job is done. Every failure is retried: a crashed worker (NoReply, StaleHandle) is respawned and the job run
/// again; anything else waits a short backoff (a timer) and tries the same step again. So after the faults stop,
/// every job completes.
/// </summary>
internal sealed class JobAgent : IIsolate
{
    public static readonly TimeSpan DispatcherTimeout = TimeSpan.FromMilliseconds(20);
    public static readonly TimeSpan WorkerTimeout = TimeSpan.FromMilliseconds(10);

    private const long RetryTag = 1;

    private Handle _dispatcher;
    private Handle _worker;
    private Step _step;
    private Job _job;
    private long _value;
    private ulong _random;

    private enum Step
    {
        Requesting,
        Working,
        Reporting,
    }

    public int JobsReported { get; private set; }

    public int WorkerRespawns { get; private set; }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        switch (message.Kind)
        {
            case MessageKind.Start when message.Is(out AgentStart start):
                _dispatcher = new Handle(start.Dispatcher);
                _random = start.Seed | 1;
                _worker = ctx.Spawn<JobWorker>().Handle;
                return Request(ref ctx);
            case MessageKind.Timer when message.TimerTag == RetryTag:
                return Retry(ref ctx);
            case MessageKind.Reply:
                return OnOutcome(ref ctx, in message);
            default:
                return Effect.Receive;
        }
    }

    private Effect OnOutcome(ref Context ctx, in Message message)
    {
        switch (_step)
        {
            case Step.Requesting:
                if (message.Is(out JobGrant grant))
                {
                    _job = new Job(grant.JobId, grant.Size);
                    return Work(ref ctx);
                }

                if (message.Is<NoMoreJobs>())
                {
                    ctx.Send(_worker, new Quit());
                    return Effect.Done;
                }

                return Backoff(ref ctx);   // RetryLater, or the request failed

            case Step.Working:
                if (message.Is(out JobResult result) && result.JobId == _job.JobId)
                {
                    _value = result.Value;
                    return Report(ref ctx);
                }

                if (message.Status is CallStatus.NoReply or CallStatus.StaleHandle)
                {
                    _worker = default;   // it crashed: respawn on the next try
                    WorkerRespawns++;
                    return Work(ref ctx);
                }

                return Backoff(ref ctx);

            default:
                if (message.Is<DoneAck>())
                {
                    JobsReported++;
                    return Request(ref ctx);
                }

                return Backoff(ref ctx);
        }
    }

    private Effect Retry(ref Context ctx) => _step switch
    {
        Step.Requesting => Request(ref ctx),
        Step.Working => Work(ref ctx),
        _ => Report(ref ctx),
    };

    private Effect Request(ref Context ctx)
    {
        _step = Step.Requesting;
        return ctx.Call(_dispatcher, new JobRequest(ctx.ShardId), DispatcherTimeout);
    }

    private Effect Work(ref Context ctx)
    {
        _step = Step.Working;
        if (_worker.IsNone)
        {
            _worker = ctx.Spawn<JobWorker>().Handle;
            if (_worker.IsNone)
            {
                return Backoff(ref ctx);   // the spawn failed: try again after the backoff
            }
        }

        return ctx.Call(_worker, _job, WorkerTimeout);
    }

    private Effect Report(ref Context ctx)
    {
        _step = Step.Reporting;
        return ctx.Call(_dispatcher, new JobDone(_job.JobId, _value), DispatcherTimeout);
    }

    private Effect Backoff(ref Context ctx)
    {
        // Deterministic jitter of 1–4 ms from the agent's seed.
        TimeSpan delay = TimeSpan.FromMilliseconds(1 + (long)(XorShift64.Next(ref _random) % 4));
        if (ctx.RegisterTimer(delay, RetryTag).IsNone)
        {
            throw new InvalidOperationException("timer table full: sized too small for the workload");
        }

        return Effect.Receive;
    }
}
