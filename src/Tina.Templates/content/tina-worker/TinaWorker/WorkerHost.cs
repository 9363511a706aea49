using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tina;
using Tina.Hosting;

namespace TinaWorker;

/// <summary>Builds the worker's host: configuration, Tina with its supervision tree, the shard health check.</summary>
public static class WorkerHost
{
    /// <summary>
    /// Builds the host from appsettings.json (beside the binary), environment variables and <paramref name="args"/>
    /// (<c>--Tina:ShardCount=1</c>, <c>--Heartbeat:Interval=00:00:05</c>...).
    /// </summary>
    public static IHost Build(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        HeartbeatOptions heartbeat = builder.Configuration.GetSection(HeartbeatOptions.SectionName).Get<HeartbeatOptions>() ?? new HeartbeatOptions();

        builder.Services.AddTina(tina =>
        {
            tina.AddIsolate<Heartbeat>(slots: 4);

            // Every shard runs this tree. A Heartbeat that crashes is restarted with its start message again; more
            // than three restarts in ten seconds escalate (the shard is rebuilt, then quarantined).
            var root = new SupervisorSpec("worker") { MaxRestarts = 3, RestartWindow = TimeSpan.FromSeconds(10) };
            root.AddChild<Heartbeat, Begin>(new Begin(heartbeat.Interval));
            tina.Supervision = root;
        });
        builder.Services.AddHealthChecks().AddTinaShards();
        return builder.Build();
    }
}
