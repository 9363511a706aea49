using System;
using System.Linq;
using NUnit.Framework;
using Tina.Io.Backends.Simulated;
using Tina.Io.Interop;
using Tina.Io.Reactor;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Backends;

/// <summary>The simulated network's own promises: determinism from the seed, its fault knobs, and its clock contract.</summary>
[TestFixture]
public sealed class SimulatedNetworkTests
{
    [SetUp]
    public void ResetProbe() => Probe.Reset();

    private static SimulatedNetworkOptions Lossy() => new()
    {
        MinDelayNanoseconds = 5_000,
        MaxDelayNanoseconds = 300_000,
        DropPerMillion = 50_000,
        ReorderPerMillion = 200_000,
        ReceiveWindowBytes = 4096,
    };

    private static (long Time, long Rounds, long Echoed) RunEcho(ulong seed)
    {
        Probe.Reset();
        using var harness = new IoHarness(
            IoBackendKind.Simulated,
            spec =>
            {
                spec.AddIsolate<EchoServer>(slots: 1);
                spec.AddIsolate<EchoConnection>(slots: 8);
                spec.AddIsolate<EchoClient>(slots: 4);
            },
            network: new SimulatedNetwork(Lossy(), new SplitMix64(seed)));
        harness.Runtime.Spawn<EchoServer, ServerStart>(0, new ServerStart { Address = IoAddress.Loopback, Port = 7000 });
        Assert.That(harness.RunUntil(() => Probe.ListenPort > 0, maxRounds: 10_000), Is.True);
        for (int i = 0; i < 3; i++)
        {
            harness.Runtime.Spawn<EchoClient, ClientStart>(0, new ClientStart { Address = IoAddress.Loopback, Port = 7000, Messages = 10, Size = 10_000, Seed = i });
        }

        Assert.That(harness.RunUntil(() => Probe.ClientsDone == 3 || Probe.Errors.Count > 0, maxRounds: 1_000_000), Is.True);
        Assert.That(Probe.Errors, Is.Empty);
        return (harness.Clock.NowNanoseconds, harness.Rounds, Probe.BytesEchoed);
    }

    [Test]
    public void Echo_SameSeed_SameRunBitForBit()
    {
        (long Time, long Rounds, long Echoed) first = RunEcho(99);
        (long Time, long Rounds, long Echoed) second = RunEcho(99);
        (long Time, long Rounds, long Echoed) other = RunEcho(100);

        Assert.That(second, Is.EqualTo(first), "same seed, same clock reading and rounds at the end");
        Assert.That(other.Echoed, Is.EqualTo(first.Echoed), "every byte arrives whatever the seed");
        Assert.That(other.Time, Is.Not.EqualTo(first.Time), "another seed takes another path");
    }

    [Test]
    public void Partition_HoldsTheConnectUntilItHeals()
    {
        var network = new SimulatedNetwork(new SimulatedNetworkOptions { MinDelayNanoseconds = 10_000, MaxDelayNanoseconds = 10_000 }, new SplitMix64(5));
        using var harness = new IoHarness(
            IoBackendKind.Simulated,
            spec =>
            {
                spec.AddIsolate<EchoServer>(slots: 1);
                spec.AddIsolate<EchoConnection>(slots: 4);
                spec.AddIsolate<ConnectProbe>(slots: 1);
            },
            network: network);
        harness.Runtime.Spawn<EchoServer, ServerStart>(0, new ServerStart { Address = IoAddress.Loopback, Port = 7001 });
        Assert.That(harness.RunUntil(() => Probe.ListenPort > 0, maxRounds: 10_000), Is.True);

        network.Partition(IoAddress.Loopback, 7001);
        harness.Runtime.Spawn<ConnectProbe, ConnectProbeStart>(0, new ConnectProbeStart { Address = IoAddress.Loopback, Port = 7001 });
        long start = harness.Clock.NowNanoseconds;
        Assert.That(harness.RunUntil(() => harness.Clock.NowNanoseconds - start > 100_000_000, maxRounds: 100_000), Is.True);
        Assert.That(Probe.Outcomes, Is.Empty, "no answer while partitioned");
        Assert.That(Probe.Accepted, Is.Zero);

        network.Heal(IoAddress.Loopback, 7001);
        Assert.That(harness.RunUntil(() => Probe.ClientsDone == 1, maxRounds: 100_000), Is.True);
        IoCompletion connected = Probe.Outcomes.First();
        Assert.That(connected.Operation, Is.EqualTo(IoOperation.Connect));
        Assert.That(connected.IsSuccess, Is.True);
        Assert.That(Probe.Accepted, Is.EqualTo(1));
    }

