using System;

namespace Tina.Benchmarks;

/// <summary>
/// Calls its target <see cref="CallerStart.Count"/> times in a row, one call outstanding at a time: each reply (or
/// failure) triggers the next call. Failed calls are counted in <see cref="Failures"/>.
/// </summary>
public struct PingCaller : IIsolate
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private Handle _target;
    private long _remaining;

    /// <summary>Calls that ended with a status other than Ok.</summary>
    internal long Failures;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Reply)
        {
            if (message.Status != CallStatus.Ok)
            {
                Failures++;
            }

            _remaining--;
            return _remaining > 0 ? ctx.Call(_target, new Ping(_remaining), s_timeout) : Effect.Receive;
        }

        if (message.Is(out CallerStart start) && start.Count > 0)
        {
            _target = start.Target;
            _remaining = start.Count;
            return ctx.Call(_target, new Ping(_remaining), s_timeout);
        }

        return Effect.Receive;
    }
}
