using System;
using System.Collections.Generic;
using System.Threading;
using NUnit.Framework;
using Tina.Io.Backends.IoUring;
using Tina.Io.Backends.IoUring.Interop;
using Tina.Io.Reactor;
using static Tina.Io.Tests.IoUring.IoUringTestKit;
using Tina.Io.Interop;

namespace Tina.Io.Tests.IoUring;

/// <summary>
/// The io_uring backend through its contract, on loopback and socketpairs only. Every wait is bounded by rounds
/// (<see cref="IoUringTestKit.WaitRoundsMax"/>); nothing asserts speed. Each test creates and drives its backend on
/// the test thread (SINGLE_ISSUER).
/// </summary>
public sealed class IoUringBackendTests
{
    private const ulong SendToken = 0x0100;
    private const ulong ReceiveToken = 0x0200;
    private const ulong AcceptToken = 0x0300;
    private const ulong ConnectToken = 0x0400;
    private const ulong CancelToken = 0x0500;
    private const ulong CloseToken = 0x0600;

    [Test]
    public void TryCreate_OnThisMachine_SucceedsOrNamesAnEnvironmentReason()
    {
        bool created = IoUringBackend.TryCreate(64, out IoUringBackend? backend, out string reason);
        using (backend)
        {
            TestContext.Out.WriteLine(created ? backend!.Features : "fallback: " + reason);
            TestContext.Out.WriteLine("kernel.io_uring_disabled = " + (IoUringDisabledSysctl() ?? "(no such sysctl)"));
            if (!created)
            {
                // Where io_uring is blocked (seccomp, the sysctl, gVisor), the fallback reason must say so.
                Assert.That(IsEnvironmentReason(reason), Is.True, reason);
                Assert.Warn("io_uring is blocked here; the fallback reason was asserted instead: " + reason);
                return;
            }

            Assert.Multiple(() =>
            {
                Assert.That(reason, Is.Empty);
                Assert.That(backend!.Name, Is.EqualTo("io_uring"));
                Assert.That(backend.Features, Does.Contain("rung=").And.Contain("NoDrop").And.Contain("ExtArg"));
                Assert.That(backend.SubmissionQueueEntries, Is.EqualTo(64));
                Assert.That(backend.CompletionQueueEntries, Is.GreaterThanOrEqualTo(2 * backend.SubmissionQueueEntries));
                Assert.That(backend.InFlightCount, Is.EqualTo(1), "only the wake read is armed after boot");
            });
        }
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void EverySetupRung_SocketPairRoundTrip_BytesMatch(int rung)
    {
        using IoUringBackend backend = Create(new IoUringOptions(32) { FirstSetupRung = rung, ProvidedBufferCount = 0 });
        TestContext.Out.WriteLine(backend.Features);
        Assert.That(backend.SetupRung, Is.GreaterThanOrEqualTo(rung));
        RoundTrip(backend, [1, 2, 3, 250]);
    }

    [Test]
    public void SocketPair_SendThenReceive_BytesMatch()
    {
        using IoUringBackend backend = Create();
        RoundTrip(backend, "hello, ring"u8.ToArray());
    }

    [Test]
    public void AcceptAndConnect_OnLoopback_BothCompleteAndCarryData()
    {
        using IoUringBackend backend = Create();
        int listener = LoopbackSocket(listen: true, out ushort port);
        int client = LinuxSockets.StreamSocket(Libc.AF_INET);
        int accepted = -1;
        byte[] address = Pinned(LinuxSockets.SockaddrInLength, out nint addressPointer);
        LinuxSockets.WriteLoopbackAddress(address, port);
        try
        {
            ReadOnlySpan<IoSubmission> batch =
            [
                new IoSubmission { Token = AcceptToken, Op = IoOpCode.Accept, Descriptor = listener },
                new IoSubmission
                {
                    Token = ConnectToken, Op = IoOpCode.Connect, Descriptor = client,
                    Address = addressPointer, AddressLength = LinuxSockets.SockaddrInLength,
                },
            ];
            Assert.That(backend.Submit(batch), Is.EqualTo(2));
            backend.Flush();
            List<IoCompletionEntry> pending = new();
            IoCompletionEntry connect = Await(backend, ConnectToken, pending);
            IoCompletionEntry accept = Await(backend, AcceptToken, pending);
            accepted = accept.Result;
            Assert.Multiple(() =>
            {
                Assert.That(connect.Result, Is.Zero, "connect");
                Assert.That(accept.Result, Is.GreaterThanOrEqualTo(0), "accept gives a descriptor");
                Assert.That(accept.HasMore, Is.False, "a one-shot accept ends with its completion");
            });

            SendAndReceive(backend, client, accepted, "over tcp"u8.ToArray());
        }
        finally
        {
            Close(accepted, client, listener);
        }
    }

    [Test]
    public void Connect_ToABoundPortWithNoListener_CompletesWithEconnrefused()
    {
        using IoUringBackend backend = Create();
        int bound = LoopbackSocket(listen: false, out ushort port); // holds the port so nobody else listens on it
        int client = LinuxSockets.StreamSocket(Libc.AF_INET);
        byte[] address = Pinned(LinuxSockets.SockaddrInLength, out nint addressPointer);
        LinuxSockets.WriteLoopbackAddress(address, port);
        try
        {
            SubmitOne(backend, new IoSubmission
            {
                Token = ConnectToken, Op = IoOpCode.Connect, Descriptor = client,
                Address = addressPointer, AddressLength = LinuxSockets.SockaddrInLength,
            });
            backend.Flush();
            IoCompletionEntry connect = Await(backend, ConnectToken, new List<IoCompletionEntry>());
            Assert.That(connect.Result, Is.EqualTo(-Errno.ECONNREFUSED));
            Assert.That(IoResult.FromKernel(connect.Result).OsError, Is.EqualTo(Errno.ECONNREFUSED));
        }
        finally
        {
            Close(client, bound);
        }
    }

    [Test]
    public void Wake_FromAnotherThread_InterruptsAWaitWithNoTimeout()
    {
        using IoUringBackend backend = Create();
        (int reader, int writer) = SocketPair();
        byte[] buffer = Pinned(8, out nint bufferPointer);
        using ManualResetEventSlim waiting = new();
        using ManualResetEventSlim returned = new();
        bool tripwireUsed = false;
        try
        {
            // A tripwire: if the wake were lost, the other thread unblocks the wait with data after 10 s, and the
            // receive's completion shows that the wake did not do it.
            SubmitOne(backend, new IoSubmission { Token = ReceiveToken, Op = IoOpCode.Receive, Descriptor = reader, Buffer = bufferPointer, Length = 8 });
            backend.Flush();
            Thread waker = new(() =>
            {
                waiting.Wait();
                Thread.Sleep(20); // let the shard thread block first (either order must work)
                backend.Wake();
                if (!returned.Wait(TimeSpan.FromSeconds(10)))
                {
                    tripwireUsed = true;
                    LinuxLibc.Write(writer, "x"u8);
                }
            });
            waker.Start();
            waiting.Set();
            backend.Wait(-1);
            returned.Set();
            waker.Join();

            IoCompletionEntry[] completions = new IoCompletionEntry[4];
            int count = backend.Collect(completions);
            Assert.Multiple(() =>
            {
                Assert.That(tripwireUsed, Is.False, "the wake ended the wait");
                Assert.That(count, Is.Zero, "the wake's own completion never reaches the reactor");
            });
        }
        finally
        {
            Close(reader, writer);
        }

        GC.KeepAlive(buffer);
    }

    [Test]
    public void Wake_RepeatedHandshakes_NeverLoseAWake()
    {
        const int Rounds = 200;
        using IoUringBackend backend = Create();
        (int reader, int writer) = SocketPair();
        byte[] buffer = Pinned(8, out nint bufferPointer);
        using SemaphoreSlim aboutToWait = new(0);
        using SemaphoreSlim returned = new(0);
        bool lost = false;
        try
        {
            // Tripwire as above: a lost wake is unblocked by data and reported, never a hang.
            SubmitOne(backend, new IoSubmission { Token = ReceiveToken, Op = IoOpCode.Receive, Descriptor = reader, Buffer = bufferPointer, Length = 8 });
            backend.Flush();
            Thread waker = new(() =>
            {
                for (int round = 0; round < Rounds; round++)
                {
                    aboutToWait.Wait();
                    backend.Wake();
                    if (!returned.Wait(TimeSpan.FromSeconds(10)))
                    {
                        lost = true;
                        LinuxLibc.Write(writer, "x"u8);
                        return;
                    }
                }
            });
            waker.Start();
            IoCompletionEntry[] completions = new IoCompletionEntry[4];
            int collected = 0;
            for (int round = 0; round < Rounds && !Volatile.Read(ref lost); round++)
            {
                aboutToWait.Release();
                backend.Wait(-1);
                while (backend.HasCompletions())
                {
                    collected += backend.Collect(completions);
                }

                collected += backend.Collect(completions);
                returned.Release();
            }

            waker.Join();
            Assert.Multiple(() =>
            {
                Assert.That(lost, Is.False, "every wake ended its wait");
                Assert.That(collected, Is.Zero, "wakes never reach the reactor as completions");
            });
        }
        finally
        {
            Close(reader, writer);
        }

        GC.KeepAlive(buffer);
    }

    [Test]
    public void Wake_BeforeWait_MakesTheNextWaitReturnOnceAndRearms()
    {
        using IoUringBackend backend = Create();
        backend.Wake();
        backend.Wake(); // absorbed by the first
        backend.Wait(-1);
        IoCompletionEntry[] completions = new IoCompletionEntry[4];
        Assert.That(backend.Collect(completions), Is.Zero);

        // The read is re-armed by Collect; a second wake from another thread must work too.
        Thread waker = new(backend.Wake);
        waker.Start();
        waker.Join();
        backend.Wait(-1);
        Assert.That(backend.HasCompletions(), Is.False);
    }

    [Test]
    public void Cancel_OfAPendingReceive_CompletesItWithEcanceled()
    {
        using IoUringBackend backend = Create();
        (int reader, int writer) = SocketPair();
        byte[] buffer = Pinned(16, out nint bufferPointer);
        try
        {
            SubmitOne(backend, new IoSubmission { Token = ReceiveToken, Op = IoOpCode.Receive, Descriptor = reader, Buffer = bufferPointer, Length = 16 });
            backend.Flush();
            backend.Wait(0);
            Assert.That(backend.HasCompletions(), Is.False, "nothing was sent, so the receive is pending");

            SubmitOne(backend, new IoSubmission { Token = CancelToken, Op = IoOpCode.Cancel, Descriptor = reader });
            backend.Flush();
            List<IoCompletionEntry> pending = new();
            IoCompletionEntry receive = Await(backend, ReceiveToken, pending);
            IoCompletionEntry cancel = Await(backend, CancelToken, pending);
            Assert.Multiple(() =>
            {
                Assert.That(receive.Result, Is.EqualTo(-Errno.ECANCELED));
                Assert.That(cancel.Result, Is.EqualTo(1), "io_uring reports how many it cancelled");
            });
        }
        finally
        {
            Close(reader, writer);
        }

        GC.KeepAlive(buffer);
    }

    [Test]
    public void Cancel_WithNothingPending_CompletesWithZeroOrEnoent()
    {
        using IoUringBackend backend = Create();
        (int reader, int writer) = SocketPair();
        try
        {
            SubmitOne(backend, new IoSubmission { Token = CancelToken, Op = IoOpCode.Cancel, Descriptor = reader });
            backend.Flush();
            IoCompletionEntry cancel = Await(backend, CancelToken, new List<IoCompletionEntry>());
            TestContext.Out.WriteLine("cancel with nothing to cancel: " + cancel.Result);
            Assert.That(cancel.Result, Is.EqualTo(0).Or.EqualTo(-Errno.ENOENT));
        }
        finally
        {
            Close(reader, writer);
        }
    }

    [Test]
    public void Close_ThroughTheRing_ClosesTheDescriptor()
    {
        using IoUringBackend backend = Create();
        (int reader, int writer) = SocketPair();
        SubmitOne(backend, new IoSubmission { Token = CloseToken, Op = IoOpCode.Close, Descriptor = writer });
        backend.Flush();
        IoCompletionEntry close = Await(backend, CloseToken, new List<IoCompletionEntry>());
        Assert.That(close.Result, Is.Zero);
        Assert.That(LinuxLibc.Read(reader, new byte[1]), Is.Zero, "the peer sees end of stream");
        Close(reader);
    }

    [Test]
    public void SteadyState_SubmitFlushWaitCollect_AllocatesNothing()
    {
        using IoUringBackend backend = Create();
        (int left, int right) = SocketPair();
        byte[] sendBuffer = Pinned(32, out nint sendPointer);
        byte[] receiveBuffer = Pinned(32, out nint receivePointer);
        IoSubmission[] batch =
        [
            new IoSubmission { Token = SendToken, Op = IoOpCode.Send, Descriptor = left, Buffer = sendPointer, Length = 32 },
            new IoSubmission { Token = ReceiveToken, Op = IoOpCode.Receive, Descriptor = right, Buffer = receivePointer, Length = 32 },
        ];
        IoCompletionEntry[] completions = new IoCompletionEntry[8];
        try
        {
            int failures = Exchange(backend, batch, completions, 200); // warm up: JIT, tiering, first-use paths
            long before = GC.GetAllocatedBytesForCurrentThread();
            failures += Exchange(backend, batch, completions, 2000);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Multiple(() =>
            {
                Assert.That(failures, Is.Zero, "every exchange completed with 32 bytes each way");
                Assert.That(allocated, Is.Zero, "bytes allocated by 2000 submit/flush/wait/collect rounds");
            });
        }
        finally
        {
            Close(left, right);
        }

        GC.KeepAlive(sendBuffer);
        GC.KeepAlive(receiveBuffer);
    }

    [Test]
    public void AcceptMultishot_TwoConnects_TwoDescriptorsWithMore()
    {
        using IoUringBackend backend = Create();
        Assume.That(backend.Capabilities.HasFlag(IoBackendCapabilities.MultishotAccept), Is.True, backend.Features);
        int listener = LoopbackSocket(listen: true, out ushort port);
        int first = LinuxSockets.StreamSocket(Libc.AF_INET);
        int second = LinuxSockets.StreamSocket(Libc.AF_INET);
        List<int> accepted = new();
        byte[] address = Pinned(LinuxSockets.SockaddrInLength, out nint addressPointer);
        LinuxSockets.WriteLoopbackAddress(address, port);
        try
        {
            SubmitOne(backend, new IoSubmission { Token = AcceptToken, Op = IoOpCode.AcceptMultishot, Descriptor = listener });
            ReadOnlySpan<IoSubmission> connects =
            [
                new IoSubmission { Token = ConnectToken, Op = IoOpCode.Connect, Descriptor = first, Address = addressPointer, AddressLength = LinuxSockets.SockaddrInLength },
                new IoSubmission { Token = ConnectToken + 1, Op = IoOpCode.Connect, Descriptor = second, Address = addressPointer, AddressLength = LinuxSockets.SockaddrInLength },
            ];
            Assert.That(backend.Submit(connects), Is.EqualTo(2));
            backend.Flush();
            List<IoCompletionEntry> pending = new();
            Assert.That(Await(backend, ConnectToken, pending).Result, Is.Zero);
            Assert.That(Await(backend, ConnectToken + 1, pending).Result, Is.Zero);
            for (int i = 0; i < 2; i++)
            {
                IoCompletionEntry accept = Await(backend, AcceptToken, pending);
                accepted.Add(accept.Result);
                Assert.That(accept.Result, Is.GreaterThanOrEqualTo(0));
                Assert.That(accept.HasMore, Is.True, "the multishot accept stays armed");
            }

            SubmitOne(backend, new IoSubmission { Token = CancelToken, Op = IoOpCode.Cancel, Descriptor = listener });
            backend.Flush();
            IoCompletionEntry last = Await(backend, AcceptToken, pending);
            Assert.Multiple(() =>
            {
                Assert.That(last.Result, Is.EqualTo(-Errno.ECANCELED));
                Assert.That(last.HasMore, Is.False, "the cancel ends the arm");
            });
            Await(backend, CancelToken, pending);
        }
        finally
        {
            Close([.. accepted, first, second, listener]);
        }
    }

    [Test]
    public void ReceiveMultishot_TwoSends_ProvidedBuffersHoldTheBytesAndGoBack()
    {
        using IoUringBackend backend = Create(new IoUringOptions(32) { ProvidedBufferCount = 8, ProvidedBufferSizeBytes = 64 });
        Assume.That(backend.Capabilities.HasFlag(IoBackendCapabilities.MultishotReceive), Is.True, backend.Features);
        Assert.That(backend.ProvidedBufferCount, Is.EqualTo(8));
        Assert.That(backend.ProvidedBufferSize, Is.EqualTo(64));
        (int reader, int writer) = SocketPair();
        try
        {
            SubmitOne(backend, new IoSubmission { Token = ReceiveToken, Op = IoOpCode.ReceiveMultishot, Descriptor = reader });
            backend.Flush();
            List<IoCompletionEntry> pending = new();
            foreach (string text in new[] { "first", "second" })
            {
                byte[] bytes = System.Text.Encoding.ASCII.GetBytes(text);
                Assert.That(LinuxLibc.Write(writer, bytes), Is.EqualTo(bytes.Length));
                IoCompletionEntry receive = Await(backend, ReceiveToken, pending);
                Assert.That(receive.Result, Is.EqualTo(bytes.Length));
                Assert.That(receive.HasBuffer, Is.True);
                Assert.That(receive.HasMore, Is.True);
                Assert.That(backend.LentBufferCount, Is.EqualTo(1));
                Assert.That(backend.GetProvidedBuffer(receive.BufferId, receive.Result).ToArray(), Is.EqualTo(bytes));
                backend.ReturnProvidedBuffer(receive.BufferId);
                Assert.That(backend.LentBufferCount, Is.Zero);
            }

            Assert.Throws<InvalidOperationException>(() => backend.ReturnProvidedBuffer(0), "a double (or unlent) return is refused");
            Assert.Throws<InvalidOperationException>(() => backend.ReturnProvidedBuffer(7), "a never-lent buffer cannot be returned");
            LinuxLibc.Close(writer);
            writer = -1;
            IoCompletionEntry end = Await(backend, ReceiveToken, pending);
            Assert.Multiple(() =>
            {
                Assert.That(end.Result, Is.Zero, "the peer closed");
                Assert.That(end.HasMore, Is.False, "end of stream ends the arm");
                Assert.That(end.HasBuffer, Is.False);
            });
        }
        finally
        {
            Close(reader, writer);
        }
    }

    [Test]
    public void ReceiveMultishot_WhenBuffersRunOut_EndsWithEnobufs()
    {
        using IoUringBackend backend = Create(new IoUringOptions(32) { ProvidedBufferCount = 2, ProvidedBufferSizeBytes = 16 });
        Assume.That(backend.Capabilities.HasFlag(IoBackendCapabilities.MultishotReceive), Is.True, backend.Features);
        (int reader, int writer) = SocketPair();
        List<ushort> held = new();
        try
        {
            SubmitOne(backend, new IoSubmission { Token = ReceiveToken, Op = IoOpCode.ReceiveMultishot, Descriptor = reader });
            backend.Flush();
            List<IoCompletionEntry> pending = new();
            for (int round = 0; round < 8; round++)
            {
                LinuxLibc.Write(writer, "0123456789abcdef"u8);
                IoCompletionEntry receive = Await(backend, ReceiveToken, pending);
                if (receive.HasBuffer)
                {
                    held.Add(receive.BufferId); // hold it: the ring drains
                }

                if (!receive.HasMore)
                {
                    Assert.That(receive.Result, Is.EqualTo(-Errno.ENOBUFS));
                    Assert.That(held, Has.Count.EqualTo(2), "both buffers were lent before the arm ended");
                    foreach (ushort id in held)
                    {
                        backend.ReturnProvidedBuffer(id);
                    }

                    Assert.That(backend.LentBufferCount, Is.Zero);
                    return;
                }
            }

            Assert.Fail("The multishot receive never ran out of buffers.");
        }
        finally
        {
            Close(reader, writer);
        }
    }

    [Test]
    public void ReceiveMultishot_WithoutABufferRing_CompletesWithEopnotsupp()
    {
        using IoUringBackend backend = Create(new IoUringOptions(16) { ProvidedBufferCount = 0 });
        Assert.That(backend.Capabilities.HasFlag(IoBackendCapabilities.MultishotReceive), Is.False);
        SubmitOne(backend, new IoSubmission { Token = ReceiveToken, Op = IoOpCode.ReceiveMultishot, Descriptor = 0 });
        Assert.That(backend.HasCompletions(), Is.True);
        IoCompletionEntry[] completions = new IoCompletionEntry[2];
        Assert.That(backend.Collect(completions), Is.EqualTo(1));
        Assert.That(completions[0].Token, Is.EqualTo(ReceiveToken));
        Assert.That(completions[0].Result, Is.EqualTo(-Errno.EOPNOTSUPP));
    }

    [Test]
    public void Submit_AReservedToken_CompletesWithEinval()
    {
        using IoUringBackend backend = Create();
        SubmitOne(backend, new IoSubmission { Token = IoSubmission.ReservedTokenMinimum, Op = IoOpCode.Close, Descriptor = -1 });
        IoCompletionEntry entry = Await(backend, IoSubmission.ReservedTokenMinimum, new List<IoCompletionEntry>());
        Assert.That(entry.Result, Is.EqualTo(-Errno.EINVAL));
    }

    [Test]
    public void Submit_MoreThanTheSubmissionQueue_SubmitsEarlyAndCompletesAll()
    {
        using IoUringBackend backend = Create(new IoUringOptions(8) { ProvidedBufferCount = 0 });
        IoSubmission[] batch = new IoSubmission[50];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = new IoSubmission { Token = (ulong)(1000 + i), Op = IoOpCode.Close, Descriptor = -1 };
        }

        Assert.That(backend.Submit(batch), Is.EqualTo(batch.Length));
        Assert.That(backend.SubmitWhileFullCount, Is.GreaterThan(0));
        backend.Flush();
        List<IoCompletionEntry> pending = new();
        for (int i = 0; i < batch.Length; i++)
        {
            Assert.That(Await(backend, (ulong)(1000 + i), pending).Result, Is.EqualTo(-Errno.EBADF));
        }
    }

