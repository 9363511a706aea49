using System;
using System.Threading;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

public sealed class SmokeTests
{
    public readonly record struct Go(long CounterHandle);

    public sealed class Asker : IIsolate
    {
        public static long Observed = -1;
        public static int Status = -1;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Go go))
            {
                var counter = new Handle((ulong)go.CounterHandle);
                ctx.Send(counter, new Add(5));
                ctx.Send(counter, new Add(7));
                return ctx.Call(counter, new Get(), TimeSpan.FromSeconds(5));
            }

            if (message.Kind == MessageKind.Reply)
            {
                Volatile.Write(ref Status, (int)message.Status);
                if (message.Is(out Total total))
                {
                    Volatile.Write(ref Observed, total.Value);
                }

                ctx.RequestStop();
                return Effect.Done;
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void CounterAcrossShards_CallReturnsSum()
    {
        var spec = new TinaSpec { ShardCount = 2, PinThreads = false, IdlePollTicks = 0 };
        spec.AddIsolate<Counter>(slots: 4);
        spec.AddIsolate<Asker>(slots: 4);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        Handle counter = runtime.Spawn<Counter>(shard: 1).Handle;
        runtime.Spawn<Asker, Go>(shard: 0, new Go((long)counter.Value));
        runtime.Start();
        Assert.That(runtime.WaitForStopRequest(TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(Volatile.Read(ref Asker.Status), Is.EqualTo((int)CallStatus.Ok));
        Assert.That(Volatile.Read(ref Asker.Observed), Is.EqualTo(12));
    }
}
