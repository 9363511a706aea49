using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tina.Hosting;

namespace TinaIngress;

/// <summary>Builds the ingress host: configuration, Tina with the HTTP server, the shard health check.</summary>
public static class IngressHost
{
    /// <summary>
    /// Builds the host from appsettings.json (beside the binary), environment variables and <paramref name="args"/>
    /// (<c>--Ingress:Port=8080</c>, <c>--Tina:ShardCount=1</c>...).
    /// </summary>
    public static IHost Build(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        IngressOptions options = builder.Configuration.GetSection(IngressOptions.SectionName).Get<IngressOptions>() ?? new IngressOptions();

        var ingress = new IngressServer(options);
        builder.Services.AddSingleton(ingress);
        builder.Services.AddTina(ingress.Configure, boot: ingress.Start);
        builder.Services.AddHealthChecks().AddTinaShards();

        // Started after Tina (registered after AddTina), stopped before it.
        builder.Services.AddHostedService<IngressStartup>();
        return builder.Build();
    }
}
