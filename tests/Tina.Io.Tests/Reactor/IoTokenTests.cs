using NUnit.Framework;
using Tina.Io.Reactor;

namespace Tina.Io.Tests.Reactor;

public sealed class IoTokenTests
{
    [Test]
    public void Layout_FieldsFillSixtyFourBitsWithoutOverlap()
    {
        Assert.That(1 + IoToken.OpBits + IoToken.IndexBits + IoToken.GenerationBits + IoToken.SequenceBits, Is.EqualTo(64));
        Assert.That(IoToken.GenerationBits, Is.GreaterThanOrEqualTo(20), "20 generation bits at least (8 would wrap within a busy entry's life)");
        Assert.That(IoToken.SequenceBits, Is.GreaterThanOrEqualTo(16));
        Assert.That(IoToken.IndexMax, Is.GreaterThanOrEqualTo(IoOptions.ConnectionCapacityMax - 1), "every table index fits");
        Assert.That((ulong)IoOpCode.Detach, Is.LessThanOrEqualTo(IoToken.OpMask), "every op code fits");
    }

    [TestCase(false, 3, 0, 1u, (ushort)0)]
    [TestCase(true, 7, IoToken.IndexMax, (uint)IoToken.GenerationMask, ushort.MaxValue)]
    [TestCase(false, 4, 12345, 0xABCDEu, (ushort)0x8001)]
    public void Pack_AtTheMaxima_RoundTripsEveryField(bool isInternal, int opCode, int index, uint generation, ushort sequence)
    {
        var op = (IoOpCode)opCode;
        ulong token = IoToken.Pack(isInternal, op, index, generation, sequence);
        Assert.That(IoToken.IsInternal(token), Is.EqualTo(isInternal));
        Assert.That(IoToken.Op(token), Is.EqualTo(op));
        Assert.That(IoToken.Index(token), Is.EqualTo(index));
        Assert.That(IoToken.Generation(token), Is.EqualTo(generation & IoToken.GenerationMask));
        Assert.That(IoToken.Sequence(token), Is.EqualTo(sequence));
    }

    [Test]
    public void Pack_GenerationAboveTwentyBits_KeepsTheLowBitsOnly()
    {
        ulong token = IoToken.Pack(false, IoOpCode.Receive, 7, 0x1_00005u, 3);
        Assert.That(IoToken.Generation(token), Is.EqualTo(5u));
        Assert.That(IoToken.Index(token), Is.EqualTo(7), "the generation does not spill into the index");
    }

    [Test]
    public void Pack_NextSequenceOrGeneration_IsAnotherToken()
    {
        ulong token = IoToken.Pack(false, IoOpCode.Receive, 9, 41, 100);
        Assert.That(IoToken.Pack(false, IoOpCode.Receive, 9, 41, 101), Is.Not.EqualTo(token));
        Assert.That(IoToken.Pack(false, IoOpCode.Receive, 9, 42, 100), Is.Not.EqualTo(token));
        Assert.That(IoToken.Pack(false, IoOpCode.Send, 9, 41, 100), Is.Not.EqualTo(token));
        Assert.That(IoToken.Pack(true, IoOpCode.Receive, 9, 41, 100), Is.Not.EqualTo(token));
    }
}
