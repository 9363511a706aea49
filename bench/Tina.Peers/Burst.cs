using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Configuration;

namespace Tina.Peers;

/// <summary>Shared state of the burst scenario (one process runs one cell).</summary>
internal static class BurstState
{
    public const int Messages = 1_000_000;
    public static readonly ManualResetEventSlim Release = new(false);
    public static readonly ManualResetEventSlim Stalled = new(false);
    public static readonly ManualResetEventSlim Done = new(false);
    public static readonly int[] Results = new int[32];
}

/// <summary>A receiver whose first message stalls its handler (and so its shard) until the burst is over.</summary>
public struct StalledSink : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Msg _) && !BurstState.Release.IsSet)
        {
            BurstState.Stalled.Set();
            BurstState.Release.Wait();
        }

        return Effect.Receive;
    }
}

/// <summary>The burst into a stalled receiver: peak memory and what the sender is told, per system.</summary>
internal static class Burst
{
    public static string Run(string system)
    {
        return system switch
        {
            "tina-pinned" => Tina(pinned: true),
            "tina-unpinned" => Tina(pinned: false),
            "channel" => ChannelBurst(),
            "ring" => $"by_construction:_1024_accepted,_{BurstState.Messages - 1024}_refused_(ring_full)",
            "akka-default" => AkkaBurst(),
            "akka-tuned" => AkkaTunedBurst(),
            "proto-default" => ProtoBurst.Run(tuned: false),
            "proto-tuned" => ProtoBurst.Run(tuned: true),
            _ => "n/a",
        };
    }

    private static string Tina(bool pinned)
    {
        TinaSpec spec = TinaCell.Spec(2, pinned);
        spec.AddIsolate<StalledSink>(slots: 1, mailboxCapacity: 8192);
        spec.AddIsolate<Bursting>(slots: 1, mailboxCapacity: 4);
        using var runtime = TinaRuntime.Create(spec);
        Handle sink = runtime.Spawn<StalledSink>(1).Handle;
        runtime.Spawn<Bursting, Target>(0, new Target(sink));
        runtime.Start();
        BurstState.Done.Wait(TimeSpan.FromSeconds(30));
        BurstState.Release.Set();
        var parts = new List<string>();
        for (int i = 0; i < BurstState.Results.Length; i++)
        {
            if (BurstState.Results[i] != 0)
            {
                parts.Add($"{(SendResult)i}_{BurstState.Results[i]}");
            }
        }

        return string.Join(",_", parts);
    }

    private static string ChannelBurst()
    {
        Channel<Msg> ch = Channel.CreateBounded<Msg>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        int ok = 0;
        for (int i = 0; i < BurstState.Messages; i++)
        {
            if (ch.Writer.TryWrite(new Msg(i, 0)))
            {
                ok++;
            }
        }

        return $"TryWrite_true_{ok},_false_{BurstState.Messages - ok}";
    }

    private static string AkkaBurst()
    {
        using ActorSystem system = ActorSystem.Create("burst", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        IActorRef sink = system.ActorOf(Props.Create<AkkaStalled>(), "sink");
        sink.Tell(MsgBox.Shared);
        BurstState.Stalled.Wait();
        for (int i = 0; i < BurstState.Messages; i++)
        {
            sink.Tell(MsgBox.Shared);
        }

        BurstState.Release.Set();
        return $"Tell_accepted_all_{BurstState.Messages}_(unbounded_mailbox,_no_signal)";
    }

    private static string AkkaTunedBurst()
    {
        using ActorSystem system = ActorSystem.Create("burst", ConfigurationFactory.ParseString(AkkaCell.TunedConfig));
        IActorRef sink = system.ActorOf(Props.Create<AkkaStalled>().WithMailbox("bounded-mailbox").WithDispatcher("pinned-dispatcher"), "sink");
        sink.Tell(MsgBox.Shared);
        BurstState.Stalled.Wait();
        MsgBox m = MsgBox.Shared;
        return BlockingBurst.Run(
            () => sink.Tell(m),
            "Tell",
            "bounded_mailbox_1024:_each_Tell_waits_up_to_the_10_s_push_timeout,_then_the_message_goes_to_dead_letters");
    }
}

/// <summary>Akka receiver that stalls on its first message until released.</summary>
internal sealed class AkkaStalled : UntypedActor
{
    protected override void OnReceive(object message)
    {
        if (!BurstState.Release.IsSet)
        {
            BurstState.Stalled.Set();
            BurstState.Release.Wait();
        }
    }
}

/// <summary>Tina burst sender: stalls the receiver with one message, then sends the burst in one invocation.</summary>
public struct Bursting : IIsolate
{
    private Handle _target;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Target t))
        {
            _target = t.To;
            ctx.Send(_target, new Msg(-1, 0));
            return Effect.Yield;
        }

        if (_target.IsNone || BurstState.Done.IsSet)
        {
            return Effect.Receive;
        }

        if (!BurstState.Stalled.IsSet)
        {
            return Effect.Yield;
        }

        for (int i = 0; i < BurstState.Messages; i++)
        {
            BurstState.Results[(int)ctx.Send(_target, new Msg(i, 1))]++;
        }

        BurstState.Done.Set();
        return Effect.Receive;
    }
}
