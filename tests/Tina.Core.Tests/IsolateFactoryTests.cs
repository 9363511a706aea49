using System;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests;

/// <summary>
/// The factory seam: a type registered with a factory is built by it once per spawn and per restart, never per
/// message; a throwing factory (or one returning null) fails that spawn as a throwing constructor does.
/// </summary>
public sealed class IsolateFactoryTests
{
    public readonly record struct Ping;

    public readonly record struct Boom;

    /// <summary>Needs a dependency, so it has no parameterless constructor.</summary>
    public sealed class Served : IIsolate
    {
        private readonly Tally _tally;

        public Served(Tally tally) => _tally = tally;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is<Boom>())
            {
                throw new InvalidOperationException("told to fail");
            }

            if (message.Is<Ping>())
            {
                _tally.Pings++;
            }

            return Effect.Receive;
        }
    }

    public sealed class Tally
    {
        public int Built;
        public int Pings;
        public int FailNext;
    }

    [Test]
    public void FactoryBuilt_OncePerSpawn_NotPerMessage()
    {
        var tally = new Tally();
        TinaSpec spec = Deterministic.Spec();
        spec.AddIsolate(() =>
        {
            tally.Built++;
            return new Served(tally);
        }, slots: 4);
        using var rig = new Deterministic(spec);
        Handle served = rig.Runtime.Spawn<Served>(0).Handle;
        for (int i = 0; i < 10; i++)
        {
            Assert.That(rig.Runtime.Send(served, new Ping()), Is.EqualTo(SendResult.Ok));
        }

        rig.RunRounds(4);
        Assert.That(tally.Pings, Is.EqualTo(10));
        Assert.That(tally.Built, Is.EqualTo(1));
    }

    [Test]
    public void FactoryBuilt_AgainOnEachSupervisedRestart()
    {
        var tally = new Tally();
        var root = new SupervisorSpec("root") { MaxRestarts = 5 };
        root.AddChild<Served>();
        TinaSpec spec = Deterministic.Spec();
        spec.Supervision = root;
        spec.AddIsolate(() =>
        {
            tally.Built++;
            return new Served(tally);
        }, slots: 4);
        using var harness = new Tina.Tests.Supervision.SupervisionHarness(spec);
        harness.Run(2);
        Assert.That(tally.Built, Is.EqualTo(1));
        harness.Runtime.Send(harness.Child("root", 0, shard: 0), new Boom());
        harness.Run(4);
        Assert.That(tally.Built, Is.EqualTo(2), "the restart built a new instance through the factory");
        Assert.That(harness.Count(ShardCounter.SupervisorRestarts), Is.EqualTo(1));
    }

    [Test]
    public void ThrowingOrNullFactory_FailsTheSpawn_WithConstructorFailed()
    {
        var tally = new Tally { FailNext = 1 };
        TinaSpec spec = Deterministic.Spec();
        spec.AddIsolate<Served>(() =>
        {
            if (tally.FailNext-- > 0)
            {
                throw new InvalidOperationException("planted factory failure");
            }

            return tally.FailNext < -1 ? null! : new Served(tally);
        }, slots: 4);
        using var rig = new Deterministic(spec);
        Assert.That(rig.Runtime.Spawn<Served>(0).Status, Is.EqualTo(SpawnStatus.ConstructorFailed));
        Assert.That(rig.Runtime.Spawn<Served>(0).Status, Is.EqualTo(SpawnStatus.Ok));
        Assert.That(rig.Runtime.Spawn<Served>(0).Status, Is.EqualTo(SpawnStatus.ConstructorFailed), "a null instance is refused");
    }
}
