using System.Collections.Generic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Tina.Hosting.Tests;

/// <summary>The boot spec binds from the Tina section, code wins over it, and start fails naming every bad field.</summary>
public sealed class ConfigurationTests
{
    public sealed class Idle : IIsolate
    {
        public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive;
    }

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Test]
    public void Spec_BindsFromTheTinaSection_AndCodeWins()
    {
        HostApplicationBuilder builder = Builder(new()
        {
            ["Tina:ShardCount"] = "1",
            ["Tina:PinThreads"] = "false",
            ["Tina:RingCapacity"] = "256",
            ["Tina:TimerResolution"] = "00:00:00.002",
            ["Tina:BufferCount"] = "8",
        });
        builder.Services.AddTina(spec =>
        {
            spec.BufferCount = 16;
            spec.AddIsolate<Idle>(slots: 2);
        });
        using IHost host = builder.Build();
        TinaSpec spec = host.Services.GetRequiredService<TinaRuntimeHolder>().Spec;
        Assert.That(spec.ShardCount, Is.EqualTo(1));
        Assert.That(spec.PinThreads, Is.False);
        Assert.That(spec.RingCapacity, Is.EqualTo(256));
        Assert.That(spec.TimerResolution.TotalMilliseconds, Is.EqualTo(2));
        Assert.That(spec.BufferCount, Is.EqualTo(16), "code set it after configuration, so code wins");
        Assert.That(spec.MessagePoolCapacity, Is.EqualTo(new TinaSpec().MessagePoolCapacity), "unset fields keep the spec default");
    }

    [Test]
    public void InvalidConfiguration_FailsStart_NamingEveryBadFieldWithValueAndRange()
    {
        HostApplicationBuilder builder = Builder(new()
        {
            ["Tina:ShardCount"] = "1",
            ["Tina:PinThreads"] = "false",
            ["Tina:RingCapacity"] = "1000",
            ["Tina:BufferSize"] = "32",
            ["Tina:StallTimeout"] = "00:00:00",
            ["Tina:LogForwardCapacity"] = "3",
        });
        builder.Services.AddTina(spec => spec.AddIsolate<Idle>(slots: 2));
        using IHost host = builder.Build();
        OptionsValidationException? error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.That(error!.Failures, Has.Exactly(4).Items, string.Join("\n", error.Failures));
        Assert.That(error.Failures, Has.One.StartsWith("Tina:RingCapacity = 1000: "));
        Assert.That(error.Failures, Has.One.StartsWith("Tina:BufferSize = 32: "));
        Assert.That(error.Failures, Has.One.StartsWith("Tina:StallTimeout = 00:00:00: "));
        Assert.That(error.Failures, Has.One.StartsWith("Tina:LogForwardCapacity = 3: "));
        Assert.That(host.Services.GetRequiredService<TinaRuntimeHolder>, Throws.InstanceOf<OptionsValidationException>(),
            "no runtime is built from an invalid spec");
    }

    [Test]
    public void ValueFixedInCode_IsNotReportedAgainstConfiguration()
    {
        HostApplicationBuilder builder = Builder(new()
        {
            ["Tina:ShardCount"] = "1",
            ["Tina:PinThreads"] = "false",
            ["Tina:RingCapacity"] = "1000",
        });
        builder.Services.AddTina(spec =>
        {
            spec.RingCapacity = 512;
            spec.AddIsolate<Idle>(slots: 2);
        });
        using IHost host = builder.Build();
        Assert.That(host.Services.GetRequiredService<IOptions<TinaOptions>>().Value.RingCapacity, Is.EqualTo(1000));
        Assert.That(host.Services.GetRequiredService<TinaRuntimeHolder>().Spec.RingCapacity, Is.EqualTo(512));
    }
}
