using System.Collections.Generic;

namespace Tina.Benchmarks;

/// <summary>Keeps a copy of each envelope it is sent, for HandlerDispatchBenchmarks to dispatch directly (setup only).</summary>
public struct EnvelopeRecorder : IIsolate
{
    public static List<Message> Recorded { get; } = new();

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        Recorded.Add(message);
        return Effect.Receive;
    }
}
