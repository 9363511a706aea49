using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Tina.Hosting.Tests;

public sealed class HostedRuntimeTests
{
    public readonly record struct Hello(int Value);

    public sealed class Greeter : IIsolate
    {
        public static int Received;

        public Effect OnMessage(ref Context ctx, in Message message)
        {
            if (message.Is(out Hello hello))
            {
                if (message.Kind == MessageKind.Call)
                {
                    return ctx.Reply(new Hello(hello.Value + 1));
                }

                Interlocked.Add(ref Received, hello.Value);
            }

            return Effect.Receive;
        }
    }

    [Test]
    public async Task Host_StartsRuntime_DeliversMessages_StopsCleanly()
    {
        Handle greeter = Handle.None;
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddTina(
            spec =>
            {
                spec.ShardCount = 1;
                spec.PinThreads = false;
                spec.IdlePollTicks = 0;
                spec.AddIsolate<Greeter>(slots: 2);
            },
            runtime => greeter = runtime.Spawn<Greeter>(0).Handle);
        using IHost host = builder.Build();
        await host.StartAsync();
        TinaRuntime runtime = host.Services.GetRequiredService<TinaRuntime>();
        Assert.That(runtime.IsStarted, Is.True);
        TinaClient client = host.Services.GetRequiredService<TinaClient>();
        Assert.That(client.Send(greeter, new Hello(41)), Is.EqualTo(SendResult.Ok));
        SpinWait.SpinUntil(() => Volatile.Read(ref Greeter.Received) == 41, TimeSpan.FromSeconds(30));
        Assert.That(Volatile.Read(ref Greeter.Received), Is.EqualTo(41));
        CallAnswer answer = await client.CallAsync(greeter, new Hello(1), TimeSpan.FromSeconds(30));
        Assert.That(answer.TryGet(out Hello reply) && reply.Value == 2, Is.True, "an outside call through the injectable client");
        await host.StopAsync();
        Assert.That(runtime.Send(greeter, new Hello(1)), Is.EqualTo(SendResult.ShardUnavailable));
    }

    [Test]
    public void Host_InvalidSpec_FailsAtStartNamingTheField()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddTina(spec =>
        {
            spec.ShardCount = 0;
            spec.AddIsolate<Greeter>();
        });
        using IHost host = builder.Build();
        OptionsValidationException? error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.That(error!.Failures, Has.Some.StartsWith("Tina:ShardCount = 0: "));
    }
}
