using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

public sealed class SpawnTests
{
    public readonly record struct Hello(int Value);

    public readonly record struct SpawnHere(int Value);

    public readonly record struct SpawnThere(int Shard, int Value);

    public readonly record struct Wait(Handle Target);

    public readonly record struct Filler;

    /// <summary>Records how it was started.</summary>
    public sealed class Child : IIsolate
    {
        public readonly List<(MessageKind Kind, Handle Source, int Value)> Seen = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            Seen.Add((message.Kind, message.Source, message.Is(out Hello hello) ? hello.Value : -1));
            return Effect.Receive;
        }
    }

    /// <summary>Spawns children on command and keeps the results.</summary>
    public sealed class Parent : IIsolate
    {
        public readonly List<SpawnResult> Local = new();
        public readonly List<SendResult> Remote = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out SpawnHere here))
            {
                Local.Add(ctx.Spawn<Child, Hello>(new Hello(here.Value)));
            }
            else if (message.Is(out SpawnThere there))
            {
                Remote.Add(ctx.SpawnOn<Child, Hello>(there.Shard, new Hello(there.Value)));
            }

            return Effect.Receive;
        }
    }

    /// <summary>
    /// On Wait, suspends on a call to another Sleeper, which defers it and never answers: the caller's mailbox then
    /// fills (and holds pool envelopes).
    /// </summary>
    public sealed class Sleeper : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Kind == MessageKind.Call)
            {
                ctx.TryDeferReply(out _);
                return Effect.Receive;
            }

            return message.Is(out Wait wait) ? ctx.Call(wait.Target, new Filler(), TimeSpan.FromSeconds(10)) : Effect.Receive;
        }
    }

    /// <summary>An isolate type that no spec registers.</summary>
    public sealed class Unregistered : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    private static Deterministic Create(int childSlots = 8, int pool = 4096)
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.MessagePoolCapacity = pool;
        spec.AddIsolate<Parent>(slots: 4);
        spec.AddIsolate<Child>(slots: childSlots);
        spec.AddIsolate<Sleeper>(slots: 4, mailboxCapacity: 1000);
        return new Deterministic(spec);
    }

    private static IEnumerable<(int Shard, Handle Handle)> Live<T>(Deterministic sim)
        where T : IIsolate, new()
    {
        int type = sim.Runtime.TypeIndexOf(typeof(T));
        for (int shard = 0; shard < sim.Runtime.ShardCount; shard++)
        {
            Isolates.IsolateTable table = sim.Shard(shard).TypeTable(type);
            for (int slot = 0; slot < table.SlotCount; slot++)
            {
                if (table.Meta[slot].State != Isolates.IsolateState.Free)
                {
                    yield return (shard, table.HandleOf(shard, slot));
                }
            }
        }
    }

    [Test]
    public void Spawn_Local_ChildStartsWithItsStartMessageFromTheParent()
    {
        using var sim = Create();
        Handle parent = sim.Spawn<Parent>(0);
        sim.Runtime.Send(parent, new SpawnHere(5));
        sim.RunUntilIdle();

        SpawnResult result = sim.Instance<Parent>(parent).Local[0];
        Assert.Multiple(() =>
        {
            Assert.That(result.IsOk, Is.True);
            Assert.That(result.Handle.Shard, Is.Zero);
            Assert.That(sim.Instance<Child>(result.Handle).Seen, Is.EqualTo(new[] { (MessageKind.Start, parent, 5) }));
        });
    }

    [Test]
    public void SpawnOn_AnotherShard_ChildStartsThereWithTheSpawnerAsSource()
    {
        using var sim = Create();
        Handle parent = sim.Spawn<Parent>(0);
        sim.Runtime.Send(parent, new SpawnThere(1, 9));
        sim.RunUntilIdle();

        var children = new List<(int Shard, Handle Handle)>(Live<Child>(sim));
        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Parent>(parent).Remote, Is.EqualTo(new[] { SendResult.Ok }));
            Assert.That(children, Has.Count.EqualTo(1));
            Assert.That(children[0].Shard, Is.EqualTo(1));
            Assert.That(sim.Instance<Child>(children[0].Handle).Seen, Is.EqualTo(new[] { (MessageKind.Start, parent, 9) }));
            Assert.That(sim.Counter(1, ShardCounter.IsolatesSpawned), Is.EqualTo(1));
        });
    }

    [Test]
    public void SpawnOn_UnknownShard_ReturnsStaleHandle()
    {
        using var sim = Create();
        Handle parent = sim.Spawn<Parent>(0);
        sim.Runtime.Send(parent, new SpawnThere(7, 1));
        sim.RunUntilIdle();

        Assert.That(sim.Instance<Parent>(parent).Remote, Is.EqualTo(new[] { SendResult.StaleHandle }));
    }

    [Test]
    public void SpawnOn_ShardWithNoFreeSlot_CountsSpawnFailureThere()
    {
        using var sim = Create(childSlots: 1);
        Handle parent = sim.Spawn<Parent>(0);
        sim.Runtime.Send(parent, new SpawnThere(1, 1));
        sim.Runtime.Send(parent, new SpawnThere(1, 2));
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(sim.Instance<Parent>(parent).Remote, Is.EqualTo(new[] { SendResult.Ok, SendResult.Ok }), "both requests were enqueued");
            Assert.That(sim.Counter(1, ShardCounter.IsolatesSpawned), Is.EqualTo(1));
            Assert.That(sim.Counter(1, ShardCounter.SpawnFailures), Is.EqualTo(1));
            Assert.That(sim.Shard(1).Pool.FreeCount, Is.EqualTo(sim.Shard(1).Pool.Capacity), "the refused start message leaked no envelope");
        });
    }

    [Test]
    public void Spawn_BeforeStartWithNoFreeSlot_ReturnsSlotsExhausted()
    {
        using var sim = Create(childSlots: 2);
        Assert.That(sim.Runtime.Spawn<Child>(0).IsOk, Is.True);
        Assert.That(sim.Runtime.Spawn<Child>(0).IsOk, Is.True);

        SpawnResult third = sim.Runtime.Spawn<Child>(0);

        Assert.Multiple(() =>
        {
            Assert.That(third.Status, Is.EqualTo(SpawnStatus.SlotsExhausted));
            Assert.That(third.Handle, Is.EqualTo(Handle.None));
            Assert.That(sim.Counter(0, ShardCounter.SpawnFailures), Is.EqualTo(1));
            Assert.That(sim.Runtime.Spawn<Child>(1).IsOk, Is.True, "slots are per shard");
        });
    }

    [Test]
    public void PostSpawn_FromOutside_SpawnsWithTheStartMessage()
    {
        using var sim = Create();
        Assert.That(sim.Runtime.PostSpawn<Child, Hello>(1, new Hello(3)), Is.EqualTo(SendResult.Ok));
        sim.RunUntilIdle();

        var children = new List<(int Shard, Handle Handle)>(Live<Child>(sim));
        Assert.That(children, Has.Count.EqualTo(1));
        Assert.That(sim.Instance<Child>(children[0].Handle).Seen, Is.EqualTo(new[] { (MessageKind.Start, Handle.None, 3) }));
    }

    [Test]
    public void Spawn_UnregisteredTypeOrAfterStart_Throws()
    {
        using var sim = Create();
        Assert.Throws<InvalidOperationException>(() => sim.Runtime.Spawn<Unregistered>(0));

        TinaSpec spec = Deterministic.Spec(shards: 1);
        spec.LogSink = new ListLogSink();
        spec.AddIsolate<Child>(slots: 2);
        using TinaRuntime runtime = TinaRuntime.Create(spec);
        runtime.Start();
        Assert.Throws<InvalidOperationException>(() => runtime.Spawn<Child>(0));
        Assert.That(runtime.Stop(TimeSpan.FromSeconds(30)), Is.True);
    }

    [Test]
    public void SpawnOn_ToAShardWhosePoolIsDownToItsReserve_UsesTheReserve()
    {
        using var sim = Create(pool: 64);
        Handle parent = sim.Spawn<Parent>(0);
        Handle sleeper = sim.Spawn<Sleeper>(1);
        Handle holder = sim.Spawn<Sleeper>(1);
        sim.Runtime.Send(sleeper, new Wait(holder));
        sim.RunUntilIdle();
        for (int i = 0; i < 64; i++)
        {
            sim.Runtime.Send(sleeper, new Filler());
            sim.RunRound();
        }

        Assert.That(sim.Shard(1).Pool.FreeCount, Is.EqualTo(sim.Shard(1).Pool.Reserve), "setup: user traffic drained shard 1's pool to its reserve");

        sim.Runtime.Send(parent, new SpawnThere(1, 4));
        sim.RunUntilIdle();

        // MessagePool: the reserve "carries system traffic (timer firings, spawn start messages arriving
        // cross-shard, call failures) when users have drained the pool".
        Assert.Multiple(() =>
        {
            Assert.That(sim.Counter(1, ShardCounter.SpawnFailures), Is.Zero);
            Assert.That(sim.Counter(1, ShardCounter.IsolatesSpawned), Is.EqualTo(3));
        });
    }
}
