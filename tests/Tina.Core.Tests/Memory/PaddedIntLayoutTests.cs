using System.Runtime.CompilerServices;
using NUnit.Framework;
using Tina.Memory;

namespace Tina.Tests.Memory;

/// <summary>
/// The layout behind the shard's status word (read by every peer on every cross-shard send): it lives in a
/// <see cref="PaddedInt"/>, whose value sits <see cref="CacheLine.PaddedSize"/> bytes after the object's first field
/// byte, so nothing stored before it in the heap can share its 64-byte line or the adjacent-line prefetch pair,
/// wherever the GC places it. Replaces the benchmark project's run-time false-sharing probe and <c>--layout</c>
/// report, which read the shard's private fields through <c>InternalsVisibleTo</c>: this asserts the property
/// instead of printing where fields happened to land.
/// </summary>
public sealed class PaddedIntLayoutTests
{
    [Test]
    public void Value_HasAFullPaddedSizeOfPaddingBeforeIt()
    {
        var padded = new PaddedInt();
        long offset = Unsafe.ByteOffset(ref Unsafe.As<RawObject>(padded).FirstByte, ref Unsafe.As<int, byte>(ref padded.Value));
        Assert.That(offset, Is.EqualTo(CacheLine.PaddedSize), "padding before the value (offset from the object's first field byte)");
    }

    [Test]
    public void Object_ExtendsAFullPaddedSizePastTheValue()
    {
        _ = new PaddedInt(); // JIT and type load outside the measured window
        long before = System.GC.GetAllocatedBytesForCurrentThread();
        var padded = new PaddedInt();
        long allocated = System.GC.GetAllocatedBytesForCurrentThread() - before;
        System.GC.KeepAlive(padded);
        // The CLR ignores StructLayout.Size on a class; only a trailing field makes the padding after the value real.
        Assert.That(allocated, Is.GreaterThanOrEqualTo(2 * CacheLine.PaddedSize), "bytes allocated for one PaddedInt");
    }

    /// <summary>Never instantiated: any object reinterpreted as this exposes a ref to its first field byte.</summary>
    private sealed class RawObject
    {
#pragma warning disable CS0649 // only ever read through Unsafe.As on another object
        public byte FirstByte;
#pragma warning restore CS0649
    }
}
