using System;
using Tina;

namespace TaskDispatcher;

/// <summary>
/// Runs jobs. A struct isolate: its state lives in the shard's preallocated slot array, so spawning a replacement
/// allocates nothing. It throws on every <see cref="CrashEvery"/>-th job it handles, to show that a crash tears
/// down this isolate only: its caller is told at once, and every other isolate on the shard carries on.
/// </summary>
/// <remarks>
/// Typed handlers: Tina's generator writes <c>OnMessage</c> (a switch on the message's type tag, then on the kind for
/// the Call-only handler) from the <c>[Handles]</c> methods below; <c>[Accepts]</c> makes a forgotten one a build
/// warning (TINA103). The Agent and Dispatcher keep the hand-written form.
/// </remarks>
[TinaHandlers]
[Accepts(typeof(Job), typeof(Quit))]
public partial struct Worker
{
    public const int CrashEvery = 7;

    private int _handled;

    [Handles]
    private static Effect OnQuit(ref Context ctx, in Quit quit) => Effect.Done;

    [Handles(MessageKind.Call)]
    private Effect OnJob(ref Context ctx, in Job job)
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
}
