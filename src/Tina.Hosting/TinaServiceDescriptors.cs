using System;
using Microsoft.Extensions.DependencyInjection;

namespace Tina.Hosting;

/// <summary>
/// The application's service registrations, kept so an isolate type built from services can be checked at boot:
/// every constructor parameter must be a registered singleton (an isolate outlives any scope, and a transient would
/// be one more instance per restart that nothing disposes).
/// </summary>
internal sealed class TinaServiceDescriptors
{
    private readonly IServiceCollection _services;

    public TinaServiceDescriptors(IServiceCollection services) => _services = services;

    /// <summary>The lifetime the container would use for <paramref name="type"/>, or null when it is not registered.</summary>
    public ServiceLifetime? LifetimeOf(Type type)
    {
        ServiceLifetime? lifetime = null;
        for (int i = 0; i < _services.Count; i++)
        {
            ServiceDescriptor descriptor = _services[i];
            if (descriptor.IsKeyedService)
            {
                continue;
            }

            if (descriptor.ServiceType == type
                || (type.IsConstructedGenericType && descriptor.ServiceType == type.GetGenericTypeDefinition()))
            {
                // The last registration wins, as the container resolves it.
                lifetime = descriptor.Lifetime;
            }
        }

        return lifetime;
    }
}
