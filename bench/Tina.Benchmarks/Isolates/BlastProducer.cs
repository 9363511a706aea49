namespace Tina.Benchmarks;

/// <summary>
/// A producer that never stops: on its start message and on every resume it sends pings to its target until a send
/// is refused (ring full, mailbox full, pool exhausted) or <see cref="BatchMax"/> sends went out, then yields.
/// Yield is its only backpressure: the runtime has no "wake me when the ring drains".
/// </summary>
public struct BlastProducer : IIsolate
{
    /// <summary>Most sends per invocation (a bound on the loop; a full ring or mailbox usually ends it first).</summary>
    public const int BatchMax = 4096;

    private Handle _target;
    private long _sequence;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Start && message.Is(out ProducerStart start))
        {
            _target = start.Target;
        }

        if (_target.IsNone)
        {
            return Effect.Receive;
        }

        for (int i = 0; i < BatchMax; i++)
        {
            if (ctx.Send(_target, new Ping(_sequence)) != SendResult.Ok)
            {
                break;
            }

            _sequence++;
        }

        return Effect.Yield;
    }
}