    [Test]
    public void Submit_FromAnotherThread_Throws()
    {
        using IoUringBackend backend = Create();
        Exception? caught = null;
        Thread other = new(() =>
        {
            try
            {
                backend.Submit([new IoSubmission { Token = 1, Op = IoOpCode.Close, Descriptor = -1 }]);
            }
            catch (InvalidOperationException exception)
            {
                caught = exception;
            }
        });
        other.Start();
        other.Join();
        Assert.That(caught, Is.Not.Null);
    }

    [Test]
    public void TryQueueWake_ToAnotherShardsRing_InterruptsItsWaitWithNoTimeout()
    {
        using IoUringBackend sender = Create();
        Assume.That(sender.Capabilities.HasFlag(IoBackendCapabilities.QueuedCrossWake), Is.True, sender.Features);
        IoUringBackend? target = null;
        string? targetFailure = null;
        bool targetReturned = false;
        using ManualResetEventSlim ready = new();
        using ManualResetEventSlim done = new();
        Thread shard = new(() =>
        {
            try
            {
                if (!IoUringBackend.TryCreate(64, out target, out string reason))
                {
                    targetFailure = reason;
                    return;
                }

                ready.Set();
                target!.Wait(-1);
                targetReturned = true;
                IoCompletionEntry[] completions = new IoCompletionEntry[4];
                if (target.Collect(completions) != 0)
                {
                    targetFailure = "the MSG_RING wake reached the reactor as a completion";
                }
            }
            finally
            {
                ready.Set();
                done.Wait();
                target?.Dispose();
            }
        });
        shard.Start();
        ready.Wait();
        try
        {
            Assert.That(targetFailure, Is.Null);
            Assert.That(sender.TryQueueWake(target!), Is.True);
            sender.Flush(); // the wake leaves with the sender's batch
            for (int round = 0; round < WaitRoundsMax && !Volatile.Read(ref targetReturned); round++)
            {
                Thread.Sleep(50);
            }

            bool returned = Volatile.Read(ref targetReturned);
            if (!returned)
            {
                target!.Wake(); // unblock it before failing
            }

            Assert.That(returned, Is.True, "the MSG_RING wake ended the target's wait");
        }
        finally
        {
            done.Set();
            shard.Join();
        }

        Assert.That(targetFailure, Is.Null);
        Assert.That(sender.CrossWakeFailureCount, Is.Zero);
    }

