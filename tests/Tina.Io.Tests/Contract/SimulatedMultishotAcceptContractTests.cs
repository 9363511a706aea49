using NUnit.Framework;
using Tina.Io.Backends.Simulated;

namespace Tina.Io.Tests.Contract;

/// <summary>
/// The contract on the simulated network with multishot accept on (and multishot receive, on a small ring): every
/// Accept is served by the listener's one multishot accept arm through the reactor's queue, re-arm and back-off
/// logic, under the same delay, reordering and loss as <see cref="SimulatedContractTests"/>.
/// </summary>
[TestFixture]
public sealed class SimulatedMultishotAcceptContractTests : SimulatedContractFixture
{
    private protected override ulong Seed => 5678;

    private protected override void Configure(SimulatedNetworkOptions options)
    {
        options.ProvidedBufferCount = 8;
        options.ProvidedBufferSize = 4096;
        options.MultishotAccept = true;
    }

    [Test]
    public void Accept_IsServedByTheMultishotArm()
    {
        using Support.IoHarness harness = Create(AddEchoTypes);
        StartServer(harness);
        for (int i = 0; i < 6; i++)
        {
            harness.Runtime.Spawn<Support.EchoClient, Support.ClientStart>(
                0, new Support.ClientStart { Address = IoAddress.Loopback, Port = Support.Probe.ListenPort, Messages = 3, Size = 500, Seed = i });
        }

        Assert.That(harness.RunUntil(() => Support.Probe.ClientsDone == 6 || Support.Probe.Errors.Count > 0), Is.True);
        Assert.That(Support.Probe.Errors, Is.Empty);
        Assert.That(harness.Reactor().UsesMultishotAccept, Is.True);
        Assert.That(harness.Reactor().UsesMultishotReceive, Is.True);
        Assert.That(Support.Probe.Accepted, Is.EqualTo(6));
        Assert.That(harness.RunUntil(() => Support.Probe.ServerConnectionsClosed == 6, maxRounds: 100_000), Is.True);
        harness.Run(4);
        AssertNothingLeaked(harness);
    }

    [Test]
    public void Accept_EmfileEndsTheArm_TheReactorBacksOff_AndEveryClientIsServed()
    {
        var options = new IoOptions { AcceptBackoff = System.TimeSpan.FromMilliseconds(2) };
        using Support.IoHarness harness = Create(AddEchoTypes, options);
        StartServer(harness);
        harness.Network!.Options.AcceptEmfilePerMillion = 500_000; // read live: half the connections end the arm first
        for (int i = 0; i < 8; i++)
        {
            harness.Runtime.Spawn<Support.EchoClient, Support.ClientStart>(
                0, new Support.ClientStart { Address = IoAddress.Loopback, Port = Support.Probe.ListenPort, Messages = 2, Size = 300, Seed = i });
        }

        Assert.That(harness.RunUntil(() => Support.Probe.ClientsDone == 8 || Support.Probe.Errors.Count > 0), Is.True);
        Assert.That(Support.Probe.Errors, Is.Empty);
        Assert.That(Support.Probe.Accepted, Is.EqualTo(8), "every connection waited in the backlog through the pauses");
        Assert.That(harness.Runtime.GetIoStats(0)[IoCounter.AcceptBackoffs], Is.Positive, "EMFILE paused the accept");
        harness.Network.Options.AcceptEmfilePerMillion = 0;
        Assert.That(harness.RunUntil(() => Support.Probe.ServerConnectionsClosed == 8, maxRounds: 100_000), Is.True);
        harness.Run(4);
        AssertNothingLeaked(harness);
    }
}
