using System;
using Tina;

namespace TaskDispatcher;

/// <summary>
/// Runs jobs. A struct isolate: its state lives in the shard's preallocated slot array, so spawning a replacement
/// allocates nothing. It throws on every <see cref="CrashEvery"/>-th job it handles, to show that a crash tears
/// down this isolate only: its caller is told at once, and every other isolate on the shard carries on.
/// </summary>
public struct Worker : IIsolate
{
    public const int CrashEvery = 7;

    private int _handled;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is<Quit>())
        {
            return Effect.Done;
        }

        if (message.Kind == MessageKind.Call && message.Is(out Job job))
        {
            _handled++;
            if (_handled % CrashEvery == 0)
            {
                throw new InvalidOperationException("simulated worker fault");
            }

            long value = 0;
            for (int i = 1; i <= job.Size; i++)
            {
                value += (long)i * i % 1_000_003;
            }

            return ctx.Reply(new JobResult(job.JobId, value + job.JobId));
        }

        return Effect.Receive;
    }
}
