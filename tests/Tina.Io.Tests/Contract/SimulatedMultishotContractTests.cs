using NUnit.Framework;
using Tina.Io.Backends.Simulated;

namespace Tina.Io.Tests.Contract;

/// <summary>
/// The contract on the simulated network with multishot receive on: every Receive is served from a provided-buffer
/// arm (a small ring, so pauses, ENOBUFS and the one-shot fallback happen too), under the same delay, reordering
/// and loss as <see cref="SimulatedContractTests"/>.
/// </summary>
[TestFixture]
public sealed class SimulatedMultishotContractTests : SimulatedContractFixture
{
    private protected override ulong Seed => 4321;

    private protected override void Configure(SimulatedNetworkOptions options)
    {
        options.ProvidedBufferCount = 8;
        options.ProvidedBufferSize = 4096;
    }

    [Test]
    public void Receive_IsServedByMultishotArms()
    {
        using Support.IoHarness harness = Create(AddEchoTypes);
        StartServer(harness);
        harness.Runtime.Spawn<Support.EchoClient, Support.ClientStart>(
            0, new Support.ClientStart { Address = IoAddress.Loopback, Port = Support.Probe.ListenPort, Messages = 10, Size = 10_000, Seed = 5 });
        Assert.That(harness.RunUntil(() => Support.Probe.ClientsDone == 1 || Support.Probe.Errors.Count > 0), Is.True);
        Assert.That(Support.Probe.Errors, Is.Empty);
        Assert.That(harness.Reactor().UsesMultishotReceive, Is.True);
        Assert.That(harness.Runtime.GetIoStats(0)[IoCounter.ReceiveArms], Is.GreaterThanOrEqualTo(2));
    }
}
