using System;
using NUnit.Framework;

namespace Tina.Tests.Supervision;

/// <summary>Supervision fields of the boot spec are validated with field-named errors; groups bound their children.</summary>
public sealed class SupervisionSpecTests
{
    public sealed class Unregistered : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    private static TinaSpec With(SupervisorSpec root)
    {
        var spec = new TinaSpec { ShardCount = 1, Supervision = root };
        spec.AddIsolate<Child>();
        return spec;
    }

    [Test]
    public void Validate_DuplicateGroupName_NamesTheField()
    {
        var root = new SupervisorSpec("a");
        root.AddGroup(new SupervisorSpec("a"));
        var error = Assert.Throws<TinaConfigurationException>(() => With(root).Validate());
        Assert.That(error!.Field, Is.EqualTo("Supervision.Children[0].Group.Name"));
    }

    [Test]
    public void Validate_DynamicChildrenOnOneForAll_Refused()
    {
        var root = new SupervisorSpec("root", SupervisionStrategy.OneForAll) { MaxDynamicChildren = 4 };
        var error = Assert.Throws<TinaConfigurationException>(() => With(root).Validate());
        Assert.That(error!.Field, Is.EqualTo("Supervision.MaxDynamicChildren"));
    }

    [TestCase(-1)]
    [TestCase(1001)]
    public void Validate_MaxRestartsOutOfRange_Refused(int value)
    {
        var root = new SupervisorSpec("root") { MaxRestarts = value };
        var error = Assert.Throws<TinaConfigurationException>(() => With(root).Validate());
        Assert.That(error!.Field, Is.EqualTo("Supervision.MaxRestarts"));
        Assert.That(error.Message, Does.Contain(value.ToString(System.Globalization.CultureInfo.InvariantCulture)).And.Contain("0..1000"));
    }

    [Test]
    public void Validate_RestartWindowZero_Refused()
    {
        var root = new SupervisorSpec("root") { RestartWindow = TimeSpan.Zero };
        var error = Assert.Throws<TinaConfigurationException>(() => With(root).Validate());
        Assert.That(error!.Field, Is.EqualTo("Supervision.RestartWindow"));
    }

    [Test]
    public void Validate_UnregisteredChildType_Refused()
    {
        var root = new SupervisorSpec("root");
        root.AddChild<Unregistered>();
        var error = Assert.Throws<TinaConfigurationException>(() => With(root).Validate());
        Assert.That(error!.Field, Is.EqualTo("Supervision.Children[0]"));
    }

    [TestCase(nameof(TinaSpec.ShardRebuildMax))]
    [TestCase(nameof(TinaSpec.ShardRebuildWindow))]
    [TestCase(nameof(TinaSpec.WatchCapacity))]
    [TestCase(nameof(TinaSpec.CancelDrainBudget))]
    [TestCase(nameof(TinaSpec.WatchdogInterval))]
    [TestCase(nameof(TinaSpec.StallTimeout))]
    public void Validate_SupervisionRuntimeFields_NameTheField(string field)
    {
        var spec = new TinaSpec { ShardCount = 1 };
        spec.AddIsolate<Child>();
        switch (field)
        {
            case nameof(TinaSpec.ShardRebuildMax): spec.ShardRebuildMax = -1; break;
            case nameof(TinaSpec.ShardRebuildWindow): spec.ShardRebuildWindow = TimeSpan.Zero; break;
            case nameof(TinaSpec.WatchCapacity): spec.WatchCapacity = -1; break;
            case nameof(TinaSpec.CancelDrainBudget): spec.CancelDrainBudget = TimeSpan.FromHours(2); break;
            case nameof(TinaSpec.WatchdogInterval): spec.WatchdogInterval = TimeSpan.FromMilliseconds(1); break;
            default: spec.StallTimeout = TimeSpan.Zero; break;
        }

        var error = Assert.Throws<TinaConfigurationException>(() => spec.Validate());
        Assert.That(error!.Field, Is.EqualTo(field));
    }

    public readonly record struct Fill(int Count);

    public sealed class Spawner : IIsolate
    {
        public static SpawnStatus Last;
        public static int Ok;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Fill fill))
            {
                for (int i = 0; i < fill.Count; i++)
                {
                    SpawnResult result = ctx.SpawnChild<Child>("pool", RestartType.Transient);
                    Last = result.Status;
                    Ok += result.IsOk ? 1 : 0;
                }

                Last = ctx.SpawnChild<Child>("missing").Status == SpawnStatus.UnknownGroup ? Last : (SpawnStatus)255;
            }

            return Effect.Receive;
        }
    }

    [Test]
    public void SpawnChild_IntoAFullGroup_IsAResultNotAnException()
    {
        var root = new SupervisorSpec("pool") { MaxDynamicChildren = 3 };
        var spec = new TinaSpec { ShardCount = 1, Supervision = root };
        spec.AddIsolate<Child>(slots: 8);
        spec.AddIsolate<Spawner>(slots: 1);
        using var harness = new SupervisionHarness(spec);
        Spawner.Ok = 0;
        Handle spawner = harness.Runtime.Spawn<Spawner>(0).Handle;
        harness.Runtime.Send(spawner, new Fill(5));
        harness.Run(3);
        Assert.That(Spawner.Ok, Is.EqualTo(3));
        Assert.That(Spawner.Last, Is.EqualTo(SpawnStatus.GroupFull));

        // A transient dynamic child that exits normally frees its place in the group.
        harness.Runtime.Send(harness.Child("pool", 0), new ExitWith(0));
        harness.Run(3);
        harness.Runtime.Send(spawner, new Fill(1));
        harness.Run(3);
        Assert.That(Spawner.Ok, Is.EqualTo(4));
    }
}
