using NUnit.Framework;
using Tina.Io.Backends.Simulated;

namespace Tina.Io.Tests.Contract;

/// <summary>The contract on the simulated network, with a little delay and reordering so events interleave.</summary>
[TestFixture]
public sealed class SimulatedContractTests : IoContractTests
{
    protected override IoBackendKind Backend => IoBackendKind.Simulated;

    private protected override SimulatedNetwork? CreateNetwork() => new(
        new SimulatedNetworkOptions
        {
            MinDelayNanoseconds = 10_000,
            MaxDelayNanoseconds = 200_000,
            ReorderPerMillion = 100_000,
            DropPerMillion = 20_000,
            ReceiveWindowBytes = 512 * 1024, // a 1 MiB send goes in parts, and two windows hold a whole echo
        },
        new SplitMix64(1234));

    private protected override int UnusedPort() => 4321;
}
