using System;
using Tina;

namespace TinaWorker;

/// <summary>
/// A supervised isolate doing periodic work: started with <see cref="Begin"/>, it beats once per interval on a shard
/// timer and answers <see cref="GetBeats"/>. Replace the beat with your own work; keep handlers short and never
/// block or await in them (Tina's analyzers stop the build if you do): hand slow work to TinaTaskBridge instead.
/// </summary>
public sealed class Heartbeat : IIsolate
{
    private TimeSpan _interval;

    /// <summary>Beats since the isolate started.</summary>
    public long Count { get; private set; }

    /// <inheritdoc/>
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Begin begin))
        {
            _interval = begin.Interval;
            ctx.RegisterTimer(_interval, tag: 0);
            return Effect.Receive;
        }

        if (message.Kind == MessageKind.Timer)
        {
            Count++;
            ctx.Log(TinaLogLevel.Information, "beat", Count);
            ctx.RegisterTimer(_interval, tag: 0);
            return Effect.Receive;
        }

        if (message.Is<GetBeats>())
        {
            return ctx.Reply(new Beats(Count));
        }

        return Effect.Receive;
    }
}
