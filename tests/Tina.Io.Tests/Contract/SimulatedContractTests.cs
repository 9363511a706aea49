using NUnit.Framework;

namespace Tina.Io.Tests.Contract;

/// <summary>The contract on the simulated network with one-shot operations only (no multishot features).</summary>
[TestFixture]
public sealed class SimulatedContractTests : SimulatedContractFixture
{
    private protected override ulong Seed => 1234;
}
