using System;
using System.Collections.Generic;
using System.IO;
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
/// The simulated backend's multishot receive with provided buffers, driven directly (no reactor): it must behave as
/// io_uring's does (see <see cref="IoOpCode.ReceiveMultishot"/>), so the simulator can exercise the reactor's
/// multishot path under seeded faults.
/// </summary>
[TestFixture]
public sealed class SimulatedMultishotReceiveTests
{
    private const ulong AcceptToken = 1;
    private const ulong ConnectToken = 2;
    private const ulong ArmToken = 10;
    private const ulong SendToken = 20;
    private const ulong CancelToken = 30;
    private const ulong CloseToken = 40;
    private const uint ArmedWithBuffer = IoCompletionFlags.BufferSelected | IoCompletionFlags.More;
    private static readonly int[] ExpectedLengths = [1000, 1000, 1000, 1000, 500];
    private static readonly int[] ExpectedIds = [0, 1, 2, 3, 4];

    private static SimulatedNetworkOptions Fixed(int count = 8, int size = 4096) => new()
    {
        MinDelayNanoseconds = 1_000,
        MaxDelayNanoseconds = 1_000,
        ProvidedBufferCount = count,
        ProvidedBufferSize = size,
    };

    private static byte[] Pattern(int length, int salt) =>
        Enumerable.Range(0, length).Select(i => (byte)((i * 31) + salt)).ToArray();

    private static uint WithId(ushort id) => ArmedWithBuffer | ((uint)id << IoCompletionFlags.BufferIdShift);

    [Test]
    public void Off_NoCapability_AndTheArmFailsWithEopnotsupp()
    {
        using var rig = new Rig(new SimulatedNetworkOptions());
        (_, int server) = rig.Connect();
        IIoBackend io = rig.Backend;

        Assert.Multiple(() =>
        {
            Assert.That(io.Capabilities, Is.EqualTo(IoBackendCapabilities.None));
            Assert.That(io.ProvidedBufferCount, Is.Zero);
            Assert.That(io.ProvidedBufferSize, Is.Zero);
            Assert.That(io.Features, Does.Contain("multishot receive off"));
            Assert.That(() => io.GetProvidedBuffer(0, 1), Throws.TypeOf<NotSupportedException>());
            Assert.That(() => io.ReturnProvidedBuffer(0), Throws.TypeOf<NotSupportedException>());
        });

        rig.Submit(new IoSubmission { Token = ArmToken, Op = IoOpCode.ReceiveMultishot, Descriptor = server });
        Assert.That(rig.Drain(), Is.EqualTo(new[] { new IoCompletionEntry { Token = ArmToken, Result = -Errno.EOPNOTSUPP } }), "at once, no More");
    }

