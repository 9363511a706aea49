using System.Collections.Generic;

namespace Tina.Generators.Tests;

/// <summary>
/// Keeps a copy of every message it is sent, so a test can dispatch real runtime-built envelopes straight to an
/// isolate's OnMessage (a Message's fields are the runtime's; only the runtime writes one).
/// </summary>
[TinaHandlers]
public partial struct Capture
{
    public static List<Message> Captured { get; } = new();

    [HandlesOther]
    private static Effect Keep(ref Context ctx, in Message message)
    {
        Captured.Add(message);
        return Effect.Receive;
    }
}