    [Test]
    public void Dispose_WithAReceivePending_CancelsAndDrainsEverything()
    {
        IoUringBackend backend = Create();
        (int reader, int writer) = SocketPair();
        byte[] buffer = Pinned(16, out nint bufferPointer);
        SubmitOne(backend, new IoSubmission { Token = ReceiveToken, Op = IoOpCode.Receive, Descriptor = reader, Buffer = bufferPointer, Length = 16 });
        backend.Flush();
        backend.Dispose();
        Assert.That(backend.InFlightCount, Is.Zero, "the kernel finished with every buffer before the rings went away");
        Assert.Throws<ObjectDisposedException>(() => backend.Flush());
        backend.Dispose(); // idempotent
        Close(reader, writer);
        GC.KeepAlive(buffer);
    }

    [TestCase(Errno.ENOSYS, "ENOSYS")]
    [TestCase(Errno.EPERM, "EPERM")]
    [TestCase(Errno.EINVAL, "EINVAL on every setup rung")]
    [TestCase(Errno.ENOMEM, "ENOMEM")]
    [TestCase(Errno.EMFILE, "EMFILE")]
    public void SetupFailure_Reason_NamesTheErrnoForTheFallbackLog(int errno, string expected)
    {
        string reason = IoUringBackend.DescribeSetupFailure(errno, () => "2");
        Assert.That(reason, Does.Contain(expected));
        if (errno == Errno.EPERM)
        {
            Assert.That(reason, Does.Contain("kernel.io_uring_disabled = 2"), "EPERM explains itself with the sysctl");
        }

        bool environmental = IsEnvironmentReason(reason);
        Assert.That(environmental, Is.EqualTo(errno is Errno.ENOSYS or Errno.EPERM or Errno.ENOMEM));
    }

