namespace Tina.Generators.Tests;

/// <summary>A generated isolate that only adds up payloads (its handlers never touch the context).</summary>
[TinaHandlers]
public partial struct Summer
{
    public long Sum;

    [Handles] private Effect OnPing(ref Context ctx, in Ping ping) { Sum += ping.Value; return Effect.Receive; }

    [Handles] private Effect OnNote(ref Context ctx, in Note note) { Sum += 10 * note.Value; return Effect.Receive; }

    [Handles] private Effect OnArm(ref Context ctx, Arm arm) { Sum += 100 * arm.Tag; return Effect.Receive; }

    [Handles] private static Effect OnQuit(ref Context ctx, in Quit quit) => Effect.Done;

    [HandlesOther] private Effect Other(ref Context ctx, in Message message) { Sum -= 1; return Effect.Receive; }
}

/// <summary><see cref="Summer"/> written by hand as an Is&lt;T&gt; chain: the same behaviour.</summary>
public struct HandSummer : IIsolate
{
    public long Sum;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Ping ping))
        {
            Sum += ping.Value;
            return Effect.Receive;
        }

        if (message.Is(out Note note))
        {
            Sum += 10 * note.Value;
            return Effect.Receive;
        }

        if (message.Is(out Arm arm))
        {
            Sum += 100 * arm.Tag;
            return Effect.Receive;
        }

        if (message.Is<Quit>())
        {
            return Effect.Done;
        }

        Sum -= 1;
        return Effect.Receive;
    }
}
