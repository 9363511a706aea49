using System;
using System.Collections.Generic;
using NUnit.Framework;
using Tina.Io.Backends.Iocp;
using Tina.Io.Interop;
using Tina.Io.Reactor;

namespace Tina.Io.Tests.Backends;

/// <summary>
/// The IOCP backend's platform-free core, on any OS: struct layouts, packet-to-slot mapping, and the translation of
/// fabricated completion packets. The syscall layer runs in the Windows CI job (design/io.md).
/// </summary>
public sealed unsafe class IocpCoreTests
{
    private sealed class FakePlatform : IIocpPlatform
    {
        public List<nint> Closed { get; } = new();

        public int OverlappedErrorToReturn { get; set; } = WindowsErrors.WSAECONNRESET;

        public int OverlappedError(IocpOperation* operation) => OverlappedErrorToReturn;

        public int CompleteAccept(nint listener, nint accepted) => 0;

        public int CompleteConnect(nint socket) => 0;

        public void CloseSocket(nint socket) => Closed.Add(socket);
    }

    [Test]
    public void Layouts_MatchWin64()
    {
        Assume.That(IntPtr.Size, Is.EqualTo(8), "64-bit layouts");
        Assert.That(sizeof(Overlapped), Is.EqualTo(32));
        Assert.That(sizeof(OverlappedEntry), Is.EqualTo(32));
        Assert.That(sizeof(WsaBuf), Is.EqualTo(16));
        Assert.That(System.Runtime.InteropServices.Marshal.OffsetOf<IocpOperation>(nameof(IocpOperation.Overlapped)), Is.EqualTo((nint)0), "OVERLAPPED first: the entry's pointer is the slot");
        Assert.That(IocpCore.Stride % 64, Is.Zero);
        Assert.That(IocpCore.Stride, Is.GreaterThanOrEqualTo(sizeof(IocpOperation)));
    }

    [Test]
    public void Translate_Success_GivesTheTokenAndByteCount_AndFreesTheSlot()
    {
        using var core = new IocpCore(4, new FakePlatform());
        Assert.That(core.TryRent(token: 77, IoOpCode.Receive, socket: 5, out int slot), Is.True);
        Span<OverlappedEntry> entries = stackalloc OverlappedEntry[1];
        entries[0] = new OverlappedEntry { Overlapped = (nint)core.At(slot), Internal = 0, BytesTransferred = 123 };
        var completions = new IoCompletionEntry[1];

        Assert.That(core.Translate(entries, completions), Is.EqualTo(1));
        Assert.That(completions[0], Is.EqualTo(new IoCompletionEntry { Token = 77, Result = 123 }));
        Assert.That(core.InFlight, Is.Zero);
    }

    [TestCase(WindowsErrors.STATUS_CANCELLED, Errno.ECANCELED)]
    [TestCase(WindowsErrors.STATUS_CONNECTION_RESET, Errno.ECONNRESET)]
    [TestCase(WindowsErrors.STATUS_CONNECTION_REFUSED, Errno.ECONNREFUSED)]
    [TestCase(0xC0001234u, Errno.ECONNRESET)] // unknown status: the Winsock error of the operation (fake: WSAECONNRESET)
    public void Translate_Failure_GivesNegativeErrno(uint status, int errno)
    {
        using var core = new IocpCore(2, new FakePlatform());
        core.TryRent(9, IoOpCode.Send, 5, out int slot);
        Span<OverlappedEntry> entries = stackalloc OverlappedEntry[1];
        entries[0] = new OverlappedEntry { Overlapped = (nint)core.At(slot), Internal = status };
        var completions = new IoCompletionEntry[1];

        core.Translate(entries, completions);
        Assert.That(completions[0].Result, Is.EqualTo(-errno));
    }

    [Test]
    public void Translate_Accept_GivesTheAcceptedSocket_OrClosesItOnFailure()
    {
        var platform = new FakePlatform();
        using var core = new IocpCore(2, platform);
        core.TryRent(1, IoOpCode.Accept, 5, out int ok);
        core.At(ok)->AcceptSocket = 200;
        core.TryRent(2, IoOpCode.Accept, 5, out int failed);
        core.At(failed)->AcceptSocket = 300;
        Span<OverlappedEntry> entries = stackalloc OverlappedEntry[2];
        entries[0] = new OverlappedEntry { Overlapped = (nint)core.At(ok) };
        entries[1] = new OverlappedEntry { Overlapped = (nint)core.At(failed), Internal = WindowsErrors.STATUS_CANCELLED };
        var completions = new IoCompletionEntry[2];

        Assert.That(core.Translate(entries, completions), Is.EqualTo(2));
        Assert.That(completions[0].Result, Is.EqualTo(200));
        Assert.That(completions[1].Result, Is.EqualTo(-Errno.ECANCELED));
        Assert.That(platform.Closed, Is.EqualTo(new List<nint> { 300 }), "a failed accept's pre-created socket is closed");
    }

    [Test]
    public void Translate_WakeAndForeignPackets_AreCountedAndSkipped()
    {
        using var core = new IocpCore(2, new FakePlatform());
        core.TryRent(5, IoOpCode.Receive, 5, out int slot);
        Span<OverlappedEntry> entries = stackalloc OverlappedEntry[4];
        entries[0] = new OverlappedEntry { CompletionKey = IocpCore.WakeKey };
        entries[1] = new OverlappedEntry { Overlapped = (nint)core.At(slot) + 8 };    // misaligned
        entries[2] = new OverlappedEntry { Overlapped = (nint)core.At(1 - slot) };    // a free slot: a duplicate packet
        entries[3] = new OverlappedEntry { Overlapped = 0x1000 };                      // outside the slab
        var completions = new IoCompletionEntry[4];

        Assert.That(core.Translate(entries, completions), Is.Zero);
        Assert.That(core.Wakes, Is.EqualTo(1));
        Assert.That(core.ForeignPackets, Is.EqualTo(3));
        Assert.That(core.InFlight, Is.EqualTo(1), "the real operation is still in flight");
        Assert.That(core.FindByToken(5), Is.EqualTo(slot));
    }

    [TestCase(WindowsErrors.WSAECONNREFUSED, Errno.ECONNREFUSED)]
    [TestCase(WindowsErrors.WSAECONNRESET, Errno.ECONNRESET)]
    [TestCase(WindowsErrors.ERROR_OPERATION_ABORTED, Errno.ECANCELED)]
    [TestCase(WindowsErrors.ERROR_NETNAME_DELETED, Errno.ECONNRESET)]
    [TestCase(WindowsErrors.WSAEADDRNOTAVAIL, Errno.EADDRNOTAVAIL)]
    [TestCase(WindowsErrors.WSAEMFILE, Errno.EMFILE)]
    [TestCase(424242, Errno.EIO)]
    public void WindowsErrors_MapToTinaErrnos(int windows, int errno) => Assert.That(WindowsErrors.ToErrno(windows), Is.EqualTo(errno));
}
