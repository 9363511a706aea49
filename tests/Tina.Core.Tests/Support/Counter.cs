namespace Tina.Tests.Support;

/// <summary>The README's hello-world isolate.</summary>
public sealed class Counter : IIsolate
{
    private long _total;

    /// <summary>The sum of the Add messages handled so far (for tests reading the instance).</summary>
    public long Total => _total;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Add add))
        {
            _total += add.Amount;
            return Effect.Receive;
        }

        if (message.Is<Get>())
        {
            return ctx.Reply(new Total(_total));
        }

        return Effect.Receive;
    }
}
