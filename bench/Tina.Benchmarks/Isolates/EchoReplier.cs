namespace Tina.Benchmarks;

/// <summary>Answers every <see cref="Ping"/> call with a <see cref="Pong"/> carrying the same sequence number.</summary>
public struct EchoReplier : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Call && message.Is(out Ping ping))
        {
            return ctx.Reply(new Pong(ping.Sequence));
        }

        return Effect.Receive;
    }
}