    [Test]
    public void InjectedErrors_FailTheOperationWithTheConfiguredErrno()
    {
        var network = new SimulatedNetwork(new SimulatedNetworkOptions { ErrorPerMillion = 1_000_000 }, new SplitMix64(5));
        using var harness = new IoHarness(IoBackendKind.Simulated, spec => spec.AddIsolate<ConnectProbe>(slots: 1), network: network);
        harness.Runtime.Spawn<ConnectProbe, ConnectProbeStart>(0, new ConnectProbeStart { Address = IoAddress.Loopback, Port = 7002 });

        Assert.That(harness.RunUntil(() => Probe.ClientsDone == 1, maxRounds: 10_000), Is.True);
        IoCompletion failed = Probe.Outcomes.Single();
        Assert.That(failed.Result.Kind, Is.EqualTo(IoErrorKind.Os));
        Assert.That(failed.Result.OsError, Is.EqualTo(Errno.EIO));
        harness.Run(2);
        Assert.That(network.LiveSockets, Is.Zero, "the failed connect's socket was closed");
    }

    [Test]
    public void Reset_FailsTheConnectionWithEconnreset()
    {
        var network = new SimulatedNetwork(new SimulatedNetworkOptions { ResetPerMillion = 1_000_000, MinDelayNanoseconds = 1_000, MaxDelayNanoseconds = 1_000 }, new SplitMix64(5));
        using var harness = new IoHarness(
            IoBackendKind.Simulated,
            spec =>
            {
                spec.AddIsolate<EchoServer>(slots: 1);
                spec.AddIsolate<EchoConnection>(slots: 4);
                spec.AddIsolate<EchoClient>(slots: 1);
            },
            network: network);
        harness.Runtime.Spawn<EchoServer, ServerStart>(0, new ServerStart { Address = IoAddress.Loopback, Port = 7003 });
        Assert.That(harness.RunUntil(() => Probe.ListenPort > 0, maxRounds: 10_000), Is.True);
        harness.Runtime.Spawn<EchoClient, ClientStart>(0, new ClientStart { Address = IoAddress.Loopback, Port = 7003, Messages = 1, Size = 10, Seed = 1 });

        Assert.That(harness.RunUntil(() => Probe.Errors.Count > 0 && Probe.ServerConnectionsClosed == 1, maxRounds: 100_000), Is.True);
        Assert.That(Probe.Outcomes.Any(o => o.Result.Kind == IoErrorKind.Os && o.Result.OsError == Errno.ECONNRESET), Is.True, string.Join(", ", Probe.Outcomes));
        harness.Run(10);
        Assert.That(network.LiveSockets, Is.EqualTo(1), "only the listener is left");
    }

    [Test]
    public unsafe void Network_EventsRunOnlyWhenTheirTimeComes()
    {
        var network = new SimulatedNetwork(new SimulatedNetworkOptions { MinDelayNanoseconds = 1_000, MaxDelayNanoseconds = 1_000 }, new SplitMix64(1));
        int sink = network.AttachSink();
        Assert.That(network.OpenListener(IoAddress.Loopback, 9000, 16, reusePort: false, out int listener), Is.Zero);
        Assert.That(network.OpenStream(out int client), Is.Zero);
        byte* address = stackalloc byte[32];
        int length = SockAddr.Encode(IoAddress.Loopback, 9000, address, 32, Libc.AF_INET, Libc.AF_INET6);
        network.Submit(sink, new IoSubmission { Token = 1, Op = IoOpCode.Accept, Descriptor = listener }, now: 0);
        network.Submit(sink, new IoSubmission { Token = 2, Op = IoOpCode.Connect, Descriptor = client, Address = (nint)address, AddressLength = length }, now: 0);

        Assert.That(network.NextEventTime, Is.EqualTo(1_000), "the SYN arrives after the one-way delay");
        network.Advance(999);
        Assert.That(network.HasReady(sink), Is.False);
        network.Advance(1_000);
        Span<IoCompletionEntry> completions = stackalloc IoCompletionEntry[4];
        Assert.That(network.Drain(sink, completions), Is.EqualTo(1));
        Assert.That(completions[0].Token, Is.EqualTo(1UL), "accepted at the server");
        int server = completions[0].Result;
        Assert.That(network.NextEventTime, Is.EqualTo(2_000), "the client learns a delay later");
        network.Advance(2_000);
        Assert.That(network.Drain(sink, completions), Is.EqualTo(1));
        Assert.That(completions[0], Is.EqualTo(new IoCompletionEntry { Token = 2, Result = 0 }));

        byte* data = stackalloc byte[3] { 1, 2, 3 };
        byte* into = stackalloc byte[8];
        network.Submit(sink, new IoSubmission { Token = 3, Op = IoOpCode.Receive, Descriptor = server, Buffer = (nint)into, Length = 8 }, now: 2_000);
        network.Submit(sink, new IoSubmission { Token = 4, Op = IoOpCode.Send, Descriptor = client, Buffer = (nint)data, Length = 3 }, now: 2_000);
        Assert.That(network.Drain(sink, completions), Is.EqualTo(1));
        Assert.That(completions[0], Is.EqualTo(new IoCompletionEntry { Token = 4, Result = 3 }), "the send is buffered at once");
        network.Advance(3_000);
        Assert.That(network.Drain(sink, completions), Is.EqualTo(1));
        Assert.That(completions[0], Is.EqualTo(new IoCompletionEntry { Token = 3, Result = 3 }));
        Assert.That(new ReadOnlySpan<byte>(into, 3).ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }), "real bytes");
        Assert.That(network.NextEventTime, Is.EqualTo(long.MaxValue));
    }
}
