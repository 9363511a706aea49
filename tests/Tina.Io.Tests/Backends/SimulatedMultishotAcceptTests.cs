using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using NUnit.Framework;
using Tina.Io.Backends.Simulated;
using Tina.Io.Interop;
using Tina.Io.Reactor;
using Tina.Io.Tests.Support;
using Tina.Time;

namespace Tina.Io.Tests.Backends;

/// <summary>
/// The simulated backend's multishot accept, driven directly (no reactor): it must behave as io_uring's does (see
/// <see cref="IoOpCode.AcceptMultishot"/>), so the simulator can exercise the reactor's multishot accept path under
/// seeded faults.
/// </summary>
[TestFixture]
public sealed class SimulatedMultishotAcceptTests
{
    private const ulong ArmToken = 10;
    private const ulong AcceptToken = 11;
    private const ulong ConnectToken = 100;   // + client index
    private const ulong SendToken = 200;      // + client index
    private const ulong ReceiveToken = 300;   // + client index
    private const ulong CancelToken = 30;
    private const ulong CloseToken = 40;

    private static SimulatedNetworkOptions Fixed(bool multishotAccept = true) => new()
    {
        MinDelayNanoseconds = 1_000,
        MaxDelayNanoseconds = 1_000,
        MultishotAccept = multishotAccept,
    };

    private static byte[] Pattern(int length, int salt) =>
        Enumerable.Range(0, length).Select(i => (byte)((i * 31) + salt)).ToArray();

    [Test]
    public void On_ReportsTheCapability_AlongsideMultishotReceive()
    {
        using (var rig = new Rig(Fixed()))
        {
            IIoBackend io = rig.Backend;
            Assert.Multiple(() =>
            {
                Assert.That(io.Capabilities, Is.EqualTo(IoBackendCapabilities.MultishotAccept));
                Assert.That(io.Features, Does.Contain("multishot accept on"));
                Assert.That(io.Features, Does.Contain("multishot receive off"));
            });
        }

        SimulatedNetworkOptions both = Fixed();
        both.ProvidedBufferCount = 4;
        using (var rig = new Rig(both))
        {
            Assert.That(((IIoBackend)rig.Backend).Capabilities, Is.EqualTo(IoBackendCapabilities.MultishotAccept | IoBackendCapabilities.MultishotReceive));
        }
    }

    [Test]
    public void SetMultishotAccept_OnlyBeforeTheFirstBackendAttaches()
    {
        var network = new SimulatedNetwork(Fixed(multishotAccept: false), new SplitMix64(1));
        network.SetMultishotAccept(true);
        Assert.That(network.MultishotAccept, Is.True);
        using var backend = new SimulatedBackend(network, () => 0L);
        Assert.That(((IIoBackend)backend).Capabilities, Is.EqualTo(IoBackendCapabilities.MultishotAccept));
        Assert.That(() => network.SetMultishotAccept(false), Throws.InvalidOperationException);
        Assert.That(network.MultishotAccept, Is.True, "a refused change changes nothing");
    }

    [Test]
    public void OneArm_SeveralConnects_OneCompletionEachWithMore_DistinctSockets_InQueueOrder()
    {
        using var rig = new Rig(Fixed());
        int listener = rig.Listen();
        rig.Arm(listener, ArmToken);
        int[] clients = Enumerable.Range(0, 4).Select(i => rig.Connect(i)).ToArray();

        List<IoCompletionEntry> completions = rig.Settle();
        Assert.That(completions.Where(c => c.Token >= ConnectToken).Select(c => c.Result), Is.All.Zero, "every connect succeeds");
        List<IoCompletionEntry> accepted = completions.Where(c => c.Token == ArmToken).ToList();
        Assert.That(accepted, Has.Count.EqualTo(4), "one completion per connection, from the one arm");
        Assert.That(accepted.All(c => c.Flags == IoCompletionFlags.More), Is.True, "each with More, no buffer");
        int[] servers = accepted.Select(c => c.Result).ToArray();
        Assert.That(servers.All(s => s > 0), Is.True);
        Assert.That(servers.Distinct().Count(), Is.EqualTo(4), "a new socket each");

        // Queue order: the connects arrived in the order they were made (equal delays), so server end i is client i's peer.
        rig.AssertPaired(clients, servers);

        // Still armed: a later connection completes on the same token.
        int late = rig.Connect(4);
        IoCompletionEntry fifth = rig.Settle().Single(c => c.Token == ArmToken);
        Assert.That(fifth.Flags, Is.EqualTo(IoCompletionFlags.More));
        Assert.That(servers, Has.No.Member(fifth.Result));
        rig.AssertPaired([late], [fifth.Result]);
    }

