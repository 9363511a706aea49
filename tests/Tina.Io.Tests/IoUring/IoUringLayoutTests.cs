using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NUnit.Framework;
using Tina.Io.Backends.IoUring.Interop;

namespace Tina.Io.Tests.IoUring;

/// <summary>
/// The interop structs against the kernel ABI (include/uapi/linux/io_uring.h, checked with offsetof/sizeof from gcc on
/// this machine's headers). A drift here corrupts every SQE, so each field offset is pinned.
/// </summary>
public sealed class IoUringLayoutTests
{
    [TestCase(typeof(IoUringSqe), 64)]
    [TestCase(typeof(IoUringCqe), 16)]
    [TestCase(typeof(IoUringParams), 120)]
    [TestCase(typeof(IoSqRingOffsets), 40)]
    [TestCase(typeof(IoCqRingOffsets), 40)]
    [TestCase(typeof(IoUringProbeHeader), 16)]
    [TestCase(typeof(IoUringProbeOp), 8)]
    [TestCase(typeof(IoUringBufferRegistration), 40)]
    [TestCase(typeof(IoUringBuffer), 16)]
    [TestCase(typeof(IoUringGetEventsArg), 24)]
    [TestCase(typeof(KernelTimespec), 16)]
    public void Struct_Size_MatchesKernelAbi(Type type, int size)
    {
        Assert.That(Marshal.SizeOf(type), Is.EqualTo(size), "marshalled size");
        Assert.That(ManagedSize(type), Is.EqualTo(size), "managed (blittable) size");
    }

    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.Opcode), 0)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.Flags), 1)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.IoPriority), 2)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.Descriptor), 4)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.Offset), 8)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.Address), 16)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.Length), 24)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.OpFlags), 28)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.UserData), 32)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.BufferGroup), 40)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.Personality), 42)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.FileIndex), 44)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.Address3), 48)]
    [TestCase(typeof(IoUringSqe), nameof(IoUringSqe.Padding2), 56)]
    [TestCase(typeof(IoUringCqe), nameof(IoUringCqe.UserData), 0)]
    [TestCase(typeof(IoUringCqe), nameof(IoUringCqe.Result), 8)]
    [TestCase(typeof(IoUringCqe), nameof(IoUringCqe.Flags), 12)]
    [TestCase(typeof(IoUringParams), nameof(IoUringParams.SqEntries), 0)]
    [TestCase(typeof(IoUringParams), nameof(IoUringParams.CqEntries), 4)]
    [TestCase(typeof(IoUringParams), nameof(IoUringParams.Flags), 8)]
    [TestCase(typeof(IoUringParams), nameof(IoUringParams.SqThreadCpu), 12)]
    [TestCase(typeof(IoUringParams), nameof(IoUringParams.SqThreadIdle), 16)]
    [TestCase(typeof(IoUringParams), nameof(IoUringParams.Features), 20)]
    [TestCase(typeof(IoUringParams), nameof(IoUringParams.WqFd), 24)]
    [TestCase(typeof(IoUringParams), nameof(IoUringParams.Reserved0), 28)]
    [TestCase(typeof(IoUringParams), nameof(IoUringParams.SqOffsets), 40)]
    [TestCase(typeof(IoUringParams), nameof(IoUringParams.CqOffsets), 80)]
    [TestCase(typeof(IoSqRingOffsets), nameof(IoSqRingOffsets.Head), 0)]
    [TestCase(typeof(IoSqRingOffsets), nameof(IoSqRingOffsets.Tail), 4)]
    [TestCase(typeof(IoSqRingOffsets), nameof(IoSqRingOffsets.RingMask), 8)]
    [TestCase(typeof(IoSqRingOffsets), nameof(IoSqRingOffsets.RingEntries), 12)]
    [TestCase(typeof(IoSqRingOffsets), nameof(IoSqRingOffsets.Flags), 16)]
    [TestCase(typeof(IoSqRingOffsets), nameof(IoSqRingOffsets.Dropped), 20)]
    [TestCase(typeof(IoSqRingOffsets), nameof(IoSqRingOffsets.Array), 24)]
    [TestCase(typeof(IoSqRingOffsets), nameof(IoSqRingOffsets.UserAddress), 32)]
    [TestCase(typeof(IoCqRingOffsets), nameof(IoCqRingOffsets.Head), 0)]
    [TestCase(typeof(IoCqRingOffsets), nameof(IoCqRingOffsets.Tail), 4)]
    [TestCase(typeof(IoCqRingOffsets), nameof(IoCqRingOffsets.RingMask), 8)]
    [TestCase(typeof(IoCqRingOffsets), nameof(IoCqRingOffsets.RingEntries), 12)]
    [TestCase(typeof(IoCqRingOffsets), nameof(IoCqRingOffsets.Overflow), 16)]
    [TestCase(typeof(IoCqRingOffsets), nameof(IoCqRingOffsets.Cqes), 20)]
    [TestCase(typeof(IoCqRingOffsets), nameof(IoCqRingOffsets.Flags), 24)]
    [TestCase(typeof(IoCqRingOffsets), nameof(IoCqRingOffsets.UserAddress), 32)]
    [TestCase(typeof(IoUringProbeHeader), nameof(IoUringProbeHeader.LastOp), 0)]
    [TestCase(typeof(IoUringProbeHeader), nameof(IoUringProbeHeader.OpsLength), 1)]
    [TestCase(typeof(IoUringProbeOp), nameof(IoUringProbeOp.Op), 0)]
    [TestCase(typeof(IoUringProbeOp), nameof(IoUringProbeOp.Flags), 2)]
    [TestCase(typeof(IoUringBufferRegistration), nameof(IoUringBufferRegistration.RingAddress), 0)]
    [TestCase(typeof(IoUringBufferRegistration), nameof(IoUringBufferRegistration.RingEntries), 8)]
    [TestCase(typeof(IoUringBufferRegistration), nameof(IoUringBufferRegistration.GroupId), 12)]
    [TestCase(typeof(IoUringBufferRegistration), nameof(IoUringBufferRegistration.Flags), 14)]
    [TestCase(typeof(IoUringBufferRegistration), nameof(IoUringBufferRegistration.Reserved0), 16)]
    [TestCase(typeof(IoUringBuffer), nameof(IoUringBuffer.Address), 0)]
    [TestCase(typeof(IoUringBuffer), nameof(IoUringBuffer.Length), 8)]
    [TestCase(typeof(IoUringBuffer), nameof(IoUringBuffer.BufferId), 12)]
    [TestCase(typeof(IoUringBuffer), nameof(IoUringBuffer.Reserved), 14)]
    [TestCase(typeof(IoUringGetEventsArg), nameof(IoUringGetEventsArg.SignalMask), 0)]
    [TestCase(typeof(IoUringGetEventsArg), nameof(IoUringGetEventsArg.SignalMaskSize), 8)]
    [TestCase(typeof(IoUringGetEventsArg), nameof(IoUringGetEventsArg.MinWaitMicroseconds), 12)]
    [TestCase(typeof(IoUringGetEventsArg), nameof(IoUringGetEventsArg.Timespec), 16)]
    [TestCase(typeof(KernelTimespec), nameof(KernelTimespec.Seconds), 0)]
    [TestCase(typeof(KernelTimespec), nameof(KernelTimespec.Nanoseconds), 8)]
    public void Field_Offset_MatchesKernelAbi(Type type, string field, int offset)
    {
        Assert.That((int)Marshal.OffsetOf(type, field), Is.EqualTo(offset));
    }

    [Test]
    public void BufferRingTail_OverlaysEntryZeroReserved()
    {
        int reservedOffset = (int)Marshal.OffsetOf<IoUringBuffer>(nameof(IoUringBuffer.Reserved));
        Assert.That(reservedOffset, Is.EqualTo(IoUringBuffer.RingTailOffset));
    }

    [Test]
    public void Opcodes_MatchKernelAbi()
    {
        Assert.Multiple(() =>
        {
            Assert.That((int)IoUringOpcode.Nop, Is.EqualTo(0));
            Assert.That((int)IoUringOpcode.Accept, Is.EqualTo(13));
            Assert.That((int)IoUringOpcode.AsyncCancel, Is.EqualTo(14));
            Assert.That((int)IoUringOpcode.Connect, Is.EqualTo(16));
            Assert.That((int)IoUringOpcode.Close, Is.EqualTo(19));
            Assert.That((int)IoUringOpcode.Read, Is.EqualTo(22));
            Assert.That((int)IoUringOpcode.Send, Is.EqualTo(26));
            Assert.That((int)IoUringOpcode.Receive, Is.EqualTo(27));
            Assert.That((int)IoUringOpcode.MessageRing, Is.EqualTo(40));
        });
    }

    [Test]
    public void CompletionFlags_ShareTheCqeBitLayout()
    {
        Assert.Multiple(() =>
        {
            Assert.That(IoUringCqeFlags.Buffer, Is.EqualTo(Tina.Io.Reactor.IoCompletionFlags.BufferSelected));
            Assert.That(IoUringCqeFlags.More, Is.EqualTo(Tina.Io.Reactor.IoCompletionFlags.More));
            Assert.That(IoUringCqeFlags.BufferShift, Is.EqualTo(Tina.Io.Reactor.IoCompletionFlags.BufferIdShift));
        });
    }

    private static int ManagedSize(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
}
