namespace Tina.Generators.Tests;

/// <summary>
/// A generated class isolate with no catch-all: answers a Ping call with twice its value, quits on Quit. A call of any
/// other type is dropped by the generated default, and the runtime answers it NoReply.
/// </summary>
[TinaHandlers]
public sealed partial class Echo
{
    [Handles(MessageKind.Call)]
    private static Effect OnPing(ref Context ctx, in Ping ping) => ctx.Reply(new Pong(ping.Value * 2));

    [Handles]
    private static Effect OnQuit(ref Context ctx, in Quit quit) => Effect.Done;
}
