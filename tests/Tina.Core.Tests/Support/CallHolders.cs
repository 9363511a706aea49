namespace Tina.Tests.Support;

/// <summary>Defers every call and answers it with a <typeparamref name="TAnswer"/> on the next one-way message.</summary>
public sealed class Holder<TAnswer> : IIsolate
    where TAnswer : unmanaged
{
    private ReplyToken _owed;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Call)
        {
            ctx.TryDeferReply(out _owed);
        }
        else if (!_owed.IsNone)
        {
            ctx.Reply(_owed, new TAnswer());
            _owed = default;
        }

        return Effect.Receive;
    }
}

/// <summary>Holds every call it gets (defers the reply) and never answers.</summary>
public sealed class Hoarder : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Call)
        {
            ctx.TryDeferReply(out _);
        }

        return Effect.Receive;
    }
}
