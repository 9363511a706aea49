using System;
using System.Threading.Tasks;
using Ingress;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace Tina.Ingress.Tests;

/// <summary>GET /work, the overload benchmark's route: a fixed CPU cost per request, its setting checked at boot.</summary>
[NonParallelizable]
public sealed class WorkRouteTests
{
    [Test]
    public async Task Work_IsAnsweredByItsHandlerIsolate()
    {
        using IHost host = IngressHost.Build(["--urls", "http://127.0.0.1:0", "--Tina:ShardCount=1", "--Tina:PinThreads=false", "--Ingress:WorkMicroseconds=50"]);
        await host.StartAsync();
        try
        {
            var server = host.Services.GetRequiredService<IngressServer>().Server;
            HttpAnswer work = HttpProbe.Get(server.ListeningPort(0), "/work");
            Assert.That(work.Status, Is.EqualTo(200));
            Assert.That(work.Body, Is.EqualTo("done"));
            Assert.That(server.Counter(0, Tina.Http.Server.HttpServerCounter.HandlerCalls), Is.EqualTo(1));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [TestCase(0)]
    [TestCase(1_000_001)]
    public void AWorkCostOutOfRange_FailsNamingTheField(int microseconds)
    {
        var error = Assert.Throws<TinaConfigurationException>(() => _ = new IngressServer(new IngressOptions { WorkMicroseconds = microseconds }));
        Assert.That(error!.Message, Does.Contain("Ingress:WorkMicroseconds"));
    }
}
