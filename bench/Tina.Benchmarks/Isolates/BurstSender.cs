namespace Tina.Benchmarks;

/// <summary>
/// On each <see cref="Burst"/>, sends that many pings to its target with <c>ctx.Send</c>, in one invocation; a
/// refused send is counted in <see cref="Refused"/> (the benchmark that drives it fails its setup check if any is).
/// Lets a driven benchmark put handler sends on a chosen shard, where the driver's own send lands in the target's
/// mailbox directly.
/// </summary>
public struct BurstSender : IIsolate
{
    private long _sequence;

    /// <summary>Sends that were not Ok.</summary>
    public long Refused { readonly get; private set; }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Burst burst))
        {
            for (long i = 0; i < burst.Count; i++)
            {
                if (ctx.Send(burst.Target, new Ping(_sequence++)) != SendResult.Ok)
                {
                    Refused++;
                }
            }
        }

        return Effect.Receive;
    }
}
