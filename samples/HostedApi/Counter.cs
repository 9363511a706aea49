using System.Collections.Generic;
using Tina;

namespace HostedApi;

/// <summary>Counts per key. One of several; a key always lands on the same one, so its count needs no lock.</summary>
public sealed class Counter : IIsolate
{
    private readonly Dictionary<long, long> _counts = new();

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Call && message.Is(out Increment increment))
        {
            _counts.TryGetValue(increment.Key, out long count);
            _counts[increment.Key] = ++count;
            return ctx.Reply(new Count(count));
        }

        return Effect.Receive;
    }
}
