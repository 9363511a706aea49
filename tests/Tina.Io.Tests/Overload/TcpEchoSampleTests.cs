using System.Net;
using System.Net.Sockets;
using NUnit.Framework;
using TcpEcho;
using Tina.Io.Tests.Support;

namespace Tina.Io.Tests.Overload;

/// <summary>The TcpEcho sample's listener under a full session table: a connection it cannot hand to a session is closed and counted.</summary>
[TestFixture]
[Platform("Linux")]
public sealed class TcpEchoSampleTests
{
    [Test]
    public void Listener_NoSessionSlot_ClosesTheConnectionAndCountsIt()
    {
        int port = FreePort();
        long refusedBefore = Listener.SessionsRefused;
        using var harness = new IoHarness(IoBackendKind.Epoll, spec =>
        {
            spec.AddIsolate<Listener>(slots: 1);
            spec.AddIsolate<EchoSession>(slots: 1, mailboxCapacity: 4);
        });
        harness.Runtime.Spawn<Listener, ListenerStart>(0, new ListenerStart { Port = port });
        harness.Run(20);

        using Socket first = Connect(port);
        Assert.That(harness.RunUntil(() => harness.Runtime.GetIoStats(0)[IoCounter.ConnectionsOpened] >= 2, maxRounds: 100_000, wallSeconds: 10), Is.True);
        using Socket second = Connect(port);
        second.Blocking = false;
        var one = new byte[1];
        bool closed = harness.RunUntil(() => second.Poll(0, SelectMode.SelectRead) && second.Available == 0, maxRounds: 200_000, wallSeconds: 10);

        Assert.That(closed, Is.True, "the connection no session could take is closed, not left open");
        Assert.That(second.Receive(one), Is.Zero, "the client sees the end of the stream");
        Assert.That(Listener.SessionsRefused - refusedBefore, Is.EqualTo(1));
        Assert.That(harness.RunUntil(() => harness.Runtime.GetIoStats(0)[IoCounter.ConnectionsClosed] >= 1, maxRounds: 100_000, wallSeconds: 10), Is.True);

        // The session still echoes, and the listener accepts again after the close.
        first.Send("ping"u8.ToArray());
        var echo = new byte[4];
        first.Blocking = false;
        int got = 0;
        Assert.That(harness.RunUntil(() =>
        {
            if (first.Available > 0)
            {
                got += first.Receive(echo, got, echo.Length - got, SocketFlags.None);
            }

            return got == 4;
        }, maxRounds: 200_000, wallSeconds: 10), Is.True);
        using Socket third = Connect(port);
        Assert.That(harness.RunUntil(() => Listener.SessionsRefused - refusedBefore == 2, maxRounds: 200_000, wallSeconds: 10), Is.True, "accepting resumed");
    }

    private static Socket Connect(int port)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return client;
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