    [Test]
    public void ConnectionsQueuedBeforeTheArm_AreTakenAtOnce_InQueueOrder()
    {
        using var rig = new Rig(Fixed());
        int listener = rig.Listen();
        int[] clients = Enumerable.Range(0, 3).Select(i => rig.Connect(i)).ToArray();
        Assert.That(rig.Settle().Select(c => (c.Token, c.Result)), Is.EqualTo(new[] { (ConnectToken, 0), (ConnectToken + 1, 0), (ConnectToken + 2, 0) }),
            "established in the backlog, nobody accepting");

        rig.Arm(listener, ArmToken);
        List<IoCompletionEntry> accepted = rig.Drain();
        Assert.That(accepted.Select(c => (c.Token, c.Flags)), Is.EqualTo(Enumerable.Repeat((ArmToken, IoCompletionFlags.More), 3)), "at submission, one each");
        rig.AssertPaired(clients, accepted.Select(c => c.Result).ToArray());
    }

    [Test]
    public void CancelByToken_EndsTheArmWithEcanceledAndNoMore_AndLaterConnectionsWait()
    {
        using var rig = new Rig(Fixed());
        int listener = rig.Listen();
        rig.Arm(listener, ArmToken);

        rig.Submit(new IoSubmission { Token = CancelToken, Op = IoOpCode.Cancel, Descriptor = listener, TargetToken = ArmToken });
        Assert.That(rig.Drain(), Is.EqualTo(new[]
        {
            new IoCompletionEntry { Token = ArmToken, Result = -Errno.ECANCELED },
            new IoCompletionEntry { Token = CancelToken, Result = 0 },
        }));

        rig.Submit(new IoSubmission { Token = CancelToken, Op = IoOpCode.Cancel, Descriptor = listener, TargetToken = ArmToken });
        Assert.That(rig.Drain(), Is.EqualTo(new[] { new IoCompletionEntry { Token = CancelToken, Result = -Errno.ENOENT } }), "the arm is gone");

        int client = rig.Connect(0);
        Assert.That(rig.Settle().Where(c => c.Token == ArmToken), Is.Empty, "nothing is accepted after the cancel");
        rig.Submit(new IoSubmission { Token = AcceptToken, Op = IoOpCode.Accept, Descriptor = listener });
        IoCompletionEntry accepted = rig.Drain().Single();
        Assert.That((accepted.Token, accepted.Flags), Is.EqualTo((AcceptToken, 0u)));
        rig.AssertPaired([client], [accepted.Result]);
    }

    [Test]
    public void ListenerClose_EndsTheArmWithEcanceledAndNoMore()
    {
        using var rig = new Rig(Fixed());
        int listener = rig.Listen();
        rig.Arm(listener, ArmToken);
        rig.Connect(0);
        Assert.That(rig.Settle().Count(c => c.Token == ArmToken && c.HasMore), Is.EqualTo(1));

        rig.Submit(new IoSubmission { Token = CloseToken, Op = IoOpCode.Close, Descriptor = listener });
        Assert.That(rig.Drain(), Is.EqualTo(new[]
        {
            new IoCompletionEntry { Token = ArmToken, Result = -Errno.ECANCELED },
            new IoCompletionEntry { Token = CloseToken, Result = 0 },
        }));
        Assert.That(rig.Network.ListenerCount, Is.Zero);
    }

    [Test]
    public void SecondArmOrAcceptOnTheSameListener_IsRefusedWithEbusy()
    {
        using var rig = new Rig(Fixed());
        int listener = rig.Listen();
        rig.Arm(listener, ArmToken);

        rig.Arm(listener, ArmToken + 1);
        rig.Submit(new IoSubmission { Token = AcceptToken, Op = IoOpCode.Accept, Descriptor = listener });
        Assert.That(rig.Drain(), Is.EqualTo(new[]
        {
            new IoCompletionEntry { Token = ArmToken + 1, Result = -Errno.EBUSY },
            new IoCompletionEntry { Token = AcceptToken, Result = -Errno.EBUSY },
        }), "one read lane, as for a second accept");

        rig.Connect(0);
        Assert.That(rig.Settle().Single(c => c.Token < ConnectToken).Token, Is.EqualTo(ArmToken), "the first arm lives on");
    }