    [Test]
    public void Completions_BeyondTheCompletionQueue_AreKeptByTheKernelAndAllArrive()
    {
        using IoUringBackend backend = Create(new IoUringOptions(4) { ProvidedBufferCount = 0 });
        int total = backend.CompletionQueueEntries * 3;
        IoSubmission[] batch = new IoSubmission[total];
        for (int i = 0; i < total; i++)
        {
            batch[i] = new IoSubmission { Token = (ulong)(5000 + i), Op = IoOpCode.Close, Descriptor = -1 };
        }

        Assert.That(backend.Submit(batch), Is.EqualTo(total));
        backend.Flush();
        backend.Wait(0);
        // Closes of a bad descriptor complete inline at submit, so three CQs' worth overflow before the first drain.
        Assert.That(backend.CompletionQueueOverflowed, Is.True, "the test must really overflow the CQ");
        IoCompletionEntry[] completions = new IoCompletionEntry[7]; // small on purpose: many partial drains
        List<ulong> tokens = new();
        for (int round = 0; round < WaitRoundsMax && tokens.Count < total; round++)
        {
            if (!backend.HasCompletions())
            {
                backend.Wait(WaitRoundNanoseconds);
            }

            int count = backend.Collect(completions);
            for (int i = 0; i < count; i++)
            {
                Assert.That(completions[i].Result, Is.EqualTo(-Errno.EBADF));
                tokens.Add(completions[i].Token);
            }
        }

        Assert.That(tokens, Has.Count.EqualTo(total));
        Assert.That(tokens, Is.Unique);
        Assert.That(backend.InFlightCount, Is.EqualTo(1), "only the wake read remains");
    }

