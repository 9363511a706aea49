using System;
using System.Threading;
using System.Threading.Tasks;
using HostedWorker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tina;
using Tina.Hosting;

// A generic-host worker: the spec comes from appsettings.json (section Tina), each shard runs a supervision tree with
// one Poller built by the container, and the pollers fetch through the bridge out. The sample stops itself when every
// poller has made its rounds (or on Ctrl-C / SIGTERM, which drain the shards).
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.Configure<PollerOptions>(builder.Configuration.GetSection("Poller"));
builder.Services.AddSingleton<Quotes>();
builder.Services.AddTina((tina, services) =>
{
    tina.AddIsolateFromServices<Poller>(services, slots: 4);
    var root = new SupervisorSpec("pollers") { MaxRestarts = 3, RestartWindow = TimeSpan.FromSeconds(10) };
    root.AddChild<Poller, Begin>(new Begin());
    tina.Supervision = root;
});
builder.Services.AddHostedService<StopWhenTinaAsks>();
using IHost host = builder.Build();
Quotes quotes = host.Services.GetRequiredService<Quotes>();
await host.RunAsync().ConfigureAwait(false);
Console.WriteLine($"HostedWorker: {quotes.Calls} fetches through the bridge; exit 0");

/// <summary>Stops the host when an isolate calls ctx.RequestStop().</summary>
internal sealed class StopWhenTinaAsks(TinaRuntime runtime, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (runtime.WaitForStopRequest(TimeSpan.Zero))
            {
                lifetime.StopApplication();
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), stoppingToken).ConfigureAwait(false);
        }
    }
}
