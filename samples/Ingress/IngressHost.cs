using System;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tina.Hosting;

namespace Ingress;

/// <summary>Builds the ingress host: configuration, Tina with the HTTP server, health checks, telemetry, drain.</summary>
public static class IngressHost
{
    /// <summary>
    /// Builds the host from appsettings.json (next to the binary), environment variables and <paramref name="args"/>
    /// (<c>--urls http://HOST:PORT</c>, <c>--Tina:ShardCount=1</c>, <c>--Ingress:DrainDelay=00:00:05</c>...).
    /// </summary>
    public static IHost Build(string[] args)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory, // appsettings.json beside the binary, whatever the working directory
        });
        IngressOptions options = builder.Configuration.GetSection(IngressOptions.SectionName).Get<IngressOptions>() ?? new IngressOptions();
        ApplyUrls(builder.Configuration["urls"], options);
        builder.Services.AddSingleton(Options.Create(options));

        var state = new IngressState();
        IngressState.Current = state;
        var ingress = new IngressServer(options);
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(ingress);
        builder.Services.AddTina(ingress.Configure, boot: ingress.Start);
        builder.Services.AddHealthChecks().AddTinaShards();

        // The host's stop budget covers the drain, then Tina's own shutdown (90 % of what remains is its budget).
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainDelay + options.DrainTimeout + TimeSpan.FromSeconds(10));

        // Order matters: started in this order after Tina, stopped in reverse (the drain first, Tina last).
        builder.Services.AddHostedService<IngressStartup>();
        builder.Services.AddHostedService<IngressTelemetry>();
        builder.Services.AddHostedService<IngressDrain>();
        return builder.Build();
    }

    /// <summary>Takes address and port from the first of ';'-separated URLs (<c>http://127.0.0.1:8080</c>, <c>http://*:80</c>).</summary>
    public static void ApplyUrls(string? urls, IngressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(urls))
        {
            return;
        }

        string first = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
        string wildcardFree = first.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(wildcardFree, UriKind.Absolute, out Uri? uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"--urls: '{first}' is not an http://HOST:PORT URL (https is not served).", nameof(urls));
        }

        options.Address = uri.Host == "localhost" ? "127.0.0.1" : uri.Host.Trim('[', ']');
        options.Port = uri.Port;
    }
}
