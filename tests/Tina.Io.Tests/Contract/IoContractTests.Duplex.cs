using NUnit.Framework;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Contract;

/// <summary>Full duplex: one isolate per connection with a receive and a send outstanding at once.</summary>
public abstract partial class IoContractTests
{
    private static void AddPipelineTypes(TinaSpec spec)
    {
        spec.AddIsolate<PipelineServer>(slots: 1);
        spec.AddIsolate<PipelineConnection>(slots: 8);
        spec.AddIsolate<PipelineClient>(slots: 4);
    }

    [Test]
    public void Pipelining_OneIsolatePerConnection_ClientReceivesResponsesWhileStillSendingRequests()
    {
        DuplexProbe.Reset();
        // A small send buffer: a 16 KiB response is written in parts, so requests arrive while it is in flight. (A tiny
        // receive buffer would stall loopback TCP, whose segments are 64 KiB, on its persist timer.)
        var options = new IoOptions { SocketSendBufferBytes = 4096 };
        using IoHarness harness = Create(AddPipelineTypes, options);
        const int Requests = 64;
        const int ResponseBytes = 16 * 1024;
        harness.Runtime.Spawn<PipelineServer, PipelineStart>(0, new PipelineStart { Address = IoAddress.Loopback, ResponseBytes = ResponseBytes });
        Assert.That(harness.RunUntil(() => Probe.ListenPort > 0 || Probe.Outcomes.Count > 0, maxRounds: 10_000), Is.True, "the server listens");
        harness.Runtime.Spawn<PipelineClient, PipelineStart>(0, new PipelineStart
        {
            Address = IoAddress.Loopback, Port = Probe.ListenPort, Requests = Requests, Window = 8, ResponseBytes = ResponseBytes,
        });

        bool finished = harness.RunUntil(() => Probe.ClientsDone == 1 || Probe.Errors.Count > 0, maxRounds: 1_000_000);
        TestContext.Out.WriteLine(
            $"{Backend}: verified {DuplexProbe.ClientResponsesVerified}, server requests {DuplexProbe.ServerRequests}, receives while sending {DuplexProbe.ReceivesWhileSending}, rounds {harness.Rounds}");
        Assert.That(finished, Is.True, "the client finishes");
        Assert.That(Probe.Errors, Is.Empty);
        Assert.That(DuplexProbe.ClientResponsesVerified, Is.EqualTo(Requests), "every response came back intact and in order");
        Assert.That(DuplexProbe.ServerRequests, Is.EqualTo(Requests));
        Assert.That(DuplexProbe.ResponseBytesBeforeLastRequest, Is.GreaterThan(0), "responses arrived while requests were still being sent");
        TestContext.Out.WriteLine($"server receives completed while its send was in flight: {DuplexProbe.ReceivesWhileSending}");
        Assert.That(DuplexProbe.ReceivesWhileSending, Is.GreaterThan(0), "the server read requests while writing a response");
        Assert.That(harness.RunUntil(() => Probe.ServerConnectionsClosed == 1, maxRounds: 100_000), Is.True, "the server closes at the client's close");
        harness.Run(4);
        AssertNothingLeaked(harness);
    }
}