    [Test]
    public void OnAStream_FailsWithEinval()
    {
        using var rig = new Rig(Fixed());
        Assert.That(((ISocketLayer)rig.Backend).OpenStream(IoAddress.Loopback, out int stream), Is.Zero);
        rig.Arm(stream, ArmToken);
        Assert.That(rig.Drain(), Is.EqualTo(new[] { new IoCompletionEntry { Token = ArmToken, Result = -Errno.EINVAL } }));
    }

    [Test]
    public void Emfile_EndsTheLiveArmWithoutMore_AndTheConnectionStaysQueued()
    {
        SimulatedNetworkOptions options = Fixed();
        options.AcceptEmfilePerMillion = 1_000_000;
        using var rig = new Rig(options);
        int listener = rig.Listen();
        rig.Arm(listener, ArmToken);
        Assert.That(rig.Drain(), Is.Empty, "armed: EMFILE is drawn per connection, not at submission");

        int client = rig.Connect(0);
        List<IoCompletionEntry> completions = rig.Settle();
        Assert.That(completions.Where(c => c.Token == ArmToken), Is.EqualTo(new[] { new IoCompletionEntry { Token = ArmToken, Result = -Errno.EMFILE } }),
            "the arm ends: no socket, no More");
        Assert.That(completions.Single(c => c.Token == ConnectToken).Result, Is.Zero, "the connection is established in the backlog");

        options.AcceptEmfilePerMillion = 0; // read live: descriptors are free again
        rig.Arm(listener, ArmToken + 1);
        IoCompletionEntry accepted = rig.Drain().Single();
        Assert.That((accepted.Token, accepted.Flags), Is.EqualTo((ArmToken + 1, IoCompletionFlags.More)), "the connection waited for the next arm");
        rig.AssertPaired([client], [accepted.Result]);
    }

    [Test]
    public void Emfile_NeverHitsAOneShotAccept()
    {
        SimulatedNetworkOptions options = Fixed();
        options.AcceptEmfilePerMillion = 1_000_000;
        using var rig = new Rig(options);
        int listener = rig.Listen();
        rig.Submit(new IoSubmission { Token = AcceptToken, Op = IoOpCode.Accept, Descriptor = listener });
        int client = rig.Connect(0);
        IoCompletionEntry accepted = rig.Settle().Single(c => c.Token == AcceptToken);
        Assert.That(accepted.Flags, Is.Zero);
        rig.AssertPaired([client], [accepted.Result]);
    }

    [Test]
    public void InjectedError_AtSubmission_AndAtALiveArmsConnection_EndsItWithoutMore_TheConnectionStaysQueued()
    {
        SimulatedNetworkOptions options = Fixed();
        options.ErrorPerMillion = 1_000_000;
        using var rig = new Rig(options);
        int listener = rig.Listen();
        rig.Arm(listener, ArmToken);
        Assert.That(rig.Drain(), Is.EqualTo(new[] { new IoCompletionEntry { Token = ArmToken, Result = -Errno.EIO } }), "at submission");

        options.ErrorPerMillion = 0;
        rig.Arm(listener, ArmToken + 1);
        int client = rig.Connect(0);
        options.ErrorPerMillion = 1_000_000; // read live: the connect is under way; its arrival's draw fails the arm
        List<IoCompletionEntry> completions = rig.Settle();
        Assert.That(completions.Where(c => c.Token == ArmToken + 1), Is.EqualTo(new[] { new IoCompletionEntry { Token = ArmToken + 1, Result = -Errno.EIO } }));
        Assert.That(completions.Single(c => c.Token == ConnectToken).Result, Is.Zero);

        options.ErrorPerMillion = 0;
        rig.Arm(listener, ArmToken + 2);
        IoCompletionEntry accepted = rig.Drain().Single();
        Assert.That((accepted.Token, accepted.Flags), Is.EqualTo((ArmToken + 2, IoCompletionFlags.More)));
        rig.AssertPaired([client], [accepted.Result]);
    }

    [Test]
    public void Off_NoCapability_AndAcceptMultishotRunsAsOneAccept()
    {
        using var rig = new Rig(Fixed(multishotAccept: false));
        IIoBackend io = rig.Backend;
        Assert.Multiple(() =>
        {
            Assert.That(io.Capabilities, Is.EqualTo(IoBackendCapabilities.None));
            Assert.That(io.Features, Does.Contain("multishot accept off"));
        });

        int listener = rig.Listen();
        rig.Arm(listener, ArmToken);
        int first = rig.Connect(0);
        int second = rig.Connect(1);
        List<IoCompletionEntry> accepted = rig.Settle().Where(c => c.Token == ArmToken).ToList();
        Assert.That(accepted, Has.Count.EqualTo(1), "one accept: one connection");
        Assert.That(accepted[0].Flags, Is.Zero, "no More: the arm has ended");
        rig.AssertPaired([first], [accepted[0].Result]);

        rig.Arm(listener, ArmToken + 1);
        IoCompletionEntry next = rig.Drain().Single();
        Assert.That((next.Token, next.Flags), Is.EqualTo((ArmToken + 1, 0u)), "the second waited in the backlog for the next accept; the lane was free");
        rig.AssertPaired([second], [next.Result]);
    }

