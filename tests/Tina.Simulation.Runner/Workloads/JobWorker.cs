using System;

namespace Tina.Simulation.Workloads;

/// <summary>
/// Runs jobs for its agent: a job takes 1–4 ms of simulated time (a deferred reply answered from a timer). A struct
/// isolate; throws on every <see cref="CrashEvery"/>-th job it takes (a planted, expected crash: the runtime fails
/// the owed call with NoReply, and the agent respawns the worker and retries).
/// </summary>
internal struct JobWorker : IIsolate
{
    public const int CrashEvery = 5;

    private ReplyToken _owed;
    private Job _job;
    private int _taken;

    /// <summary>The value a job must produce; the dispatcher's ledger checks it.</summary>
    public static long ValueOf(int jobId, int size) => ((long)jobId * 1_000_003) + ((long)size * size);

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is<Quit>())
        {
            return Effect.Done;
        }

        if (message.Kind == MessageKind.Timer && !_owed.IsNone)
        {
            ReplyToken token = _owed;
            _owed = default;
            ctx.Reply(token, new JobResult(_job.JobId, ValueOf(_job.JobId, _job.Size)));
            return Effect.Receive;
        }

        if (message.Kind == MessageKind.Call && message.Is(out Job job))
        {
            _taken++;
            if (_taken % CrashEvery == 0)
            {
                throw new InvalidOperationException("planted worker crash");
            }

            if (!_owed.IsNone || !ctx.TryDeferReply(out ReplyToken token))
            {
                return ctx.FailReply();   // busy (its agent retries after a backoff)
            }

            if (ctx.RegisterTimer(TimeSpan.FromMilliseconds(1 + (job.Size % 4)), 0).IsNone)
            {
                ctx.FailReply(token);
                return Effect.Receive;
            }

            _owed = token;
            _job = job;
            return Effect.Receive;
        }

        return Effect.Receive;
    }
}
