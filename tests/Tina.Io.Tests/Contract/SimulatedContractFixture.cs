using Tina.Io.Backends.Simulated;

namespace Tina.Io.Tests.Contract;

/// <summary>
/// The contract on the simulated network, with a little delay, reordering and loss so events interleave. Each
/// fixture picks its seed and the backend features it turns on (multishot receive, multishot accept).
/// </summary>
public abstract class SimulatedContractFixture : IoContractTests
{
    protected override IoBackendKind Backend => IoBackendKind.Simulated;

    /// <summary>The network's seed.</summary>
    private protected abstract ulong Seed { get; }

    /// <summary>Turns on what the fixture tests, on top of the shared delay, reordering and loss.</summary>
    private protected virtual void Configure(SimulatedNetworkOptions options)
    {
    }

    private protected sealed override SimulatedNetwork? CreateNetwork()
    {
        var options = new SimulatedNetworkOptions
        {
            MinDelayNanoseconds = 10_000,
            MaxDelayNanoseconds = 200_000,
            ReorderPerMillion = 100_000,
            DropPerMillion = 20_000,
            ReceiveWindowBytes = 512 * 1024, // a 1 MiB send goes in parts, and two windows hold a whole echo
        };
        Configure(options);
        return new SimulatedNetwork(options, new SplitMix64(Seed));
    }

    private protected override int UnusedPort() => 4321;
}
