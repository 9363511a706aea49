using System;

namespace Tina.Peers;

/// <summary>Start message: where to send.</summary>
public readonly record struct Target(Handle To);

/// <summary>
/// Sends to its target until a send is refused, then returns <see cref="Effect.Yield"/>: after a RingFull refusal
/// the shard holds it until the ring has room (the room wait), which is how a Tina user waits for room.
/// </summary>
public struct OneWayProducer : IIsolate
{
    private Handle _target;
    private long _sequence;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Target start))
        {
            _target = start.To;
        }

        if (_target.IsNone)
        {
            return Effect.Receive;
        }

        while (ctx.Send(_target, new Msg(_sequence, 1)) == SendResult.Ok)
        {
            _sequence++;
        }

        return Effect.Yield;
    }
}

/// <summary>Counts every <see cref="Msg"/> it handles into <see cref="Counter"/>.</summary>
public struct CountingSink : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Msg _))
        {
            Counter.Add(1);
        }

        return Effect.Receive;
    }
}

/// <summary>Calls its target in a loop, one call outstanding; each reply counts a round trip.</summary>
public struct Caller : IIsolate
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private Handle _target;

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Reply)
        {
            Counter.Add(1);
            return ctx.Call(_target, new Msg(1, 1), s_timeout);
        }

        if (message.Is(out Target start))
        {
            _target = start.To;
            return ctx.Call(_target, new Msg(0, 1), s_timeout);
        }

        return Effect.Receive;
    }
}

/// <summary>Replies to every call with the same message.</summary>
public struct Replier : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Kind == MessageKind.Call && message.Is(out Msg m))
        {
            return ctx.Reply(m);
        }

        return Effect.Receive;
    }
}

/// <summary>Sends every <see cref="Msg"/> back to its source (one-way sends both ways); the server side counts.</summary>
public struct Bouncer : IIsolate
{
    public Effect OnMessage(ref Context ctx, in Message message)
    {
        if (message.Is(out Target start))
        {
            ctx.Send(start.To, new Msg(0, 1));
            return Effect.Receive;
        }

        if (message.Is(out Msg m))
        {
            if (ctx.ShardId == 0)
            {
                Counter.Add(1);
            }

            ctx.Send(message.Source, m);
        }

        return Effect.Receive;
    }
}

/// <summary>The Tina cells: shards pinned per the TinaSpec core map, or unpinned.</summary>
internal sealed class TinaCell : ICell
{
    private readonly string _scenario;
    private readonly bool _pinned;
    private TinaRuntime? _runtime;

    public TinaCell(string scenario, bool pinned)
    {
        _scenario = scenario;
        _pinned = pinned;
    }

    public int MessagesPerUnit => _scenario is "pingpong-call" or "pingpong-send" ? 2 : 1;

    public static TinaSpec Spec(int shards, bool pinned)
    {
        var coreMap = new int[shards];
        for (int i = 0; i < shards; i++)
        {
            coreMap[i] = i % Environment.ProcessorCount;
        }

        return new TinaSpec { ShardCount = shards, PinThreads = pinned, CoreMap = pinned ? coreMap : null, MessagePoolCapacity = 16384 };
    }

    public void Start()
    {
        switch (_scenario)
        {
            case "oneway":
            {
                TinaSpec spec = Spec(2, _pinned);
                spec.AddIsolate<CountingSink>(slots: 1, mailboxCapacity: 8192, budgetWeight: 16);
                spec.AddIsolate<OneWayProducer>(slots: 1, mailboxCapacity: 4);
                _runtime = TinaRuntime.Create(spec);
                Handle sink = _runtime.Spawn<CountingSink>(1).Handle;
                _runtime.Spawn<OneWayProducer, Target>(0, new Target(sink));
                break;
            }

            case "fanin":
            {
                // Two producer shards and the sink's shard: three shard threads on this machine's cores.
                TinaSpec spec = Spec(3, _pinned);
                spec.AddIsolate<CountingSink>(slots: 1, mailboxCapacity: 8192, budgetWeight: 16);
                spec.AddIsolate<OneWayProducer>(slots: 1, mailboxCapacity: 4);
                _runtime = TinaRuntime.Create(spec);
                Handle sink = _runtime.Spawn<CountingSink>(2).Handle;
                _runtime.Spawn<OneWayProducer, Target>(0, new Target(sink));
                _runtime.Spawn<OneWayProducer, Target>(1, new Target(sink));
                break;
            }

            case "pingpong-call":
            {
                TinaSpec spec = Spec(2, _pinned);
                spec.AddIsolate<Caller>(slots: 1, mailboxCapacity: 4);
                spec.AddIsolate<Replier>(slots: 1, mailboxCapacity: 64);
                _runtime = TinaRuntime.Create(spec);
                Handle replier = _runtime.Spawn<Replier>(1).Handle;
                _runtime.Spawn<Caller, Target>(0, new Target(replier));
                break;
            }

            case "pingpong-send":
            {
                TinaSpec spec = Spec(2, _pinned);
                spec.AddIsolate<Bouncer>(slots: 1, mailboxCapacity: 64);
                _runtime = TinaRuntime.Create(spec);
                Handle far = _runtime.Spawn<Bouncer>(1).Handle;
                _runtime.Spawn<Bouncer, Target>(0, new Target(far));
                break;
            }

            default:
                throw new ArgumentException($"unknown scenario {_scenario}");
        }

        _runtime.Start();
    }

    public long Work() => Counter.Read();

    public void Stop() => _runtime?.Dispose();
}
