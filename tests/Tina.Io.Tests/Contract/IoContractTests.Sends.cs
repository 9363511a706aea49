using NUnit.Framework;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Contract;

/// <summary>Sends that fit servers: large payloads, gather, zero-copy from a shard buffer; keeping received bytes.</summary>
public abstract partial class IoContractTests
{
    private static void AddSendModesTypes(TinaSpec spec)
    {
        AddEchoTypes(spec);
        spec.AddIsolate<SendModesClient>(slots: 2);
        spec.BufferCount = 16; // the Core's shard buffers (Context.TryRentBuffer), 4 KiB each by default
    }

    private IoHarness RunSendModes(SendMode mode, int size, IoOptions options, ServerStart server = default)
    {
        Probe.Reset();
        SendModesProbe.Reset();
        IoHarness harness = Create(AddSendModesTypes, options);
        StartServer(harness, server);
        harness.Runtime.Spawn<SendModesClient, SendModesStart>(0, new SendModesStart { Mode = mode, Address = IoAddress.Loopback, Port = Probe.ListenPort, Size = size });
        Assert.That(harness.RunUntil(() => SendModesProbe.Done == 1, maxRounds: 500_000), Is.True, "the client finishes");
        Assert.That(harness.RunUntil(() => Probe.ServerConnectionsClosed == 1, maxRounds: 100_000), Is.True, "the server side closes");
        harness.Run(8);
        return harness;
    }

    [Test]
    public void Send_LargerThanABuffer_IsSplitOverAChainAndArrivesIntact()
    {
        // 4 KiB buffers; the store-and-forward server answers the 100 KiB message with one 100 KiB send as well.
        const int Size = 100 * 1024;
        using IoHarness harness = RunSendModes(
            SendMode.Plain, Size, new IoOptions { BufferSize = 4096, BufferCount = 64, SendBuffersPerConnection = 32 }, new ServerStart { ReceiveBytes = 16 * 1024, MessageBytes = Size });
        Assert.That(Probe.Errors, Is.Empty);
        Assert.That(SendModesProbe.SendOutcome.Result, Is.EqualTo(IoResult.FromBytes(Size)), "the client's send completed whole");
        Assert.That(Probe.BytesEchoed, Is.EqualTo(Size), "and so did the server's");
        Assert.That(SendModesProbe.Verified, Is.EqualTo(Size), "every byte came back in order: no part sent twice or skipped");
        Assert.That(harness.Runtime.GetIoStats(0)[IoCounter.ReceivesClamped], Is.GreaterThan(0), "16 KiB receives on 4 KiB buffers are counted, not silent");
        AssertNothingLeaked(harness);
    }

    [Test]
    public void Send_LargerThanThePool_CompletesTooLargeInsteadOfThrowing()
    {
        using IoHarness harness = RunSendModes(SendMode.LargerThanThePool, (8 * 4096) + 1, new IoOptions { BufferSize = 4096, BufferCount = 8, SendBuffersPerConnection = 8 });
        Assert.That(SendModesProbe.SendOutcome.Operation, Is.EqualTo(IoOperation.Send));
        Assert.That(SendModesProbe.SendOutcome.Result.Kind, Is.EqualTo(IoErrorKind.TooLarge));
        AssertNothingLeaked(harness);
    }

    [TestCase(16, 16 * 4096, true)]        // exactly at the cap: sent
    [TestCase(16, (16 * 4096) + 1, false)] // one byte over: refused, although the pool (64) could hold it
    [TestCase(0, (16 * 4096) + 1, false)]  // the default cap is a quarter of the pool: 16 here
    public void Send_OverThePerConnectionCap_IsTooLargeAndTakesNoBuffer(int cap, int size, bool sent)
    {
        using IoHarness harness = RunSendModes(
            sent ? SendMode.Plain : SendMode.LargerThanThePool, size, new IoOptions { BufferSize = 4096, BufferCount = 64, SendBuffersPerConnection = cap },
            new ServerStart { ReceiveBytes = 16 * 1024, MessageBytes = size });
        if (sent)
        {
            Assert.That(SendModesProbe.Verified, Is.EqualTo(size), "the whole payload came back");
        }
        else
        {
            Assert.That(SendModesProbe.SendOutcome.Result.Kind, Is.EqualTo(IoErrorKind.TooLarge));
            Assert.That(harness.Runtime.GetIoStats(0)[IoCounter.SendsTooLarge], Is.EqualTo(1));
        }

        AssertNothingLeaked(harness);
    }

    [Test]
    public void Send_Gather_ThreePartsArriveAsOneStream()
    {
        using IoHarness harness = RunSendModes(SendMode.Gather, 10_000, new IoOptions { BufferSize = 4096, BufferCount = 16 });
        Assert.That(Probe.Errors, Is.Empty);
        Assert.That(SendModesProbe.SendOutcome.Result, Is.EqualTo(IoResult.FromBytes(10_000)));
        Assert.That(SendModesProbe.Verified, Is.EqualTo(10_000), "header, body and trailer came back in order");
        Assert.That(SendModesProbe.StaleReadsEmpty, Is.GreaterThan(0), "a completion's bytes are gone in a later invocation");
        Assert.That(harness.Runtime.GetIoStats(0)[IoCounter.ReceivedDataRefused], Is.GreaterThan(0), "and asking for them is counted");
        AssertNothingLeaked(harness);
    }

    [Test]
    public void Send_FromAnOwnedShardBuffer_IsWrittenWithoutACopy()
    {
        using IoHarness harness = RunSendModes(SendMode.OwnedBuffer, 4000, new IoOptions { BufferSize = 4096, BufferCount = 16 });
        Assert.That(Probe.Errors, Is.Empty);
        Assert.That(SendModesProbe.SendOutcome.Result, Is.EqualTo(IoResult.FromBytes(4000)));
        Assert.That(SendModesProbe.Verified, Is.EqualTo(4000));
        AssertNothingLeaked(harness);
    }

    [Test]
    public void KeepReceived_BytesOutliveTheirInvocationAndEveryBufferComesBackAfterRelease()
    {
        // The echo of 10,000 bytes arrives in several receives of at most 1 KiB; each is kept and checked at the end.
        using IoHarness harness = RunSendModes(SendMode.KeepReceived, 10_000, new IoOptions { BufferSize = 1024, BufferCount = 32, SendBuffersPerConnection = 16 });
        Assert.That(Probe.Errors, Is.Empty);
        Assert.That(SendModesProbe.Kept, Is.GreaterThan(1), "the echo came in several parts");
        Assert.That(SendModesProbe.Verified, Is.EqualTo(10_000), "kept bytes are intact after later receives and Collects");
        AssertNothingLeaked(harness);
    }
}
