using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Tina.Hosting.Tests;

/// <summary>Isolates built by the container get their singleton services; a scoped one is refused at start.</summary>
public sealed class ServiceIsolateTests
{
    public readonly record struct Add(int Amount);

    public sealed class Ledger
    {
        public int Total;
        public int Built;
    }

    public sealed class RequestScoped
    {
    }

    /// <summary>Takes a singleton and the host's logger through its constructor.</summary>
    public sealed class Accountant : IIsolate
    {
        private readonly Ledger _ledger;

        public Accountant(Ledger ledger, ILogger<Accountant> logger)
        {
            ArgumentNullException.ThrowIfNull(logger);
            _ledger = ledger;
            Interlocked.Increment(ref ledger.Built);
        }

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Add add))
            {
                Interlocked.Add(ref _ledger.Total, add.Amount);
            }

            return Effect.Receive;
        }
    }

    /// <summary>Wants a scoped service: must be refused at boot.</summary>
    public sealed class Misfit : IIsolate
    {
        public Misfit(RequestScoped scoped) => ArgumentNullException.ThrowIfNull(scoped);

        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    [Test]
    public async Task IsolateBuiltFromServices_GetsItsSingletons_OncePerSpawn()
    {
        var ledger = new Ledger();
        Handle accountant = Handle.None;
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(ledger);
        builder.Services.AddLogging();
        builder.Services.AddTina(
            (tina, services) =>
            {
                tina.ShardCount = 1;
                tina.PinThreads = false;
                tina.IdlePollTicks = 0;
                tina.AddIsolateFromServices<Accountant>(services, slots: 2);
            },
            runtime => accountant = runtime.Spawn<Accountant>(0).Handle);
        using IHost host = builder.Build();
        await host.StartAsync();
        TinaRuntime runtime = host.Services.GetRequiredService<TinaRuntime>();
        for (int i = 1; i <= 10; i++)
        {
            Assert.That(runtime.Send(accountant, new Add(i)), Is.EqualTo(SendResult.Ok));
        }

        SpinWait.SpinUntil(() => Volatile.Read(ref ledger.Total) == 55, TimeSpan.FromSeconds(30));
        await host.StopAsync();
        Assert.That(ledger.Total, Is.EqualTo(55));
        Assert.That(ledger.Built, Is.EqualTo(1), "built once for the spawn, not per message");
    }

    [Test]
    public void IsolateNeedingAScopedService_IsRefusedAtStart_NamingTypeAndParameter()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddScoped<RequestScoped>();
        builder.Services.AddTina((tina, services) =>
        {
            tina.ShardCount = 1;
            tina.PinThreads = false;
            tina.AddIsolateFromServices<Misfit>(services, slots: 2);
        });
        using IHost host = builder.Build();
        OptionsValidationException? error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.That(error!.Failures, Has.One.StartsWith("Tina:Isolates[Misfit].scoped = RequestScoped (Scoped): must be a singleton"));
    }
}
