using System;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tina.Hosting;

/// <summary>Registers Tina in a service collection.</summary>
public static class TinaServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="TinaRuntime"/> singleton and a hosted service that starts it with the host and drains it on
    /// shutdown. The boot spec comes from the <c>Tina</c> configuration section (<see cref="TinaOptions"/>), then from
    /// <paramref name="configure"/>, so code wins. The composed spec is validated when the host starts: an invalid one
    /// stops the host with an <see cref="OptionsValidationException"/> naming every bad field, its value and the
    /// allowed range. Also registers <see cref="TinaMetrics"/> (the <c>Tina</c> meter), <see cref="TinaHealthCheck"/>,
    /// <see cref="TinaTaskBridge"/> (bounds from <c>Tina:Bridge</c>)
    /// and, when the container has logging, a <see cref="TinaLogForwarder"/> so no shard calls ILogger.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Registers isolate types and the supervision tree; may set any spec field.</param>
    /// <param name="boot">Spawns the first isolates when the host starts, just before the shards do; optional.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddTina(
        this IServiceCollection services,
        Action<TinaSpec> configure,
        Action<TinaRuntime>? boot = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddTina((spec, _) => configure(spec), boot);
    }

    /// <summary>
    /// As <see cref="AddTina(IServiceCollection, Action{TinaSpec}, Action{TinaRuntime})"/>, with the container passed
    /// to <paramref name="configure"/> so isolate types can be built from services
    /// (<see cref="TinaSpecServiceExtensions.AddIsolateFromServices{T}"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Registers isolate types and the supervision tree; may set any spec field.</param>
    /// <param name="boot">Spawns the first isolates before the shards start; optional.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddTina(
        this IServiceCollection services,
        Action<TinaSpec, IServiceProvider> configure,
        Action<TinaRuntime>? boot = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        foreach (ServiceDescriptor existing in services)
        {
            if (existing.ServiceType == typeof(TinaServiceDescriptors))
            {
                throw new InvalidOperationException("AddTina was already called on this service collection: one host runs one Tina runtime.");
            }
        }

        var composer = new TinaSpecComposer(configure);
        services.AddSingleton(new TinaServiceDescriptors(services));
        services.AddOptions<TinaOptions>().BindConfiguration(TinaOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TinaOptions>>(provider => new TinaOptionsValidator(composer, provider));
        services.TryAddSingleton(provider => new TinaRuntimeHolder(
            composer,
            provider,
            provider.GetRequiredService<IOptions<TinaOptions>>(),
            boot,
            provider.GetService<ILoggerFactory>(),
            provider.GetService<IMeterFactory>()));
        services.TryAddSingleton(provider => provider.GetRequiredService<TinaRuntimeHolder>().Runtime);
        services.TryAddSingleton(provider => provider.GetRequiredService<TinaRuntimeHolder>().Metrics);
        services.TryAddSingleton<TinaHealthCheck>();
        services.TryAddSingleton<TinaClient>();
        services.AddOptions<TinaTaskBridgeOptions>().BindConfiguration(TinaTaskBridgeOptions.SectionName);
        services.TryAddSingleton(provider => new TinaTaskBridge(
            provider.GetRequiredService<TinaRuntime>(), provider.GetRequiredService<IOptions<TinaTaskBridgeOptions>>().Value));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TinaHostedService>());
        return services;
    }
}