    [Test]
    public void SameSeed_SameCompletionSequence_UnderFaults()
    {
        (List<(ulong, int, uint)> first, long firstEnd) = RunFaulty(seed: 23);
        (List<(ulong, int, uint)> second, long secondEnd) = RunFaulty(seed: 23);
        (List<(ulong, int, uint)> other, _) = RunFaulty(seed: 24);

        Assert.That(second, Is.EqualTo(first), "same seed, same completions in the same order");
        Assert.That(secondEnd, Is.EqualTo(firstEnd));
        Assert.That(other, Is.Not.EqualTo(first), "another seed takes another path");
        TestContext.Out.WriteLine(
            $"{first.Count} completions: {first.Count(c => c.Item1 == ArmToken && c.Item3 != 0)} accepted with More, "
            + $"{first.Count(c => c.Item1 == ArmToken && c.Item2 == -Errno.EMFILE)} EMFILE, {first.Count(c => c.Item1 == ArmToken && c.Item2 == -Errno.EIO)} EIO, "
            + $"{first.Count(c => c.Item1 == ArmToken && c.Item2 == -Errno.ECANCELED)} ECANCELED endings; "
            + $"{first.Count(c => c.Item1 >= ConnectToken && c.Item2 == -Errno.ECONNREFUSED)} refused connects");
        Assert.Multiple(() =>
        {
            Assert.That(first.Count(c => c.Item1 == ArmToken && (c.Item3 & IoCompletionFlags.More) != 0), Is.GreaterThan(10), "connections came on live arms");
            Assert.That(first.Count(c => c.Item1 == ArmToken && c.Item2 == -Errno.EMFILE), Is.GreaterThan(0), "EMFILE ended arms");
            Assert.That(first.Count(c => c.Item1 == ArmToken && c.Item2 == -Errno.EIO), Is.GreaterThan(0), "injected errors ended arms");
            Assert.That(first.Count(c => c.Item1 == ArmToken && c.Item2 == -Errno.ECANCELED), Is.GreaterThan(0), "cancels ended arms");
        });
    }

    /// <summary>
    /// Forty clients connect to one listener (backlog 4) in waves under delay, loss, reordering, injected errors and
    /// EMFILE; the acceptor keeps one arm up (re-arming after each ending completion, and cancelling it every seventh
    /// connection) until every client is accepted; refused or failed connects are retried. Returns every completion
    /// (token, result, flags) and the clock at the end.
    /// </summary>
    private static (List<(ulong Token, int Result, uint Flags)> Completions, long End) RunFaulty(ulong seed)
    {
        const int Clients = 40;
        var options = new SimulatedNetworkOptions
        {
            MinDelayNanoseconds = 1_000,
            MaxDelayNanoseconds = 50_000,
            DropPerMillion = 50_000,
            ReorderPerMillion = 100_000,
            ErrorPerMillion = 50_000,
            AcceptEmfilePerMillion = 100_000,
            MultishotAccept = true,
        };
        using var rig = new Rig(options, seed);
        int listener = rig.Listen(backlog: 4);
        var clients = new int[Clients];
        var connected = new bool[Clients];
        var connecting = new bool[Clients];
        var log = new List<(ulong, int, uint)>();
        var servers = new HashSet<int>();
        bool armed = false;
        bool cancelling = false;
        for (int i = 0; i < Clients; i++)
        {
            Assert.That(((ISocketLayer)rig.Backend).OpenStream(IoAddress.Loopback, out clients[i]), Is.Zero);
        }

        for (int step = 0; step < 100_000 && servers.Count < Clients; step++)
        {
            if (!armed)
            {
                rig.Arm(listener, ArmToken);
                armed = true;
            }

            // A wave of at most eight connects under way at a time.
            int under = connecting.Count(c => c);
            for (int i = 0; i < Clients && under < 8; i++)
            {
                if (!connected[i] && !connecting[i])
                {
                    rig.Connect(i, clients[i]);
                    connecting[i] = true;
                    under++;
                }
            }

            List<IoCompletionEntry> completions = rig.Drain();
            foreach (IoCompletionEntry c in completions)
            {
                log.Add((c.Token, c.Result, c.Flags));
                if (c.Token >= ConnectToken)
                {
                    int i = (int)(c.Token - ConnectToken);
                    connecting[i] = false;
                    connected[i] = c.Result == 0; // refused or an injected error: connect again
                }
                else if (c.Token == ArmToken)
                {
                    if (c.Result > 0)
                    {
                        Assert.That(servers.Add(c.Result), Is.True, "a new socket each time");
                        if (servers.Count % 7 == 0 && c.HasMore && !cancelling)
                        {
                            rig.Submit(new IoSubmission { Token = CancelToken, Op = IoOpCode.Cancel, Descriptor = listener, TargetToken = ArmToken });
                            cancelling = true;
                        }
                    }

                    armed &= c.HasMore;
                }
                else if (c.Token == CancelToken)
                {
                    cancelling = false;
                }
            }

            if (completions.Count == 0)
            {
                long next = rig.Network.NextEventTime;
                Assert.That(next, Is.Not.EqualTo(long.MaxValue), "stalled: nothing in flight, nothing ready");
                rig.Clock.NowNanoseconds = Math.Max(rig.Clock.NowNanoseconds, next);
            }
        }

        Assert.That(servers, Has.Count.EqualTo(Clients), "every client was accepted exactly once");
        return (log, rig.Clock.NowNanoseconds);
    }

