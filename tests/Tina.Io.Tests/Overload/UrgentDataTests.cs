using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Overload;

/// <summary>
/// A hostile peer's TCP urgent data must not stall a connection: a read stops at the urgent mark with bytes still
/// queued behind it, and on epoll no further edge comes for those. The runtime is driven round by round on the test
/// thread, so all three writes sit in the server's socket before it reads.
/// </summary>
[TestFixture(IoBackendKind.Epoll)]
[TestFixture(IoBackendKind.IoUring)]
[Platform("Linux")]
public sealed class UrgentDataTests
{
    private readonly IoBackendKind _backend;

    public UrgentDataTests(IoBackendKind backend) => _backend = backend;

    [OneTimeSetUp]
    public void RequireBackend() => BackendAvailability.Require(_backend);

    [SetUp]
    public void ResetProbe() => OverloadProbe.Reset();

    [Test]
    public void UrgentByteInTheMiddle_BytesAfterItAreStillEchoed()
    {
        using var harness = new IoHarness(_backend, spec =>
        {
            spec.AddIsolate<OverloadListener>(slots: 1);
            spec.AddIsolate<IdleEcho>(slots: 4);
        });
        harness.Runtime.Spawn<OverloadListener, OverloadListen>(0, new OverloadListen());
        Assert.That(harness.RunUntil(() => OverloadProbe.ListenPort > 0, maxRounds: 10_000), Is.True);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(new IPEndPoint(IPAddress.Loopback, OverloadProbe.ListenPort));
        Assert.That(harness.RunUntil(() => OverloadProbe.ReceivesIssued == 1, maxRounds: 100_000, wallSeconds: 10), Is.True, "accepted");
        harness.Run(20); // the receive is in the backend (parked on epoll: the socket is empty)

        client.Send("AAAA"u8.ToArray());
        client.Send("B"u8.ToArray(), SocketFlags.OutOfBand);
        client.Send("CCCC"u8.ToArray());

        var echoed = new MemoryStream();
        var chunk = new byte[64];
        client.Blocking = false;
        bool done = harness.RunUntil(() =>
        {
            while (client.Available > 0)
            {
                echoed.Write(chunk, 0, client.Receive(chunk));
            }

            return echoed.Length >= 8;
        }, maxRounds: 200_000, wallSeconds: 10);

        Assert.That(System.Text.Encoding.ASCII.GetString(echoed.ToArray()), Is.EqualTo("AAAACCCC"), "the bytes after the urgent mark arrive without the peer sending more");
        Assert.That(done, Is.True);
        Assert.That(OverloadProbe.Failures, Is.Zero);
    }
}
