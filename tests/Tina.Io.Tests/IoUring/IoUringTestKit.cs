using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using NUnit.Framework;
using Tina.Io.Backends.IoUring;
using Tina.Io.Backends.IoUring.Interop;
using Tina.Io.Reactor;
using Tina.Io.Interop;

namespace Tina.Io.Tests.IoUring;

/// <summary>
/// Shared pieces of the io_uring tests: creation that skips where io_uring is unavailable (and says why), bounded
/// completion waits, pinned buffers, and loopback sockets made with raw libc calls (no System.Net.Sockets).
/// </summary>
internal static class IoUringTestKit
{
    /// <summary>Wait rounds before a test gives up on a completion: a bound against hangs, never a speed assertion.</summary>
    public const int WaitRoundsMax = 200;

    /// <summary>One round's wait: 50 ms.</summary>
    public const long WaitRoundNanoseconds = 50_000_000;

    /// <summary>Reasons that mean "this environment forbids io_uring", not "the backend is broken".</summary>
    public static bool IsEnvironmentReason(string reason) =>
        reason.Contains("EPERM", StringComparison.Ordinal)
        || reason.Contains("ENOSYS", StringComparison.Ordinal)
        || reason.Contains("ENOMEM", StringComparison.Ordinal)
        || reason.Contains("not Linux", StringComparison.Ordinal);

    /// <summary>kernel.io_uring_disabled, or null where the sysctl does not exist (before 6.6, or not Linux).</summary>
    public static string? IoUringDisabledSysctl() =>
        File.Exists("/proc/sys/kernel/io_uring_disabled") ? File.ReadAllText("/proc/sys/kernel/io_uring_disabled").Trim() : null;

    /// <summary>A backend on this thread, or the test is ignored with the environment's reason (a backend bug fails).</summary>
    public static IoUringBackend Create(IoUringOptions? options = null)
    {
        if (IoUringBackend.TryCreate(options ?? new IoUringOptions(64), out IoUringBackend? backend, out string reason))
        {
            return backend!;
        }

        if (!IsEnvironmentReason(reason))
        {
            Assert.Fail("io_uring creation failed for a reason that is not the environment's: " + reason);
        }

        Assert.Ignore("io_uring is unavailable here: " + reason);
        return null!;
    }

    /// <summary>Waits and collects until a completion with <paramref name="token"/> arrives; others go to <paramref name="pending"/>.</summary>
    public static IoCompletionEntry Await(IoUringBackend backend, ulong token, List<IoCompletionEntry> pending)
    {
        IoCompletionEntry[] batch = new IoCompletionEntry[16];
        for (int round = 0; round < WaitRoundsMax; round++)
        {
            for (int i = 0; i < pending.Count; i++)
            {
                if (pending[i].Token == token)
                {
                    IoCompletionEntry found = pending[i];
                    pending.RemoveAt(i);
                    return found;
                }
            }

            backend.Wait(WaitRoundNanoseconds);
            int count = backend.Collect(batch);
            for (int i = 0; i < count; i++)
            {
                pending.Add(batch[i]);
            }
        }

        Assert.Fail($"No completion for token {token} after {WaitRoundsMax} wait rounds.");
        return default;
    }

    /// <summary>Submits one operation, asserting it was accepted.</summary>
    public static void SubmitOne(IoUringBackend backend, IoSubmission submission)
    {
        ReadOnlySpan<IoSubmission> batch = [submission];
        Assert.That(backend.Submit(batch), Is.EqualTo(1), "the backend accepted the submission");
    }

    /// <summary>A byte array on the pinned object heap (it never moves) and its address.</summary>
    public static byte[] Pinned(int length, out nint address)
    {
        byte[] array = GC.AllocateArray<byte>(length, pinned: true);
        address = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        return array;
    }

    /// <summary>A blocking AF_UNIX stream socketpair.</summary>
    public static (int First, int Second) SocketPair()
    {
        Assert.That(LinuxSockets.SocketPair(out int first, out int second), Is.Zero, "socketpair");
        return (first, second);
    }

    /// <summary>A TCP socket bound to 127.0.0.1 on a kernel-chosen port, listening when asked.</summary>
    public static int LoopbackSocket(bool listen, out ushort port)
    {
        int fd = LinuxSockets.StreamSocket(Libc.AF_INET);
        Assert.That(fd, Is.GreaterThanOrEqualTo(0), "socket");
        Span<byte> address = stackalloc byte[LinuxSockets.SockaddrInLength];
        LinuxSockets.WriteLoopbackAddress(address, 0);
        Assert.That(LinuxSockets.Bind(fd, address), Is.Zero, "bind");
        if (listen)
        {
            Assert.That(LinuxSockets.Listen(fd, 16), Is.Zero, "listen");
        }

        Assert.That(LinuxSockets.GetSocketName(fd, address), Is.EqualTo(LinuxSockets.SockaddrInLength), "getsockname");
        port = LinuxSockets.ReadPort(address);
        return fd;
    }

    /// <summary>Closes descriptors that are still open (ignores -1).</summary>
    public static void Close(params int[] descriptors)
    {
        foreach (int fd in descriptors)
        {
            if (fd >= 0)
            {
                LinuxLibc.Close(fd);
            }
        }
    }
}
