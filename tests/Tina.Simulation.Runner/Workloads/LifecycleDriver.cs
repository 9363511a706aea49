using System;

namespace Tina.Simulation.Workloads;

/// <summary>
/// One per shard, an unsupervised root: runs a script of <see cref="DriverStart.Steps"/> steps on a 1–3 ms timer.
/// Each step keeps its population of children up (local spawns it watches, and dynamic children in the tree's
/// <c>dyn</c> group when there is a tree), then maybe cancels one of its children (drain budget, then forced), cancels
/// a whole group (the cascade, deepest first), or calls a peer. Finished when the script is done; it stays alive so
/// the workload can see that. A rebuild or shutdown of its shard ends it early, which the workload accepts.
/// </summary>
internal sealed class LifecycleDriver : IIsolate
{
    private const int ChildrenMax = 6;
    private const long TagStep = 1;

    private readonly Handle[] _children = new Handle[ChildrenMax];
    private ulong _random;
    private int _stepsLeft;
    private int _childCount;
    private int _cancelPerMille;
    private int _sequence;

    public bool Finished { get; private set; }

    public Effect OnMessage(ref Context ctx, in Message message)
    {
        LifecycleWorld? world = LifecycleWorld.Of(ref ctx);
        switch (message.Kind)
        {
            case MessageKind.Start when message.Is(out DriverStart start):
                _random = start.Seed | 1;
                _stepsLeft = start.Steps;
                _childCount = Math.Clamp(start.Children, 1, ChildrenMax);
                _cancelPerMille = start.CancelPerMille;
                world?.Publish(ctx.Self);
                Arm(ref ctx, TimeSpan.FromMilliseconds(1));
                return Effect.Receive;
            case MessageKind.Timer:
                return Step(ref ctx, world);
            case MessageKind.Down when message.Is(out Down down):
                if (world is not null)
                {
                    world.Downs++;
                }

                int index = Array.IndexOf(_children, down.Target);
                if (index >= 0)
                {
                    _children[index] = Tina.Handle.None;
                }

                return Effect.Receive;
            case MessageKind.Cancel:
            case MessageKind.Shutdown:
                if (world is not null)
                {
                    world.Notices++;
                }

                return Effect.Done;
            case MessageKind.Call:
                return ctx.Reply(new PeerAnswer(message.Is(out PeerAsk ask) ? ask.Sequence + 1 : 0));
            default:
                return Effect.Receive;
        }
    }

    private Effect Step(ref Context ctx, LifecycleWorld? world)
    {
        if (_stepsLeft <= 0)
        {
            Finished = true;
            return Effect.Receive;
        }

        _stepsLeft--;
        Arm(ref ctx, TimeSpan.FromMilliseconds(1 + Draw(3)));
        for (int i = 0; i < _childCount; i++)
        {
            if (!_children[i].IsNone || Draw(2) != 0)
            {
                continue;
            }

            var start = new PeerStart(XorShift64.Next(ref _random), 4 + (int)Draw(24), (int)Draw(3), 1 + (int)Draw(16));
            SpawnResult spawned = ctx.Spawn<LifecyclePeer, PeerStart>(in start);
            if (spawned.IsOk)
            {
                _children[i] = spawned.Handle;
                if (ctx.Watch(spawned.Handle))
                {
                    SimulationLedger.Watched(ref ctx, spawned.Handle);
                }
            }
        }

        if (ctx.Shard.GroupIndexOf("dyn") >= 0 && Draw(3) == 0)
        {
            var start = new PeerStart(XorShift64.Next(ref _random), 4 + (int)Draw(16), (int)Draw(3), 1 + (int)Draw(8));
            ctx.SpawnChild<LifecyclePeer, PeerStart>("dyn", in start, (RestartType)Draw(3));
        }

        if (Draw(1000) < (uint)_cancelPerMille)
        {
            Handle victim = _children[Draw(ChildrenMax)];
            if (!victim.IsNone && ctx.Cancel(victim, 1 + (int)Draw(9)) == SendResult.Ok && world is not null)
            {
                world.CancelsIssued++;
            }
        }

        if (Draw(1000) < (uint)_cancelPerMille / 8)
        {
            string group = Draw(2) == 0 ? "dyn" : "mid";
            if (ctx.CancelGroup(group, 40) && world is not null)
            {
                world.GroupCancels++;
            }
        }

        if (Draw(4) == 0 && world?.Pick(XorShift64.Next(ref _random)) is { IsNone: false } target && target != ctx.Self)
        {
            _sequence++;
            return ctx.Call(target, new PeerAsk(_sequence, PeerAskMode.Reply, 0), TimeSpan.FromMilliseconds(5 + Draw(26)));
        }

        return Effect.Receive;
    }

    private static void Arm(ref Context ctx, TimeSpan delay)
    {
        TimerId timer = ctx.RegisterTimer(delay, TagStep);
        SimulationLedger.TimerRegistered(ref ctx, timer);
    }

    private uint Draw(uint bound) => (uint)(XorShift64.Next(ref _random) % bound);
}
