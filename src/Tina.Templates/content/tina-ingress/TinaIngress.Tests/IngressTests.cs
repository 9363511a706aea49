using System;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;
using TinaIngress;

namespace TinaIngress.Tests;

/// <summary>The ingress host in this process, one shard, on a free loopback port (hosts run one at a time).</summary>
[NonParallelizable]
public sealed class IngressTests
{
    private static readonly string[] s_args =
    [
        "--Ingress:Address=127.0.0.1",
        "--Ingress:Port=0",
        "--Tina:ShardCount=1",
        "--Tina:PinThreads=false",
    ];

    [Test]
    [CancelAfter(60_000)]
    public async Task Plaintext_AndHealthz_Answer200(CancellationToken cancellationToken)
    {
        using IHost host = IngressHost.Build(s_args);
        await host.StartAsync(cancellationToken);
        try
        {
            int port = host.Services.GetRequiredService<IngressServer>().Server.ListeningPort(0);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

            using HttpResponseMessage plain = await client.GetAsync(new Uri("/plaintext", UriKind.Relative), cancellationToken);
            Assert.That(plain.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await plain.Content.ReadAsStringAsync(cancellationToken), Is.EqualTo("Hello, World!"));

            using HttpResponseMessage health = await client.GetAsync(new Uri("/healthz", UriKind.Relative), cancellationToken);
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        finally
        {
            await host.StopAsync(cancellationToken);
        }
    }
}
