using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Proto;
using Proto.Mailbox;

namespace Tina.Peers;

/// <summary>Counts every message (Proto.Actor runs one actor's messages one at a time).</summary>
internal sealed class ProtoSink : IActor
{
    public Task ReceiveAsync(IContext context)
    {
        if (context.Message is MsgBox)
        {
            Counter.Add(1);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Tells a bouncer who its peer is; with <see cref="Serve"/> it also serves first and counts.</summary>
internal sealed class ProtoPeer
{
    public ProtoPeer(PID peer, bool serve)
    {
        Peer = peer;
        Serve = serve;
    }

    public PID Peer { get; }

    public bool Serve { get; }
}

/// <summary>Sends every message on to its peer (one-way sends both ways).</summary>
internal sealed class ProtoBouncer : IActor
{
    private PID? _peer;
    private bool _counts;

    public Task ReceiveAsync(IContext context)
    {
        switch (context.Message)
        {
            case ProtoPeer p:
                _peer = p.Peer;
                if (p.Serve)
                {
                    // The peer learns who we are before the first message reaches it (one sender's sends keep order).
                    _counts = true;
                    context.Send(_peer, new ProtoPeer(context.Self, serve: false));
                    context.Send(_peer, MsgBox.Shared);
                }

                break;
            case MsgBox m when _peer is not null:
                if (_counts)
                {
                    Counter.Add(1);
                }

                context.Send(_peer, m);
                break;
        }

        return Task.CompletedTask;
    }
}

/// <summary>Answers every request with the same (preallocated) message.</summary>
internal sealed class ProtoReplier : IActor
{
    public Task ReceiveAsync(IContext context)
    {
        if (context.Message is MsgBox m)
        {
            context.Respond(m);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The kick of a caller: the replier to call (preallocated, resent to self after each reply).</summary>
internal sealed class ProtoCallNext
{
    public PID? Target { get; set; }
}

/// <summary>
/// Calls its target with <c>RequestAsync</c> and a timeout (Proto.Actor's request/reply, the counterpart of a Tina
/// call), one outstanding at a time; the await holds the caller's mailbox, so it handles nothing else meanwhile.
/// </summary>
internal sealed class ProtoCaller : IActor
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    public async Task ReceiveAsync(IContext context)
    {
        if (context.Message is ProtoCallNext next && next.Target is not null)
        {
            _ = await context.RequestAsync<MsgBox>(next.Target, MsgBox.Shared, s_timeout);
            Counter.Add(1);
            context.Send(context.Self, next);
        }
    }
}

/// <summary>
/// Proto.Actor: default (documented defaults: unbounded mailbox, thread-pool dispatcher) or tuned (bounded mailbox
/// of 1,024, whose push blocks the sender while full, and a <see cref="DedicatedThreadDispatcher"/> per actor).
/// Producers are threads that Send one preallocated message in a loop; an unbounded Send never refuses, so they stop
/// at 4 M messages in flight, as the Akka.NET producers do.
/// </summary>
internal sealed class ProtoCell : ICell
{
    private const long MaxInFlight = 4_000_000;

    private readonly string _scenario;
    private readonly bool _tuned;
    private readonly List<DedicatedThreadDispatcher> _dispatchers = [];
    private volatile bool _stop;
    private ActorSystem? _system;
    private Thread[] _threads = [];

    public ProtoCell(string scenario, bool tuned)
    {
        _scenario = scenario;
        _tuned = tuned;
    }

    public int MessagesPerUnit => _scenario is "pingpong-send" or "pingpong-call" ? 2 : 1;

    /// <summary>The props of one actor in the default or the tuned configuration.</summary>
    internal static Props Tune(Props props, bool tuned, string name, List<DedicatedThreadDispatcher> dispatchers)
    {
        if (!tuned)
        {
            return props;
        }

        var dispatcher = new DedicatedThreadDispatcher($"proto-{name}");
        dispatchers.Add(dispatcher);
        return props.WithMailbox(() => BoundedMailbox.Create(1024)).WithDispatcher(dispatcher);
    }

    public void Start()
    {
        _system = new ActorSystem();
        IRootContext root = _system.Root;
        switch (_scenario)
        {
            case "oneway":
            case "fanin":
            {
                int producers = _scenario == "fanin" ? 2 : 1;
                PID sink = root.Spawn(Tune(Props.FromProducer(() => new ProtoSink()), _tuned, "sink", _dispatchers));
                _threads = new Thread[producers];
                for (int i = 0; i < producers; i++)
                {
                    _threads[i] = new Thread(() => Produce(root, sink, producers)) { IsBackground = true };
                    _threads[i].Start();
                }

                break;
            }

            case "pingpong-send":
            {
                PID a = root.Spawn(Tune(Props.FromProducer(() => new ProtoBouncer()), _tuned, "a", _dispatchers));
                PID b = root.Spawn(Tune(Props.FromProducer(() => new ProtoBouncer()), _tuned, "b", _dispatchers));
                root.Send(a, new ProtoPeer(b, serve: true));
                break;
            }

            case "pingpong-call":
            {
                PID replier = root.Spawn(Tune(Props.FromProducer(() => new ProtoReplier()), _tuned, "replier", _dispatchers));
                PID caller = root.Spawn(Tune(Props.FromProducer(() => new ProtoCaller()), _tuned, "caller", _dispatchers));
                root.Send(caller, new ProtoCallNext { Target = replier });
                break;
            }

            default:
                throw new ArgumentException(_scenario);
        }
    }

    private void Produce(IRootContext root, PID sink, int producers)
    {
        long sent = 0;
        MsgBox m = MsgBox.Shared;
        while (!_stop)
        {
            for (int i = 0; i < 1024; i++)
            {
                root.Send(sink, m);
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
        _system?.ShutdownAsync().Wait(TimeSpan.FromSeconds(5));
        foreach (DedicatedThreadDispatcher d in _dispatchers)
        {
            d.Dispose();
        }
    }
}