    /// <summary>A simulated network with one backend on a manual clock, one listener and its clients.</summary>
    private sealed unsafe class Rig : SimulatedBackendRig
    {
        public const int Port = 9200;

        public Rig(SimulatedNetworkOptions options, ulong seed = 1)
            : base(options, seed)
        {
        }

        public int Listen(int backlog = 16)
        {
            Assert.That(((ISocketLayer)Backend).OpenListener(IoAddress.Loopback, Port, backlog, reusePort: false, out int listener), Is.Zero);
            return listener;
        }

        /// <summary>Connects a new client socket (or <paramref name="socket"/>) to the listener; its completion's token is ConnectToken + <paramref name="index"/>.</summary>
        public int Connect(int index, int socket = -1)
        {
            ISocketLayer sockets = Backend;
            if (socket < 0)
            {
                Assert.That(sockets.OpenStream(IoAddress.Loopback, out socket), Is.Zero);
            }

            nint address = Allocate(64);
            int length = sockets.EncodeAddress(IoAddress.Loopback, Port, (byte*)address, 64);
            Submit(new IoSubmission { Token = ConnectToken + (ulong)index, Op = IoOpCode.Connect, Descriptor = socket, Address = address, AddressLength = length });
            return socket;
        }

        /// <summary>Arms a multishot accept on <paramref name="descriptor"/>.</summary>
        public void Arm(int descriptor, ulong token) =>
            Submit(new IoSubmission { Token = token, Op = IoOpCode.AcceptMultishot, Descriptor = descriptor });

        /// <summary>Checks that server end i is client i's peer: bytes client i sends arrive at server i.</summary>
        public void AssertPaired(int[] clients, int[] servers)
        {
            Assert.That(servers, Has.Length.EqualTo(clients.Length));
            for (int i = 0; i < clients.Length; i++)
            {
                byte[] payload = Pattern(16, salt: clients[i]);
                nint send = Allocate(payload.Length);
                payload.CopyTo(new Span<byte>((void*)send, payload.Length));
                nint receive = Allocate(64);
                Submit(new IoSubmission { Token = SendToken + (ulong)i, Op = IoOpCode.Send, Descriptor = clients[i], Buffer = send, Length = payload.Length });
                Submit(new IoSubmission { Token = ReceiveToken + (ulong)i, Op = IoOpCode.Receive, Descriptor = servers[i], Buffer = receive, Length = 64 });
                List<IoCompletionEntry> completions = Settle();
                Assert.That(completions.Single(c => c.Token == SendToken + (ulong)i).Result, Is.EqualTo(payload.Length));
                Assert.That(completions.Single(c => c.Token == ReceiveToken + (ulong)i).Result, Is.EqualTo(payload.Length), $"server end {servers[i]} hears client {clients[i]}");
                Assert.That(new ReadOnlySpan<byte>((void*)receive, payload.Length).ToArray(), Is.EqualTo(payload), $"server end {servers[i]} is client {clients[i]}'s peer");
            }
        }
    }
}
