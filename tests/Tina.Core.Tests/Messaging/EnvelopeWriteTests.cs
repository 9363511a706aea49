using System;
using System.Runtime.InteropServices;
using NUnit.Framework;

namespace Tina.Tests.Messaging;

/// <summary>
/// The send path writes an envelope with <c>Message.SetEnvelope</c> (five whole-word stores); every other writer uses
/// <c>SetHeader</c> then <c>SetPayload</c> (one store per field). The two must leave the same bytes, so a change to
/// the header's fields or layout that one of them misses fails here.
/// </summary>
public sealed class EnvelopeWriteTests
{
    public readonly record struct Small(long Value);

    public readonly record struct Wide(long A, long B, long C, long D, long E);

    private static Span<byte> Bytes(ref Message message) => MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref message, 1));

    private static void AssertSameBytes<T>(Handle target, Handle source, MessageKind kind, uint correlation, T payload)
        where T : unmanaged
    {
        // Both start from the same stale bytes, as a reused pool slot or ring line does.
        Message byFields = default;
        Message byWords = default;
        Bytes(ref byFields).Fill(0xA5);
        Bytes(ref byWords).Fill(0xA5);

        byFields.SetHeader(target, source, kind, correlation);
        byFields.SetPayload(in payload);
        byWords.SetEnvelope(target, source, kind, correlation, in payload);

        Assert.That(Bytes(ref byWords).SequenceEqual(Bytes(ref byFields)), Is.True, $"{typeof(T).Name}, {kind}, {correlation}");
        Assert.That(byWords.Is(out T read) && read.Equals(payload), Is.True);
        Assert.That(byWords.Kind, Is.EqualTo(kind));
        Assert.That(byWords.Status, Is.EqualTo(CallStatus.Ok));
        Assert.That(byWords.Correlation, Is.EqualTo(correlation));
    }

    [Test]
    public void SetEnvelope_writes_what_SetHeader_and_SetPayload_write()
    {
        var target = new Handle(0x0123_4567_89AB_CDEFUL);
        var source = new Handle(0xFEDC_BA98_7654_3210UL);
        AssertSameBytes(target, source, MessageKind.User, 0, new Small(42));
        AssertSameBytes(target, source, MessageKind.Call, uint.MaxValue, new Small(-1));
        AssertSameBytes(source, target, MessageKind.Reply, 0x8000_0001u, new Wide(1, 2, 3, 4, 5));
        AssertSameBytes(Handle.None, Handle.None, MessageKind.User, 7, (byte)9);
    }
}
