using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tina.Hosting;

/// <summary>Registers Tina in a service collection.</summary>
public static class TinaServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="TinaRuntime"/> singleton built from the spec that <paramref name="configure"/> fills in,
    /// and a hosted service that starts it with the host and stops it on shutdown. An invalid spec fails the host
    /// at start with a <see cref="TinaConfigurationException"/> naming the field.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Fills in the boot spec (shards, isolate types, capacities).</param>
    /// <param name="boot">Spawns the first isolates before the shards start; optional.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddTina(
        this IServiceCollection services,
        Action<TinaSpec> configure,
        Action<TinaRuntime>? boot = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton(provider =>
        {
            var spec = new TinaSpec();
            configure(spec);
            ILoggerFactory? loggers = provider.GetService<ILoggerFactory>();
            if (loggers is not null)
            {
                spec.LogSink = new LoggerLogSink(loggers.CreateLogger("Tina"));
            }

            TinaRuntime runtime = TinaRuntime.Create(spec);
            boot?.Invoke(runtime);
            return runtime;
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TinaHostedService>());
        return services;
    }
}
