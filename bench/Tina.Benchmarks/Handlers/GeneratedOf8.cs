namespace Tina.Benchmarks;

/// <summary>
/// <see cref="ChainOf8"/> as typed handlers: Tina's generator writes OnMessage. The catch-all drops the rest, as the
/// chain's last line does (the generated default does the same; the catch-all is here to mirror the chain line for line).
/// </summary>
[TinaHandlers]
public partial struct GeneratedOf8
{
    public long Sum;

    [Handles] private Effect On0(ref Context ctx, in D0 m) { Sum += m.Value; return Effect.Receive; }

    [Handles] private Effect On1(ref Context ctx, in D1 m) { Sum += m.Value; return Effect.Receive; }

    [Handles] private Effect On2(ref Context ctx, in D2 m) { Sum += m.Value; return Effect.Receive; }

    [Handles] private Effect On3(ref Context ctx, in D3 m) { Sum += m.Value; return Effect.Receive; }

    [Handles] private Effect On4(ref Context ctx, in D4 m) { Sum += m.Value; return Effect.Receive; }

    [Handles] private Effect On5(ref Context ctx, in D5 m) { Sum += m.Value; return Effect.Receive; }

    [Handles] private Effect On6(ref Context ctx, in D6 m) { Sum += m.Value; return Effect.Receive; }

    [Handles] private Effect On7(ref Context ctx, in D7 m) { Sum += m.Value; return Effect.Receive; }

    [HandlesOther] private static Effect Other(ref Context ctx, in Message message) => Effect.Receive;
}
