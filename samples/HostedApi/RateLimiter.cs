using System;
using System.Collections.Generic;
using Tina;

namespace HostedApi;

/// <summary>
/// A fixed-window limiter per key: at most <see cref="PerWindow"/> admissions per key per second. The window resets on
/// the isolate's own timer, so no clock is read and no lock is taken.
/// </summary>
public sealed class RateLimiter : IIsolate
{
    public const int PerWindow = 5;

    private readonly Dictionary<long, int> _used = new();
    private bool _timerArmed;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Timer)
        {
            _used.Clear();
            _timerArmed = false;
            return Effect.Receive;
        }

        if (message.Kind == MessageKind.Call && message.Is(out Admit admit))
        {
            if (!_timerArmed)
            {
                ctx.RegisterTimer(TimeSpan.FromSeconds(1), tag: 0);
                _timerArmed = true;
            }

            _used.TryGetValue(admit.Key, out int used);
            bool allowed = used < PerWindow;
            if (allowed)
            {
                _used[admit.Key] = ++used;
            }

            return ctx.Reply(new Verdict(allowed, PerWindow - used));
        }

        return Effect.Receive;
    }
}
