using System;
using Tina.Io.Backends.Simulated;
using Tina.Io.Reactor;

namespace Tina.Io;

/// <summary>Turns socket I/O on for a runtime.</summary>
public static class IoSpecExtensions
{
    /// <summary>
    /// Gives every shard of the runtime built from <paramref name="spec"/> an I/O reactor with
    /// <paramref name="options"/> (defaults when null). The options are validated and copied now; changing them
    /// afterwards has no effect. Each shard creates its reactor on its own thread when it starts and logs, at
    /// Information, which backend it runs and with which features.
    /// </summary>
    /// <exception cref="TinaConfigurationException">An option is invalid, or the backend asked for cannot run here.</exception>
    public static TinaSpec UseIo(this TinaSpec spec, IoOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        IoOptions frozen = (options ?? new IoOptions()).Clone();
        frozen.Validate();
        BackendSelector.CheckSupported(frozen.Backend);
        if (frozen.Backend == IoBackendKind.Simulated && frozen.Network is null)
        {
            var network = new SimulatedNetworkOptions
            {
                ProvidedBufferCount = frozen.ReceiveBufferCount,
                ProvidedBufferSize = frozen.ReceiveBufferSize,
            };
            frozen.Network = new SimulatedNetwork(network, new SplitMix64(frozen.SimulationSeed));
        }

        spec.UseReactor(host => BackendSelector.CreateReactor(host, frozen), BackendSelector.Describe(frozen));
        return spec;
    }
}
