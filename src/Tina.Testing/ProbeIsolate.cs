namespace Tina.Testing;

/// <summary>
/// The isolate behind a <see cref="TestProbe"/>: records every message it gets (except the kit's commands), answers
/// calls with the probe's configured reply (or not at all, so the caller gets <see cref="CallStatus.NoReply"/>), and
/// runs the kit's pending action when told to.
/// </summary>
internal sealed class ProbeIsolate : IIsolate
{
    /// <summary>The probe this isolate records into; set by the kit right after the spawn.</summary>
    public TestProbe? Owner { get; set; }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        TestProbe? owner = Owner;
        if (owner is null)
        {
            return Effect.Receive;
        }

        if (message.Is<ProbeCommand>())
        {
            return owner.TakeCommand() is { } command ? command(ref ctx) : Effect.Receive;
        }

        owner.Record(in message);
        if (message.Kind == MessageKind.Call && owner.AutoReply is { } reply)
        {
            return reply(ref ctx);
        }

        return Effect.Receive;
    }
}