    [Test]
    public void ThroughTheInterface_OptionalMembersAreTheBackendsOwn()
    {
        using IoUringBackend concrete = Create(new IoUringOptions(16) { ProvidedBufferCount = 4, ProvidedBufferSizeBytes = 128 });
        IIoBackend backend = concrete;
        Assert.Multiple(() =>
        {
            Assert.That(backend.Capabilities, Is.EqualTo(concrete.Capabilities));
            Assert.That(backend.ProvidedBufferCount, Is.EqualTo(concrete.Capabilities.HasFlag(IoBackendCapabilities.MultishotReceive) ? 4 : 0));
            Assert.That(backend.TryQueueWake(backend), Is.False, "a backend does not message itself");
        });
    }

    [Test]
    public void Options_OutOfRange_AreRejectedNamingTheField()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => IoUringBackend.TryCreate(0, out _, out _),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("SubmissionEntries"));
            Assert.That(() => IoUringBackend.TryCreate(new IoUringOptions(8) { ProvidedBufferCount = 3 }, out _, out _),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("ProvidedBufferCount"));
            Assert.That(() => IoUringBackend.TryCreate(new IoUringOptions(8) { FirstSetupRung = 5 }, out _, out _),
                Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("FirstSetupRung"));
        });
    }

    /// <summary>Send then receive through a fresh socketpair.</summary>
    private static void RoundTrip(IoUringBackend backend, byte[] payload)
    {
        (int left, int right) = SocketPair();
        try
        {
            SendAndReceive(backend, left, right, payload);
        }
        finally
        {
            Close(left, right);
        }
    }

    /// <summary>Sends <paramref name="payload"/> on one descriptor and receives it on the other, both through the ring.</summary>
    private static void SendAndReceive(IoUringBackend backend, int from, int to, byte[] payload)
    {
        byte[] sendBuffer = Pinned(payload.Length, out nint sendPointer);
        byte[] receiveBuffer = Pinned(payload.Length + 16, out nint receivePointer);
        payload.CopyTo(sendBuffer, 0);
        ReadOnlySpan<IoSubmission> batch =
        [
            new IoSubmission { Token = SendToken, Op = IoOpCode.Send, Descriptor = from, Buffer = sendPointer, Length = payload.Length },
            new IoSubmission { Token = ReceiveToken, Op = IoOpCode.Receive, Descriptor = to, Buffer = receivePointer, Length = receiveBuffer.Length },
        ];
        Assert.That(backend.Submit(batch), Is.EqualTo(2));
        backend.Flush();
        List<IoCompletionEntry> pending = new();
        IoCompletionEntry send = Await(backend, SendToken, pending);
        IoCompletionEntry receive = Await(backend, ReceiveToken, pending);
        Assert.Multiple(() =>
        {
            Assert.That(send.Result, Is.EqualTo(payload.Length), "bytes sent");
            Assert.That(receive.Result, Is.EqualTo(payload.Length), "bytes received");
            Assert.That(receiveBuffer.AsSpan(0, payload.Length).ToArray(), Is.EqualTo(payload));
        });
    }

    /// <summary>Allocation-free exchange rounds: returns how many went wrong (no asserts inside: they allocate).</summary>
    private static int Exchange(IoUringBackend backend, IoSubmission[] batch, IoCompletionEntry[] completions, int rounds)
    {
        int failures = 0;
        for (int round = 0; round < rounds; round++)
        {
            if (backend.Submit(batch) != batch.Length)
            {
                return failures + 1;
            }

            backend.Flush();
            int seen = 0;
            for (int wait = 0; wait < WaitRoundsMax && seen < batch.Length; wait++)
            {
                if (!backend.HasCompletions())
                {
                    backend.Wait(WaitRoundNanoseconds);
                }

                int count = backend.Collect(completions);
                for (int i = 0; i < count; i++)
                {
                    failures += completions[i].Result == 32 ? 0 : 1;
                }

                seen += count;
            }

            failures += seen == batch.Length ? 0 : 1;
        }

        return failures;
    }
}
