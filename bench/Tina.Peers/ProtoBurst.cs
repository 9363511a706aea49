using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Proto;

namespace Tina.Peers;

/// <summary>The burst into a stalled receiver on Proto.Actor, default (unbounded) and tuned (bounded mailbox).</summary>
internal static class ProtoBurst
{
    public static string Run(bool tuned)
    {
        var system = new ActorSystem();
        var dispatchers = new List<DedicatedThreadDispatcher>();
        PID sink = system.Root.Spawn(ProtoCell.Tune(Props.FromProducer(() => new ProtoStalled()), tuned, "sink", dispatchers));
        MsgBox m = MsgBox.Shared;
        system.Root.Send(sink, m);
        BurstState.Stalled.Wait();
        string told;
        if (tuned)
        {
            told = BlockingBurst.Run(
                () => system.Root.Send(sink, m),
                "Send",
                "bounded_mailbox_1024:_the_push_retries_every_50_ms,_no_timeout");
        }
        else
        {
            for (int i = 0; i < BurstState.Messages; i++)
            {
                system.Root.Send(sink, m);
            }

            BurstState.Release.Set();
            told = $"Send_accepted_all_{BurstState.Messages}_(unbounded_mailbox,_no_signal)";
        }

        system.ShutdownAsync().Wait(TimeSpan.FromSeconds(5));
        foreach (DedicatedThreadDispatcher d in dispatchers)
        {
            d.Dispose();
        }

        return told;
    }
}

/// <summary>Proto.Actor receiver that stalls on its first message until released.</summary>
internal sealed class ProtoStalled : IActor
{
    public Task ReceiveAsync(IContext context)
    {
        if (context.Message is MsgBox && !BurstState.Release.IsSet)
        {
            BurstState.Stalled.Set();
            BurstState.Release.Wait();
        }

        return Task.CompletedTask;
    }
}
