using System;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;
using Tina.Io.Reactor;
using Tina.Io.Tests.Overload;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.IoUring;

/// <summary>
/// One connection whose isolate stops reading while its peer keeps sending cannot take io_uring's provided-buffer
/// ring from the others: it holds at most <see cref="IoOptions.ReceiveBuffersPerConnection"/> ring buffers (its
/// multishot receive is paused), and another connection is still echoed.
/// </summary>
[TestFixture]
[Platform("Linux")]
public sealed class ReceiveBufferCapTests
{
    private const int Ring = 16;
    private const int Cap = 3;

    [Test]
    public void StalledReader_HoldsAtMostItsCap_AndAnotherConnectionIsServed()
    {
        if (!BackendSelector.IoUringAvailable(out string reason))
        {
            Assert.Ignore("io_uring is not available: " + reason);
        }

        OverloadProbe.Reset();
        OverloadProbe.FirstSessionStalls = true;
        using var harness = new IoHarness(IoBackendKind.IoUring, spec =>
        {
            spec.AddIsolate<OverloadListener>(slots: 1);
            spec.AddIsolate<IdleEcho>(slots: 4);
        }, new IoOptions { ReceiveBufferCount = Ring, BufferSize = 4096, ReceiveBuffersPerConnection = Cap });
        harness.Runtime.Spawn<OverloadListener, OverloadListen>(0, new OverloadListen());
        Assert.That(harness.RunUntil(() => OverloadProbe.ListenPort > 0, maxRounds: 10_000), Is.True);
        IoReactor reactor = harness.Reactor();
        Assert.That(reactor.UsesMultishotReceive, Is.True);
        var endpoint = new IPEndPoint(IPAddress.Loopback, OverloadProbe.ListenPort);

        using Socket flooder = Connect(endpoint);
        Assert.That(harness.RunUntil(() => OverloadProbe.ReceivesIssued == 1, maxRounds: 100_000, wallSeconds: 10), Is.True);
        flooder.Blocking = false;
        var chunk = new byte[4096];
        long sent = 0;
        for (int round = 0; round < 400 && sent < 1 << 20; round++)
        {
            try
            {
                sent += flooder.Send(chunk); // until the kernel's buffers are full: the reader does not read
            }
            catch (SocketException full) when (full.SocketErrorCode == SocketError.WouldBlock)
            {
            }

            harness.Run(5);
        }

        Assert.That(sent, Is.GreaterThan(Ring * 4096), "more was sent than the whole ring holds");
        Assert.That(harness.Runtime.GetIoStats(0)[IoCounter.ReceivePauses], Is.GreaterThanOrEqualTo(1), "the stalled connection's arm paused");
        Assert.That(reactor.ProvidedBuffersInHand, Is.LessThanOrEqualTo(Cap + 1), "its cap (plus the one lent to its isolate), not the ring");

        using Socket other = Connect(endpoint);
        other.Blocking = false;
        var echo = new byte[64];
        for (int i = 0; i < 20; i++)
        {
            byte[] ping = [(byte)i, 1, 2, 3];
            other.Send(ping);
            int got = 0;
            Assert.That(harness.RunUntil(() =>
            {
                if (other.Available > 0)
                {
                    got += other.Receive(echo, got, echo.Length - got, SocketFlags.None);
                }

                return got >= ping.Length;
            }, maxRounds: 100_000, wallSeconds: 10), Is.True, $"echo {i} while the other connection sits on its buffers");
            Assert.That(echo[0], Is.EqualTo((byte)i));
        }

        Assert.That(OverloadProbe.Failures, Is.Zero);
    }

    private static Socket Connect(IPEndPoint endpoint)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(endpoint);
        return client;
    }
}
