namespace Tina.Benchmarks;

/// <summary>
/// A stateless relay: on a <see cref="Hop"/> with hops remaining, sends the next hop back to the sender. Two relays
/// kicked with one hop bounce it between them, one message in flight per pair.
/// </summary>
public struct HopRelay : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Hop hop) && hop.Remaining > 0)
        {
            ctx.Send(hop.ReplyTo, new Hop(ctx.Self, hop.Remaining - 1));
        }

        return Effect.Receive;
    }
}
