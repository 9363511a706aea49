namespace Tina.Benchmarks;

/// <summary>Eight message types dispatched by hand: the <c>Is&lt;T&gt;(out T)</c> chain (one tag compare per test).</summary>
public struct ChainOf8 : IIsolate
{
    public long Sum;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out D0 d0))
        {
            Sum += d0.Value;
            return Effect.Receive;
        }

        if (message.Is(out D1 d1))
        {
            Sum += d1.Value;
            return Effect.Receive;
        }

        if (message.Is(out D2 d2))
        {
            Sum += d2.Value;
            return Effect.Receive;
        }

        if (message.Is(out D3 d3))
        {
            Sum += d3.Value;
            return Effect.Receive;
        }

        if (message.Is(out D4 d4))
        {
            Sum += d4.Value;
            return Effect.Receive;
        }

        if (message.Is(out D5 d5))
        {
            Sum += d5.Value;
            return Effect.Receive;
        }

        if (message.Is(out D6 d6))
        {
            Sum += d6.Value;
            return Effect.Receive;
        }

        if (message.Is(out D7 d7))
        {
            Sum += d7.Value;
            return Effect.Receive;
        }

        return Effect.Receive;
    }
}
