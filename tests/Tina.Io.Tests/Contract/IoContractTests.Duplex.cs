using System;
using NUnit.Framework;
using Tina.Io.Buffers;
using Tina.Io.Reactor;
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

    [Test]
    public void LaneRules_ASecondOperationOnABusyLaneAndAWaitOnNothingAreRefusedAtTheCall()
    {
        LaneRuleProbe.SecondOnLaneRefused = 0;
        LaneRuleProbe.WaitOnNothingRefused = 0;
        LaneRuleProbe.Last = default;
        using IoHarness harness = Create(spec => spec.AddIsolate<LaneRuleProbe>(slots: 1));
        harness.Runtime.Spawn<LaneRuleProbe, PipelineStart>(0, default);
        bool accepted = harness.RunUntil(() => LaneRuleProbe.Last.Operation == IoOperation.Accept, maxRounds: 100_000);
        Assert.That(accepted, Is.True, $"the first accept completes (last: {LaneRuleProbe.Last}, refused {LaneRuleProbe.SecondOnLaneRefused}, errors {string.Join(",", Probe.Errors)}, log {string.Join(" / ", harness.Log.Snapshot().ConvertAll(r => r.ToString()))})");
        Assert.That(LaneRuleProbe.WaitOnNothingRefused, Is.EqualTo(1));
        Assert.That(LaneRuleProbe.SecondOnLaneRefused, Is.EqualTo(1), "a receive on the read lane that holds an accept");
        Assert.That(LaneRuleProbe.CouldStartAcceptWhileAccepting, Is.False);
        Assert.That(LaneRuleProbe.Last.Result.Kind, Is.EqualTo(IoErrorKind.TimedOut), "the one accept ran (and timed out: nobody connects)");
    }

    [Test]
    public void Cancel_WithAReceiveAndASendOutstanding_CompletesBothCancelledAndLeaksNothing()
    {
        DuplexVictim.CancelledCompletions = 0;
        DuplexVictim.Connected = 0;
        DuplexVictim.CancelNotices = 0;
        DuplexVictim.Exited = 0;
        var options = new IoOptions { SocketSendBufferBytes = 4096, SocketReceiveBufferBytes = 4096 };
        LifecycleProbe.Reset();
        using IoHarness harness = Create(spec =>
        {
            AddLifecycleTypes(spec);
            spec.AddIsolate<VictimParent>(slots: 1);
            spec.AddIsolate<DuplexVictim>(slots: 1);
        }, options);
        harness.Runtime.Spawn<LifecycleServer, LifecycleStart>(0, new LifecycleStart { Mode = LifecycleMode.IdleReceive, Address = IoAddress.Loopback });
        Assert.That(harness.RunUntil(() => Probe.ListenPort > 0, maxRounds: 10_000), Is.True);
        Handle parent = harness.Runtime.Spawn<VictimParent, PipelineStart>(0, new PipelineStart { Address = IoAddress.Loopback, Port = Probe.ListenPort }).Handle;
        Assert.That(harness.RunUntil(() => DuplexVictim.Connected == 1, maxRounds: 100_000), Is.True, "the victim connects");
        harness.Run(2_000); // its 64 KiB sends fill the socket buffers (the server reads 4 KiB once, then nothing)

        Assert.That(harness.Runtime.Send(parent, new Kill()), Is.EqualTo(SendResult.Ok));
        Assert.That(harness.RunUntil(() => DuplexVictim.Exited == 1, maxRounds: 100_000), Is.True, "the victim ends at its cancel");
        Assert.That(Probe.Errors, Is.Empty);
        Assert.That(DuplexVictim.CancelledCompletions, Is.EqualTo(2), "the receive and the send each completed Cancelled, one held for the next wait");
        harness.Run(8);
        IoReactor reactor = harness.Reactor();
        Assert.That(reactor.Buffers.FreeCount, Is.EqualTo(reactor.Buffers.Count), "every buffer is back");
        Assert.That(reactor.Table.CountInState(ConnectionState.Closing), Is.Zero, "no entry is stuck closing");
    }

    [Test]
    public void FullDuplex_PeerCloseIsNoticedWhileASendIsStuck()
    {
        // The client reads nothing, so the server's sends (no timeout) get stuck; its receive stays outstanding.
        var options = new IoOptions { SocketSendBufferBytes = 4096, SocketReceiveBufferBytes = 4096 };
        using IoHarness harness = StartLifecycle(LifecycleMode.FloodAndWatch, options, out Handle client);
        harness.Run(2_000); // io_uring may keep even the first 8 KiB send in flight (the kernel waits for room)
        int sends = LifecycleProbe.ServerSends;
        Assert.That(LifecycleProbe.ServerEnded, Is.Zero, "nothing ended the stream yet");

        Assert.That(harness.Runtime.Send(client, new Finish()), Is.EqualTo(SendResult.Ok));
        Assert.That(harness.RunUntil(() => LifecycleProbe.ServerEnded == 1, maxRounds: 200_000), Is.True, "the server notices the close");
        TestContext.Out.WriteLine($"{Backend}: {sends} sends completed before stuck, receive ended with {LifecycleProbe.ServerEnd.Result}");
        TestContext.Out.WriteLine($"  seen while sending {LifecycleProbe.CloseSeenWhileSending}, the reset failed the send first {LifecycleProbe.SendFailedFirst}");
        // epoll and the simulator report the receive's end first; io_uring may post the stuck send's ECONNRESET just
        // before it (both were waiting when the reset came). Either way the close is seen while the send was stuck.
        Assert.That(LifecycleProbe.CloseSeenWhileSending + LifecycleProbe.SendFailedFirst, Is.EqualTo(1));
        if (Backend != IoBackendKind.IoUring)
        {
            Assert.That(LifecycleProbe.CloseSeenWhileSending, Is.EqualTo(1), "its send was still outstanding when the receive saw the close");
        }
        IoResult ended = LifecycleProbe.ServerEnd.Result;
        Assert.That(ended == IoResult.FromBytes(0) || ended.Kind == IoErrorKind.Os, Is.True, $"end of stream or a reset: {ended}");
        Assert.That(harness.RunUntil(() => LifecycleProbe.ClientClosed == 1, maxRounds: 100_000), Is.True);
        harness.Run(8);
        AssertNothingLeaked(harness);
    }
}
