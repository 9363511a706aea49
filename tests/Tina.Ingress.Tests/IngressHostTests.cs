using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ingress;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NUnit.Framework;

namespace Tina.Ingress.Tests;

/// <summary>The sample's host in this process, one shard, an ephemeral port (hosts run one at a time: NonParallelizable).</summary>
[NonParallelizable]
public sealed class IngressHostTests
{
    private static readonly string[] s_args =
    [
        "--urls", "http://127.0.0.1:0",
        "--Tina:ShardCount=1",
        "--Tina:PinThreads=false",
        "--Ingress:TelemetryInterval=01:00:00", // published at start and by the test only: no snapshot races a request
        "--Ingress:DrainTimeout=00:00:30",
    ];

    [Test]
    public async Task Plaintext_AndJson_AreAnsweredByHandlerIsolates_WithTheirBodiesAndContentTypes()
    {
        using IHost host = IngressHost.Build(s_args);
        await host.StartAsync();
        try
        {
            int port = PortOf(host);
            HttpAnswer plain = HttpProbe.Get(port, "/plaintext");
            Assert.That(plain.Status, Is.EqualTo(200));
            Assert.That(plain.Body, Is.EqualTo("Hello, World!"));
            Assert.That(plain.Headers["Content-Type"], Is.EqualTo("text/plain"));
            Assert.That(plain.Headers["Content-Length"], Is.EqualTo("13"));
            Assert.That(plain.Headers.ContainsKey("Date"), Is.True);

            HttpAnswer json = HttpProbe.Get(port, "/json");
            Assert.That(json.Status, Is.EqualTo(200));
            Assert.That(json.Body, Is.EqualTo("{\"message\":\"Hello, World!\"}"));
            Assert.That(json.Headers["Content-Type"], Is.EqualTo("application/json"));

            // Both went through handler calls, not static routes.
            var server = host.Services.GetRequiredService<IngressServer>().Server;
            Assert.That(server.Counter(0, Tina.Http.Server.HttpServerCounter.HandlerCalls), Is.EqualTo(2));
            Assert.That(server.Counter(0, Tina.Http.Server.HttpServerCounter.InlineResponses), Is.Zero);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public async Task Healthz_AnswersFromTheHealthCheck_AndMetricsShowTheTinaMeterAndServerCounters()
    {
        using IHost host = IngressHost.Build(s_args);
        await host.StartAsync();
        try
        {
            int port = PortOf(host);
            HttpAnswer health = HttpProbe.Get(port, "/healthz");
            Assert.That(health.Status, Is.EqualTo(200), health.Body);
            Assert.That(health.Body, Is.EqualTo("healthy\n"));

            Assert.That(HttpProbe.Get(port, "/plaintext").Status, Is.EqualTo(200));
            await host.Services.GetServices<IHostedService>().OfType<IngressTelemetry>().Single().PublishAsync(CancellationToken.None);
            HttpAnswer metrics = HttpProbe.Get(port, "/metrics");
            Assert.That(metrics.Status, Is.EqualTo(200));
            Assert.That(metrics.Body, Does.Contain("tina.messages.dispatched{tina.shard=0} "));
            Assert.That(metrics.Body, Does.Contain("tina.io.connections.opened{tina.shard=0} "));
            // Requests before the snapshot: /healthz, /plaintext (the /metrics request itself is counted after it).
            Assert.That(metrics.Body, Does.Contain("http.server.HandlerCalls{tina.shard=0} 2\n"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Test]
    public async Task Stop_TurnsHealthToDraining_ClosesTheListener_AndARequestInFlightCompletes_BeforeTheHostStops()
    {
        // A drain delay long enough for /healthz to be probed on fresh connections before the listener closes.
        using IHost host = IngressHost.Build([.. s_args, "--Ingress:DrainDelay=00:00:03"]);
        await host.StartAsync();
        int port = PortOf(host);
        IngressServer ingress = host.Services.GetRequiredService<IngressServer>();
        using var inFlight = new HttpProbe(port);
        inFlight.Write("GET /plaintext HTTP/1.1\r\nHost: test\r\n"); // head not finished: the request is in flight
        WaitUntilOpen(host, 1);

        Task stopping = host.StopAsync();
        HttpAnswer health = WaitForHealth(port, 503);
        Assert.That(health.Body, Is.EqualTo("draining\n"));

        // After the drain delay the server drains: its listener closes, and a new connect is refused.
        for (int i = 0; i < 2_000 && ingress.Server.ListeningPort(0) != 0; i++)
        {
            Thread.Sleep(5);
        }

        Assert.That(ingress.Server.ListeningPort(0), Is.Zero, "the listener closed after the drain delay");
        Assert.That(HttpProbe.ConnectIsRefused(port), Is.True, "new connections are refused while draining");
        Assert.That(stopping.IsCompleted, Is.False, "the host waits while a request is in flight");

        inFlight.Write("\r\n");
        HttpAnswer answer = inFlight.Read();
        Assert.That(answer.Status, Is.EqualTo(200));
        Assert.That(answer.Body, Is.EqualTo("Hello, World!"));
        Assert.That(answer.Headers["Connection"], Is.EqualTo("close"), "the last response of a draining server");
        Assert.That(inFlight.SeesEndOfStream(), Is.True, "the server closes the connection after it");
        Assert.That(await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(30))), Is.SameAs(stopping), "the host stopped once the connection closed");
        await stopping;
    }

    private static int PortOf(IHost host) => host.Services.GetRequiredService<IngressServer>().Server.ListeningPort(0);

    private static void WaitUntilOpen(IHost host, long connections)
    {
        IngressServer ingress = host.Services.GetRequiredService<IngressServer>();
        for (int i = 0; i < 10_000 && ingress.OpenConnections(1) < connections; i++)
        {
            Thread.Sleep(1);
        }

        Assert.That(ingress.OpenConnections(1), Is.EqualTo(connections));
    }

    // The drain flag is set by the stopping host on another thread: poll /healthz (bounded) until it shows.
    private static HttpAnswer WaitForHealth(int port, int status)
    {
        HttpAnswer last = HttpProbe.Get(port, "/healthz");
        for (int i = 0; i < 1_000 && last.Status != status; i++)
        {
            Thread.Sleep(5);
            last = HttpProbe.Get(port, "/healthz");
        }

        Assert.That(last.Status, Is.EqualTo(status), last.Body);
        return last;
    }
}
