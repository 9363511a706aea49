using System;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Tina.Hosting;

/// <summary>Registers isolate types whose constructors take services from the container.</summary>
public static class TinaSpecServiceExtensions
{
    /// <summary>
    /// Registers <typeparamref name="T"/>, built for each spawn and restart by the container: its constructor's
    /// parameters are resolved from <paramref name="services"/> then (on the shard's thread, never per message). Each
    /// parameter must be a registered singleton, checked now: a scoped or transient service, or one not registered,
    /// fails the boot with a <see cref="TinaConfigurationException"/> naming the type, the parameter and its lifetime.
    /// <c>ILogger&lt;T&gt;</c>, <see cref="IServiceProvider"/> and the host's own singletons qualify.
    /// </summary>
    /// <typeparam name="T">The isolate type (a class with one public constructor, or the one marked
    /// <see cref="ActivatorUtilitiesConstructorAttribute"/>).</typeparam>
    /// <param name="spec">The boot spec.</param>
    /// <param name="services">The container, as passed to the <c>AddTina</c> callback.</param>
    /// <param name="slots">Isolates of this type per shard.</param>
    /// <param name="mailboxCapacity">Queued user messages per isolate.</param>
    /// <param name="budgetWeight">Share of the per-tick dispatch budget.</param>
    /// <returns>The type's spec, for further settings.</returns>
    public static IsolateTypeSpec AddIsolateFromServices<T>(
        this TinaSpec spec, IServiceProvider services, int slots = 64, int mailboxCapacity = 64, int budgetWeight = 1)
        where T : class, IIsolate
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(services);
        CheckSingletons(typeof(T), services.GetRequiredService<TinaServiceDescriptors>());
        ObjectFactory<T> factory = ActivatorUtilities.CreateFactory<T>(Type.EmptyTypes);
        return spec.AddIsolate(() => factory(services, null), slots, mailboxCapacity, budgetWeight);
    }

    private static void CheckSingletons(Type type, TinaServiceDescriptors descriptors)
    {
        ConstructorInfo constructor = ChooseConstructor(type);
        foreach (ParameterInfo parameter in constructor.GetParameters())
        {
            Type needed = parameter.ParameterType;
            if (needed == typeof(IServiceProvider))
            {
                continue;
            }

            ServiceLifetime? lifetime = descriptors.LifetimeOf(needed);
            if (lifetime == ServiceLifetime.Singleton)
            {
                continue;
            }

            string field = $"{nameof(TinaSpec.Isolates)}[{type.Name}].{parameter.Name}";
            throw new TinaConfigurationException(
                field,
                lifetime is null ? $"{needed.Name} (not registered)" : $"{needed.Name} ({lifetime})",
                "must be a singleton service: an isolate lives across scopes and restarts, so scoped and transient services are refused");
        }
    }

    private static ConstructorInfo ChooseConstructor(Type type)
    {
        ConstructorInfo[] constructors = type.GetConstructors();
        foreach (ConstructorInfo candidate in constructors)
        {
            if (candidate.IsDefined(typeof(ActivatorUtilitiesConstructorAttribute), false))
            {
                return candidate;
            }
        }

        if (constructors.Length != 1)
        {
            throw new TinaConfigurationException(
                $"{nameof(TinaSpec.Isolates)}[{type.Name}]", $"{constructors.Length} public constructors",
                "must have one public constructor, or mark one with [ActivatorUtilitiesConstructor]");
        }

        return constructors[0];
    }
}
