using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

/// <summary>
/// <c>ctx.SpawnOn</c> targeting the caller's own shard runs the spawn at once: it reports the spawn's real status,
/// as <c>ctx.Spawn</c> does, rather than PoolExhausted for every failure.
/// </summary>
public sealed class SpawnOnStatusTests
{
    public readonly record struct SpawnOnShard(int Shard, bool Detailed = false);

    public readonly record struct Hello;

    /// <summary>Its constructor throws while <see cref="Failures"/> is positive.</summary>
    public sealed class Touchy : IIsolate
    {
        public static int Failures;

        public Touchy()
        {
            if (Failures > 0)
            {
                Failures--;
                throw new InvalidOperationException("touchy constructor");
            }
        }

        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    /// <summary>Calls SpawnOn on command and records both overloads' results.</summary>
    public sealed class Spawner : IIsolate
    {
        public readonly List<SendResult> Results = new();
        public readonly List<(SendResult Result, SpawnStatus Status)> Detailed = new();

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out SpawnOnShard on))
            {
                if (on.Detailed)
                {
                    SendResult result = ctx.SpawnOn<Touchy, Hello>(on.Shard, new Hello(), out SpawnStatus status);
                    Detailed.Add((result, status));
                }
                else
                {
                    Results.Add(ctx.SpawnOn<Touchy, Hello>(on.Shard, new Hello()));
                }
            }

            return Effect.Receive;
        }
    }

    private static Deterministic Create(int touchySlots)
    {
        TinaSpec spec = Deterministic.Spec(shards: 2);
        spec.AddIsolate<Spawner>(slots: 1);
        spec.AddIsolate<Touchy>(slots: touchySlots);
        return new Deterministic(spec);
    }

    [Test]
    public void SameShard_NoFreeSlot_IsNotReportedAsPoolExhausted()
    {
        using var sim = Create(touchySlots: 1);
        Handle spawner = sim.Spawn<Spawner>(0);
        sim.Runtime.Send(spawner, new SpawnOnShard(0));
        sim.Runtime.Send(spawner, new SpawnOnShard(0));
        sim.RunUntilIdle();

        Assert.That(sim.Instance<Spawner>(spawner).Results, Is.EqualTo(new[] { SendResult.Ok, SendResult.SpawnFailed }));
    }

    [Test]
    public void SameShard_ConstructorThrows_IsNotReportedAsPoolExhausted()
    {
        Touchy.Failures = 1;
        using var sim = Create(touchySlots: 2);
        Handle spawner = sim.Spawn<Spawner>(0);
        sim.Runtime.Send(spawner, new SpawnOnShard(0));
        sim.RunUntilIdle();
        Touchy.Failures = 0;

        Assert.That(sim.Instance<Spawner>(spawner).Results, Is.EqualTo(new[] { SendResult.SpawnFailed }));
    }

    [Test]
    public void SameShard_DetailedOverload_ReportsTheRealSpawnStatus()
    {
        using var sim = Create(touchySlots: 1);
        Handle spawner = sim.Spawn<Spawner>(0);
        Touchy.Failures = 1;
        sim.Runtime.Send(spawner, new SpawnOnShard(0, Detailed: true)); // constructor throws
        sim.RunUntilIdle();
        Touchy.Failures = 0;
        sim.Runtime.Send(spawner, new SpawnOnShard(0, Detailed: true)); // spawned
        sim.Runtime.Send(spawner, new SpawnOnShard(0, Detailed: true)); // its one slot is taken
        sim.Runtime.Send(spawner, new SpawnOnShard(1, Detailed: true)); // another shard: a request
        sim.RunUntilIdle();

        Assert.Multiple(() =>
        {
            Assert.That(
                sim.Instance<Spawner>(spawner).Detailed,
                Is.EqualTo(new[]
                {
                    (SendResult.SpawnFailed, SpawnStatus.ConstructorFailed),
                    (SendResult.Ok, SpawnStatus.Ok),
                    (SendResult.SpawnFailed, SpawnStatus.SlotsExhausted),
                    (SendResult.Ok, SpawnStatus.Requested),
                }));
            Assert.That(sim.Counter(1, ShardCounter.IsolatesSpawned), Is.EqualTo(1), "the request spawned on shard 1");
        });
    }
}