    [Test]
    public void On_ReportsTheCapabilityAndThePool()
    {
        using var rig = new Rig(Fixed(count: 16, size: 512));
        IIoBackend io = rig.Backend;

        Assert.Multiple(() =>
        {
            Assert.That(io.Capabilities, Is.EqualTo(IoBackendCapabilities.MultishotReceive));
            Assert.That(io.ProvidedBufferCount, Is.EqualTo(16));
            Assert.That(io.ProvidedBufferSize, Is.EqualTo(512));
            Assert.That(io.Features, Does.Contain("multishot receive on (16 x 512 B provided buffers)"));
            Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero);
        });
    }

    [Test]
    public void OneArm_SeveralSends_OneCompletionEachWithMoreAndTheExactBytes()
    {
        using var rig = new Rig(Fixed());
        (int client, int server) = rig.Connect();
        rig.Arm(server, ArmToken);

        for (int i = 0; i < 3; i++)
        {
            byte[] payload = Pattern(10 + i, salt: i);
            rig.Send(client, payload, SendToken);
            List<IoCompletionEntry> completions = rig.Settle();
            Assert.That(completions, Has.Count.EqualTo(2));
            Assert.That(completions[0], Is.EqualTo(new IoCompletionEntry { Token = SendToken, Result = payload.Length }));
            IoCompletionEntry received = completions[1];
            Assert.That(received.Token, Is.EqualTo(ArmToken));
            Assert.That(received.Result, Is.EqualTo(payload.Length));
            Assert.That(received.HasMore && received.HasBuffer, Is.True, "still armed, with a buffer");
            Assert.That(received.Flags, Is.EqualTo(WithId((ushort)i)), "free ids leave in FIFO order: 0, 1, 2 though each was returned");
            Assert.That(rig.Take(received), Is.EqualTo(payload));
        }

        Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero);
    }

    [Test]
    public void PayloadLargerThanABuffer_ArrivesAcrossSeveralBuffers_IntactAndInOrder()
    {
        using var rig = new Rig(Fixed(count: 8, size: 1000));
        (int client, int server) = rig.Connect();
        rig.Arm(server, ArmToken);
        byte[] payload = Pattern(4500, salt: 7);

        rig.Send(client, payload, SendToken);
        List<IoCompletionEntry> received = rig.Settle().Where(c => c.Token == ArmToken).ToList();

        Assert.That(received.Select(c => c.Result), Is.EqualTo(ExpectedLengths));
        Assert.That(received.All(c => c.HasMore && c.HasBuffer), Is.True, "one event, one completion per buffer, all armed");
        Assert.That(received.Select(c => (int)c.BufferId), Is.EqualTo(ExpectedIds));
        Assert.That(rig.Backend.LentProvidedBuffers, Is.EqualTo(5), "lent until returned");
        Assert.That(received.SelectMany(rig.Take).ToArray(), Is.EqualTo(payload));
        Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero);
    }

    [Test]
    public void FullWindow_ReopensAsTheArmConsumes_AndTheParkedSendGoesOn()
    {
        var options = Fixed(count: 8, size: 512);
        options.ReceiveWindowBytes = 1024;
        using var rig = new Rig(options);
        (int client, int server) = rig.Connect();
        rig.Arm(server, ArmToken);
        byte[] payload = Pattern(1024 + 700, salt: 3);

        rig.Send(client, payload, SendToken);
        Assert.That(rig.Drain(), Is.EqualTo(new[] { new IoCompletionEntry { Token = SendToken, Result = 1024 } }), "a short write: the window is full");
        rig.Send(client, payload.AsSpan(1024), SendToken + 1);
        Assert.That(rig.Drain(), Is.Empty, "parked until the reader consumes");

        List<IoCompletionEntry> completions = rig.Settle();
        Assert.That(completions.Where(c => c.Token == SendToken + 1).Select(c => c.Result).Single(), Is.EqualTo(700), "the arm's reads reopened the window");
        List<IoCompletionEntry> received = completions.Where(c => c.Token == ArmToken).ToList();
        Assert.That(received.All(c => c.HasMore), Is.True);
        Assert.That(received.SelectMany(rig.Take).ToArray(), Is.EqualTo(payload));
        Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero);
    }

    [Test]
    public void NoFreeBuffer_EndsTheArmWithEnobufs_AndAfterReturningAndReArming_TheRestArrives()
    {
        using var rig = new Rig(Fixed(count: 2, size: 200));
        (int client, int server) = rig.Connect();
        rig.Arm(server, ArmToken);
        byte[] payload = Pattern(500, salt: 11);

        rig.Send(client, payload, SendToken);
        List<IoCompletionEntry> first = rig.Settle().Where(c => c.Token == ArmToken).ToList();
        Assert.That(first.Select(c => (c.Result, c.Flags)), Is.EqualTo(new[]
        {
            (200, WithId(0)),
            (200, WithId(1)),
            (-Errno.ENOBUFS, 0u),
        }), "both buffers, then the arm ends without More; the other 100 bytes stay in the socket");
        Assert.That(rig.Backend.LentProvidedBuffers, Is.EqualTo(2));

        var bytes = new MemoryStream();
        foreach (IoCompletionEntry c in first.Where(c => c.HasBuffer))
        {
            bytes.Write(rig.Take(c));
        }

        rig.Arm(server, ArmToken + 1);
        List<IoCompletionEntry> second = rig.Settle();
        Assert.That(second, Has.Count.EqualTo(1));
        Assert.That(second[0].Token, Is.EqualTo(ArmToken + 1));
        Assert.That(second[0].Result, Is.EqualTo(100));
        Assert.That(second[0].Flags, Is.EqualTo(WithId(0)), "returned buffers are free again");
        bytes.Write(rig.Take(second[0]));
        Assert.That(bytes.ToArray(), Is.EqualTo(payload));
        Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero);
    }

    [Test]
    public void PeerClose_EndsTheArmWithZeroAndNoMore_AfterTheLastBytes()
    {
        using var rig = new Rig(Fixed());
        (int client, int server) = rig.Connect();
        rig.Arm(server, ArmToken);
        byte[] payload = Pattern(10, salt: 1);

        rig.Send(client, payload, SendToken);
        rig.Submit(new IoSubmission { Token = CloseToken, Op = IoOpCode.Close, Descriptor = client });
        List<IoCompletionEntry> received = rig.Settle().Where(c => c.Token == ArmToken).ToList();

        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That((received[0].Result, received[0].Flags), Is.EqualTo((10, WithId(0))));
        Assert.That(received[1], Is.EqualTo(new IoCompletionEntry { Token = ArmToken, Result = 0 }), "EOF ends the arm: no More");
        Assert.That(rig.Take(received[0]), Is.EqualTo(payload));
        Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero);
    }

    [Test]
    public void CancelByToken_EndsTheArmWithEcanceledAndNoMore()
    {
        using var rig = new Rig(Fixed());
        (int client, int server) = rig.Connect();
        rig.Arm(server, ArmToken);

        rig.Submit(new IoSubmission { Token = CancelToken, Op = IoOpCode.Cancel, Descriptor = server, TargetToken = ArmToken });
        Assert.That(rig.Drain(), Is.EqualTo(new[]
        {
            new IoCompletionEntry { Token = ArmToken, Result = -Errno.ECANCELED },
            new IoCompletionEntry { Token = CancelToken, Result = 0 },
        }));

        rig.Submit(new IoSubmission { Token = CancelToken, Op = IoOpCode.Cancel, Descriptor = server, TargetToken = ArmToken });
        Assert.That(rig.Drain(), Is.EqualTo(new[] { new IoCompletionEntry { Token = CancelToken, Result = -Errno.ENOENT } }), "the arm is gone");

        rig.Send(client, Pattern(5, salt: 0), SendToken);
        Assert.That(rig.Settle().Where(c => c.Token == ArmToken), Is.Empty, "nothing is received after the cancel");
        Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero);
    }

    [Test]
    public void Close_EndsTheArmWithEcanceledAndNoMore()
    {
        using var rig = new Rig(Fixed());
        (_, int server) = rig.Connect();
        rig.Arm(server, ArmToken);

        rig.Submit(new IoSubmission { Token = CloseToken, Op = IoOpCode.Close, Descriptor = server });
        Assert.That(rig.Drain(), Is.EqualTo(new[]
        {
            new IoCompletionEntry { Token = ArmToken, Result = -Errno.ECANCELED },
            new IoCompletionEntry { Token = CloseToken, Result = 0 },
        }));
    }

    [Test]
    public void SecondArmOnTheSameSocket_IsRefusedWithEbusy()
    {
        using var rig = new Rig(Fixed());
        (_, int server) = rig.Connect();
        rig.Arm(server, ArmToken);

        rig.Submit(new IoSubmission { Token = ArmToken + 1, Op = IoOpCode.ReceiveMultishot, Descriptor = server });
        Assert.That(rig.Drain(), Is.EqualTo(new[] { new IoCompletionEntry { Token = ArmToken + 1, Result = -Errno.EBUSY } }), "one read lane, as for a one-shot receive");
    }

    [Test]
    public void Reset_EndsTheArmWithEconnresetAndNoMore()
    {
        var options = Fixed();
        using var rig = new Rig(options);
        (int client, int server) = rig.Connect();
        rig.Arm(server, ArmToken);

        options.ResetPerMillion = 1_000_000; // the network reads its options live: the next send resets the connection
        rig.Send(client, Pattern(10, salt: 0), SendToken);
        List<IoCompletionEntry> received = rig.Settle().Where(c => c.Token == ArmToken).ToList();

        Assert.That(received.Last(), Is.EqualTo(new IoCompletionEntry { Token = ArmToken, Result = -Errno.ECONNRESET }));
        Assert.That(received.SkipLast(1).All(c => c.HasMore), Is.True, "only the last completion ends the arm");
        foreach (IoCompletionEntry c in received.Where(c => c.HasBuffer))
        {
            rig.Take(c);
        }

        Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero);
    }

    [Test]
    public void InjectedError_EndsALiveArmAtADataEvent_AndTheBytesWaitForTheNextArm()
    {
        var options = Fixed();
        using var rig = new Rig(options);
        (int client, int server) = rig.Connect();
        rig.Arm(server, ArmToken);
        byte[] payload = Pattern(64, salt: 5);
        rig.Send(client, payload, SendToken);
        Assert.That(rig.Drain().Single().Token, Is.EqualTo(SendToken), "the send was buffered before errors were switched on");

        options.ErrorPerMillion = 1_000_000; // read live: the delivery's draw fails the arm
        Assert.That(rig.Settle(), Is.EqualTo(new[] { new IoCompletionEntry { Token = ArmToken, Result = -Errno.EIO } }), "no bytes taken, no More");
        Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero);

        options.ErrorPerMillion = 0;
        rig.Arm(server, ArmToken + 1);
        IoCompletionEntry received = rig.Drain().Single();
        Assert.That((received.Token, received.Result, received.Flags), Is.EqualTo((ArmToken + 1, 64, WithId(0))), "the bytes were waiting");
        Assert.That(rig.Take(received), Is.EqualTo(payload));
    }

    [Test]
    public void Partition_HoldsTheBytes_AndTheArmDeliversThemAfterTheHeal()
    {
        using var rig = new Rig(Fixed());
        (int client, int server) = rig.Connect();
        rig.Arm(server, ArmToken);
        rig.Network.Partition(IoAddress.Loopback, Rig.Port);
        byte[] payload = Pattern(32, salt: 9);

        rig.Send(client, payload, SendToken);
        Assert.That(rig.RunUntil(rig.Clock.NowNanoseconds + 50_000_000).Where(c => c.Token == ArmToken), Is.Empty, "held while partitioned");

        rig.Network.Heal(IoAddress.Loopback, Rig.Port);
        IoCompletionEntry received = rig.Settle().Single(c => c.Token == ArmToken);
        Assert.That(received.HasMore, Is.True);
        Assert.That(rig.Take(received), Is.EqualTo(payload));
    }

    [Test]
    public void ProvidedBuffers_ReturnedTwiceOrNeverLent_Throw()
    {
        using var rig = new Rig(Fixed(count: 4, size: 64));
        IIoBackend io = rig.Backend;
        (int client, int server) = rig.Connect();
        rig.Arm(server, ArmToken);
        rig.Send(client, Pattern(8, salt: 2), SendToken);
        IoCompletionEntry received = rig.Settle().Single(c => c.Token == ArmToken);
        ushort id = received.BufferId;

        Assert.That(() => io.GetProvidedBuffer(id, 65), Throws.TypeOf<ArgumentOutOfRangeException>(), "longer than a buffer");
        Assert.That(() => io.GetProvidedBuffer((ushort)(id + 1), 8), Throws.InvalidOperationException, "not lent");
        Assert.That(() => io.ReturnProvidedBuffer((ushort)(id + 1)), Throws.InvalidOperationException, "never lent");
        Assert.That(() => io.ReturnProvidedBuffer(4), Throws.TypeOf<ArgumentOutOfRangeException>(), "no such buffer");
        Assert.That(io.GetProvidedBuffer(id, 8).Length, Is.EqualTo(8));
        io.ReturnProvidedBuffer(id);
        Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero);
        Assert.That(() => io.ReturnProvidedBuffer(id), Throws.InvalidOperationException, "a double return");
        Assert.That(() => io.GetProvidedBuffer(id, 8), Throws.InvalidOperationException, "returned already");
        Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero, "a refused return changes nothing");
    }

    [Test]
    public void EachBackend_OwnsItsOwnPool()
    {
        var network = new SimulatedNetwork(Fixed(count: 2, size: 64), new SplitMix64(1));
        var clock = new ManualClock();
        using var first = new SimulatedBackend(network, () => clock.NowNanoseconds);
        using var second = new SimulatedBackend(network, () => clock.NowNanoseconds);
        using var rig = new Rig(network, first, clock);
        (int client, int server) = rig.Connect();
        rig.Arm(server, ArmToken);
        rig.Send(client, Pattern(8, salt: 2), SendToken);
        IoCompletionEntry received = rig.Settle().Single(c => c.Token == ArmToken);

        Assert.That(first.LentProvidedBuffers, Is.EqualTo(1));
        Assert.That(second.LentProvidedBuffers, Is.Zero);
        Assert.That(() => ((IIoBackend)second).ReturnProvidedBuffer(received.BufferId), Throws.InvalidOperationException, "another shard's buffer");
        rig.Take(received);
        Assert.That(first.LentProvidedBuffers, Is.Zero);
    }

    [Test]
    public void SameSeed_SameCompletionSequence_UnderFaults()
    {
        (List<(ulong, int, uint)> first, long firstEnd) = RunFaulty(seed: 17);
        (List<(ulong, int, uint)> second, long secondEnd) = RunFaulty(seed: 17);
        (List<(ulong, int, uint)> other, _) = RunFaulty(seed: 18);

        Assert.That(second, Is.EqualTo(first), "same seed, same completions in the same order");
        Assert.That(secondEnd, Is.EqualTo(firstEnd));
        Assert.That(other, Is.Not.EqualTo(first), "another seed takes another path");
        Assert.Multiple(() =>
        {
            Assert.That(first.Count(c => (c.Item3 & IoCompletionFlags.More) != 0), Is.GreaterThan(10), "data arrived on live arms");
            Assert.That(first.Count(c => c.Item1 < 2000 && c.Item2 == -Errno.ENOBUFS), Is.GreaterThan(0), "arms ran out of buffers");
            Assert.That(first.Count(c => c.Item1 < 2000 && c.Item2 == -Errno.EIO), Is.GreaterThan(0), "injected errors ended arms");
        });
    }

    /// <summary>
    /// Three connections, each streaming 20 KB in chunks through a small window into arms of 4 x 256 B buffers, under
    /// delay, loss, reordering and injected errors; the receiver returns each buffer as it drains it and re-arms after
    /// every ending completion. Returns every completion (token, result, flags) and the clock at the end.
    /// </summary>
    private static (List<(ulong Token, int Result, uint Flags)> Completions, long End) RunFaulty(ulong seed)
    {
        const int Connections = 3;
        const int Bytes = 20_000;
        const int Chunk = 700;
        var options = new SimulatedNetworkOptions
        {
            MinDelayNanoseconds = 1_000,
            MaxDelayNanoseconds = 50_000,
            DropPerMillion = 50_000,
            ReorderPerMillion = 100_000,
            ReceiveWindowBytes = 2048,
            ProvidedBufferCount = 4,
            ProvidedBufferSize = 256,
        };
        using var rig = new Rig(options, seed);
        var clients = new int[Connections];
        var servers = new int[Connections];
        var payloads = new byte[Connections][];
        var received = new MemoryStream[Connections];
        var sent = new int[Connections];
        var sending = new bool[Connections];
        var armed = new bool[Connections];
        for (int i = 0; i < Connections; i++)
        {
            (clients[i], servers[i]) = rig.Connect(Rig.Port + i);
            payloads[i] = Pattern(Bytes, salt: i);
            received[i] = new MemoryStream();
        }

        options.ErrorPerMillion = 50_000; // read live; connecting stayed fault-free so every run starts alike
        var log = new List<(ulong, int, uint)>();
        for (int step = 0; step < 200_000 && received.Any(r => r.Length < Bytes); step++)
        {
            for (int i = 0; i < Connections; i++)
            {
                if (!armed[i])
                {
                    rig.Arm(servers[i], 1000 + (ulong)i);
                    armed[i] = true;
                }

                if (!sending[i] && sent[i] < Bytes)
                {
                    rig.Send(clients[i], payloads[i].AsSpan(sent[i], Math.Min(Chunk, Bytes - sent[i])), 2000 + (ulong)i);
                    sending[i] = true;
                }
            }

            List<IoCompletionEntry> completions = rig.Drain();
            foreach (IoCompletionEntry c in completions)
            {
                log.Add((c.Token, c.Result, c.Flags));
                if (c.Token >= 2000)
                {
                    int i = (int)(c.Token - 2000);
                    sending[i] = false;
                    sent[i] += Math.Max(0, c.Result); // an injected error: the same chunk again
                }
                else
                {
                    int i = (int)(c.Token - 1000);
                    if (c.HasBuffer)
                    {
                        received[i].Write(rig.Take(c));
                    }

                    armed[i] &= c.HasMore;
                }
            }

            if (completions.Count == 0)
            {
                long next = rig.Network.NextEventTime;
                Assert.That(next, Is.Not.EqualTo(long.MaxValue), "stalled: nothing in flight, nothing ready");
                rig.Clock.NowNanoseconds = Math.Max(rig.Clock.NowNanoseconds, next);
            }
        }

        for (int i = 0; i < Connections; i++)
        {
            Assert.That(received[i].ToArray(), Is.EqualTo(payloads[i]), $"connection {i}: every byte, in order");
        }

        Assert.That(rig.Backend.LentProvidedBuffers, Is.Zero);
        return (log, rig.Clock.NowNanoseconds);
    }

    /// <summary>A simulated network with one backend on a manual clock, and the native memory its sends point into.</summary>
    private sealed unsafe class Rig : SimulatedBackendRig
    {
        public const int Port = 9100;

        public Rig(SimulatedNetworkOptions options, ulong seed = 1)
            : base(options, seed)
        {
        }

        public Rig(SimulatedNetwork network, SimulatedBackend backend, ManualClock clock)
            : base(network, backend, clock)
        {
        }

        /// <summary>A connected pair on loopback:<paramref name="port"/>: (client end, server end).</summary>
        public (int Client, int Server) Connect(int port = Port)
        {
            ISocketLayer sockets = Backend;
            Assert.That(sockets.OpenListener(IoAddress.Loopback, port, 16, reusePort: false, out int listener), Is.Zero);
            Assert.That(sockets.OpenStream(IoAddress.Loopback, out int client), Is.Zero);
            nint address = Allocate(64);
            int length = sockets.EncodeAddress(IoAddress.Loopback, port, (byte*)address, 64);
            Submit(new IoSubmission { Token = AcceptToken, Op = IoOpCode.Accept, Descriptor = listener });
            Submit(new IoSubmission { Token = ConnectToken, Op = IoOpCode.Connect, Descriptor = client, Address = address, AddressLength = length });
            List<IoCompletionEntry> completions = Settle();
            Assert.That(completions, Has.Count.EqualTo(2));
            Assert.That(completions.Single(c => c.Token == ConnectToken).Result, Is.Zero);
            int server = completions.Single(c => c.Token == AcceptToken).Result;
            Assert.That(server, Is.Positive);
            return (client, server);
        }

        /// <summary>Arms a multishot receive on <paramref name="descriptor"/>.</summary>
        public void Arm(int descriptor, ulong token) =>
            Submit(new IoSubmission { Token = token, Op = IoOpCode.ReceiveMultishot, Descriptor = descriptor });

        /// <summary>Sends a copy of <paramref name="data"/> (in native memory that lives as long as the rig: a send may park).</summary>
        public void Send(int descriptor, ReadOnlySpan<byte> data, ulong token)
        {
            nint buffer = Allocate(data.Length);
            data.CopyTo(new Span<byte>((void*)buffer, data.Length));
            Submit(new IoSubmission { Token = token, Op = IoOpCode.Send, Descriptor = descriptor, Buffer = buffer, Length = data.Length });
        }

        /// <summary>Copies a completion's provided buffer out and returns the buffer.</summary>
        public byte[] Take(IoCompletionEntry completion)
        {
            Assert.That(completion.HasBuffer, Is.True, completion.ToString());
            IIoBackend io = Backend;
            byte[] bytes = io.GetProvidedBuffer(completion.BufferId, completion.Result).ToArray();
            io.ReturnProvidedBuffer(completion.BufferId);
            return bytes;
        }
    }
}
