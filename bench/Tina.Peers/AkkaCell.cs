using System;
using System.Threading;
using Akka.Actor;
using Akka.Configuration;

namespace Tina.Peers;

/// <summary>Counts every message (Akka runs one actor's messages one at a time, with happens-before between them).</summary>
internal sealed class AkkaSink : UntypedActor
{
    protected override void OnReceive(object message) => Counter.Add(1);
}

/// <summary>Bounces every message back to its sender; the actor started with a peer serves first and counts.</summary>
internal sealed class AkkaBouncer : UntypedActor
{
    private bool _counts;

    protected override void OnReceive(object message)
    {
        if (message is IActorRef peer)
        {
            _counts = true;
            peer.Tell(MsgBox.Shared, Self);
            return;
        }

        if (_counts)
        {
            Counter.Add(1);
        }

        Sender.Tell(message, Self);
    }
}

/// <summary>Answers every Ask with the same (preallocated) message.</summary>
internal sealed class AkkaReplier : UntypedActor
{
    protected override void OnReceive(object message) => Sender.Tell(message, Self);
}

/// <summary>The kick of a caller: the replier to call (preallocated, resent to self after each reply).</summary>
internal sealed class AkkaCallNext
{
    public IActorRef? Target { get; set; }
}

/// <summary>
/// Calls its target with <c>Ask</c> and a timeout (Akka.NET's request/reply, the counterpart of a Tina call), one
/// outstanding at a time; awaiting inside <c>ReceiveAsync</c> holds the caller's mailbox until the answer arrives.
/// </summary>
internal sealed class AkkaCaller : ReceiveActor
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    public AkkaCaller()
    {
        ReceiveAsync<AkkaCallNext>(async next =>
        {
            _ = await next.Target!.Ask<MsgBox>(MsgBox.Shared, s_timeout);
            Counter.Add(1);
            Self.Tell(next, Self);
        });
    }
}

/// <summary>
/// Akka.NET: default (documented default dispatcher and unbounded mailbox) or tuned (bounded mailbox of 1,024 with a
/// blocking push, pinned dispatcher). Producers are threads that Tell one preallocated message in a loop; Tell never
/// refuses, so with the unbounded mailbox they stop at 4 M messages in flight to keep the machine alive (noted).
/// </summary>
internal sealed class AkkaCell : ICell
{
    private const long MaxInFlight = 4_000_000;
    /// <summary>The tuned configuration (also the tuned burst's): bounded mailbox with a blocking push, pinned dispatcher.</summary>
    internal const string TunedConfig = """
        bounded-mailbox { mailbox-type = "Akka.Dispatch.BoundedMailbox", mailbox-capacity = 1024, mailbox-push-timeout-time = 10s }
        pinned-dispatcher { type = PinnedDispatcher }
        akka.loglevel = WARNING
        """;

    private readonly string _scenario;
    private readonly bool _tuned;
    private volatile bool _stop;
    private ActorSystem? _system;
    private Thread[] _threads = [];

    public AkkaCell(string scenario, bool tuned)
    {
        _scenario = scenario;
        _tuned = tuned;
    }

    public int MessagesPerUnit => _scenario is "pingpong-send" or "pingpong-call" ? 2 : 1;

    private Props Tune(Props p) => _tuned ? p.WithMailbox("bounded-mailbox").WithDispatcher("pinned-dispatcher") : p;

    public void Start()
    {
        _system = _tuned
            ? ActorSystem.Create("peers", ConfigurationFactory.ParseString(TunedConfig))
            : ActorSystem.Create("peers", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        switch (_scenario)
        {
            case "oneway":
            case "fanin":
            {
                int producers = _scenario == "fanin" ? 2 : 1;
                IActorRef sink = _system.ActorOf(Tune(Props.Create<AkkaSink>()), "sink");
                _threads = new Thread[producers];
                for (int i = 0; i < producers; i++)
                {
                    _threads[i] = new Thread(() => Produce(sink, producers)) { IsBackground = true };
                    _threads[i].Start();
                }

                break;
            }

            case "pingpong-send":
            {
                IActorRef a = _system.ActorOf(Tune(Props.Create<AkkaBouncer>()), "a");
                IActorRef b = _system.ActorOf(Tune(Props.Create<AkkaBouncer>()), "b");
                a.Tell(b);
                break;
            }

            case "pingpong-call":
            {
                IActorRef replier = _system.ActorOf(Tune(Props.Create<AkkaReplier>()), "replier");
                IActorRef caller = _system.ActorOf(Tune(Props.Create<AkkaCaller>()), "caller");
                caller.Tell(new AkkaCallNext { Target = replier });
                break;
            }

            default:
                throw new ArgumentException(_scenario);
        }
    }

    private void Produce(IActorRef sink, int producers)
    {
        long sent = 0;
        MsgBox m = MsgBox.Shared;
        while (!_stop)
        {
            for (int i = 0; i < 1024; i++)
            {
                sink.Tell(m, ActorRefs.NoSender);
            }

            sent += 1024;
            while (!_stop && (sent * producers) - Counter.Read() > MaxInFlight)
            {
                Thread.Yield();
            }
        }
    }

    public long Work() => Counter.Read();

    public void Stop()
    {
        _stop = true;
        _system?.Terminate().Wait(TimeSpan.FromSeconds(5));
    }
}
