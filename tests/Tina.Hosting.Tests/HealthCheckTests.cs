using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace Tina.Hosting.Tests;

/// <summary>The health check is Degraded on a stalled shard and Unhealthy on a quarantined one, naming it.</summary>
public sealed class HealthCheckTests
{
    public readonly record struct Block;

    /// <summary>Blocks its shard's thread until the test releases it (a stuck handler, on purpose).</summary>
    public sealed class Staller : IIsolate
    {
        public static readonly ManualResetEventSlim Release = new(false);

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Block _))
            {
                Release.Wait(TimeSpan.FromSeconds(60));
            }

            return Effect.Receive;
        }
    }

    /// <summary>A supervised child whose constructor throws: its supervisor (budget 0) escalates at once.</summary>
    public sealed class Doomed : IIsolate
    {
        public Doomed() => throw new InvalidOperationException("planted constructor failure");

        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    private static async Task<HealthReport> Check(IHost host)
    {
        HealthCheckService service = host.Services.GetRequiredService<HealthCheckService>();
        return await service.CheckHealthAsync();
    }

    [Test]
    public async Task StalledShard_IsDegraded_ThenHealthyAgain()
    {
        Handle staller = Handle.None;
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddTina(
            spec =>
            {
                spec.ShardCount = 2;
                spec.PinThreads = false;
                spec.IdlePollTicks = 0;
                spec.WatchdogInterval = TimeSpan.FromMilliseconds(10);
                spec.StallTimeout = TimeSpan.FromMilliseconds(50);
                spec.AddIsolate<Staller>(slots: 1);
            },
            runtime => staller = runtime.Spawn<Staller>(1).Handle);
        builder.Services.AddHealthChecks().AddTinaShards();
        using IHost host = builder.Build();
        await host.StartAsync();
        TinaRuntime runtime = host.Services.GetRequiredService<TinaRuntime>();
        Assert.That((await Check(host)).Status, Is.EqualTo(HealthStatus.Healthy));

        Staller.Release.Reset();
        Assert.That(runtime.Send(staller, new Block()), Is.EqualTo(SendResult.Ok));
        bool stalled = SpinWait.SpinUntil(() => runtime.GetHealth(1) == ShardHealth.Stalled, TimeSpan.FromSeconds(30));
        HealthReport report = await Check(host);
        Staller.Release.Set();
        Assert.That(stalled, Is.True);
        Assert.That(report.Status, Is.EqualTo(HealthStatus.Degraded));
        HealthReportEntry entry = report.Entries["tina"];
        Assert.That(entry.Data["shard.1"], Is.EqualTo("Stalled"));
        Assert.That(entry.Data["shard.0"], Is.EqualTo("Healthy"));
        Assert.That(entry.Description, Does.Contain("shard 1 stalled"));

        SpinWait.SpinUntil(() => runtime.GetHealth(1) == ShardHealth.Healthy, TimeSpan.FromSeconds(30));
        Assert.That((await Check(host)).Status, Is.EqualTo(HealthStatus.Healthy));
        await host.StopAsync();
    }

    [Test]
    public async Task QuarantinedShard_IsUnhealthy()
    {
        var root = new SupervisorSpec("root") { MaxRestarts = 0 };
        root.AddChild<Doomed>();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddTina(spec =>
        {
            spec.ShardCount = 1;
            spec.PinThreads = false;
            spec.IdlePollTicks = 0;
            spec.ShardRebuildMax = 0;
            spec.Supervision = root;
            spec.AddIsolate<Doomed>(slots: 1);
        });
        builder.Services.AddHealthChecks().AddTinaShards();
        using IHost host = builder.Build();

        // The tree cannot start: host start may already see the quarantine (then it fails, naming the shard), or the
        // quarantine lands just after; either way the check must report it Unhealthy.
        try
        {
            await host.StartAsync();
        }
        catch (InvalidOperationException error)
        {
            Assert.That(error.Message, Does.Contain("shard 0 was quarantined while starting"));
        }

        TinaRuntime runtime = host.Services.GetRequiredService<TinaRuntime>();
        bool quarantined = SpinWait.SpinUntil(() => runtime.GetHealth(0) == ShardHealth.Quarantined, TimeSpan.FromSeconds(30));
        Assert.That(quarantined, Is.True);
        HealthReport report = await Check(host);
        Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));
        Assert.That(report.Entries["tina"].Data["shard.0"], Is.EqualTo("Quarantined"));
        await host.StopAsync();
    }
}
