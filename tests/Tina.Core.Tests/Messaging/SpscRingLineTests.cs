using System;
using System.Runtime.CompilerServices;
using System.Threading;
using NUnit.Framework;
using Tina.Messaging;

namespace Tina.Tests.Messaging;

/// <summary>The ring's line layout: 1- and 2-line entries, wrap-around through the guard line, capacity in envelopes.</summary>
public sealed class SpscRingLineTests
{
    // Payload sizes chosen to hit both sides of the one-line limit and the maximum.
    private static readonly int[] Sizes = [0, 8, SpscRing.SmallPayloadMax, SpscRing.SmallPayloadMax + 1, 64, Message.PayloadSizeMax, 16, 48];

    [Test]
    public void LinesOf_SplitsAtTheOneLineLimit()
    {
        var small = new Message { PayloadLength = SpscRing.SmallPayloadMax };
        var large = new Message { PayloadLength = SpscRing.SmallPayloadMax + 1 };
        Assert.Multiple(() =>
        {
            Assert.That(SpscRing.HeaderBytes + SpscRing.SmallPayloadMax, Is.EqualTo(SpscRing.LineBytes));
            Assert.That(SpscRing.LinesOf(in small), Is.EqualTo(1));
            Assert.That(SpscRing.LinesOf(in large), Is.EqualTo(2));
        });
    }

    [Test]
    public void MixedSizes_AcrossManyWraps_ReadBackInOrderByteForByte()
    {
        var ring = new SpscRing(4); // 8 lines: every few batches wraps, with entries of 1 and 2 lines
        long written = 0;
        long read = 0;
        for (int round = 0; round < 500; round++)
        {
            int batch = 1 + (round % 4);
            for (int i = 0; i < batch; i++)
            {
                ref Message slot = ref ring.TryClaim();
                Assert.That(Unsafe.IsNullRef(ref slot), Is.False, $"claim {i} of round {round}");
                Write(ref slot, written, Sizes[written % Sizes.Length], fullCopy: written % 5 == 0);
                written++;
            }

            ring.Publish();
            int available = ring.BeginRead();
            Assert.That(available, Is.EqualTo(batch));
            for (int i = 0; i < available; i++)
            {
                Assert.That(Check(in ring.ReadAt(i), read), Is.Null, $"envelope {read}");
                read++;
            }

            ring.EndRead(available);
        }
    }

    [Test]
    public void TwoLineEntry_AtTheLastLine_ContinuesIntoTheGuardLine()
    {
        var ring = new SpscRing(2); // 4 lines: three small entries put the fourth at line 3, the last
        for (long seq = 0; seq < 3; seq++)
        {
            Write(ref ring.TryClaim(), seq, 8, fullCopy: false);
            ring.Publish();
            Assert.That(ring.BeginRead(), Is.EqualTo(1));
            Assert.That(Check(in ring.ReadAt(0), seq), Is.Null);
            ring.EndRead(1);
        }

        Write(ref ring.TryClaim(), 3, Message.PayloadSizeMax, fullCopy: false); // lines 3 and the guard
        Write(ref ring.TryClaim(), 4, Message.PayloadSizeMax, fullCopy: false); // lines 5, 6 (= 1, 2 of the next lap)
        ring.Publish();
        Assert.That(ring.BeginRead(), Is.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(Check(in ring.ReadAt(0), 3), Is.Null);
            Assert.That(Check(in ring.ReadAt(1), 4), Is.Null);
        });
    }

    [TestCase(8)]
    [TestCase(Message.PayloadSizeMax)]
    public void FullRing_HoldsCapacityEnvelopesOfAnySize(int payload)
    {
        var ring = new SpscRing(8);
        for (long seq = 0; seq < 8; seq++)
        {
            ref Message slot = ref ring.TryClaim();
            Assert.That(Unsafe.IsNullRef(ref slot), Is.False, $"claim {seq}");
            Write(ref slot, seq, payload, fullCopy: true);
        }

        Assert.That(Unsafe.IsNullRef(ref ring.TryClaim()), Is.True, "a ninth claim of an 8-envelope ring");
        ring.Publish();
        Assert.That(ring.BeginRead(), Is.EqualTo(8));
        for (int i = 0; i < 8; i++)
        {
            Assert.That(Check(in ring.ReadAt(i), i), Is.Null, $"envelope {i}");
        }

        ring.EndRead(3);
        Assert.That(ring.FreeSpace(), Is.EqualTo(3));
        for (long seq = 8; seq < 11; seq++)
        {
            Write(ref ring.TryClaim(), seq, Sizes[seq % Sizes.Length], fullCopy: false);
        }

        Assert.That(Unsafe.IsNullRef(ref ring.TryClaim()), Is.True, "full again");
        ring.Publish();
        // The consumer refreshes its view of the tail only when its cached view is empty (one shared-line read per
        // batch), so it first finishes the five it already saw, then sees the three new ones.
        Assert.That(ring.BeginRead(), Is.EqualTo(5));
        for (int i = 0; i < 5; i++)
        {
            Assert.That(Check(in ring.ReadAt(i), i + 3), Is.Null, $"envelope {i + 3}");
        }

        ring.EndRead(5);
        Assert.That(ring.BeginRead(), Is.EqualTo(3));
        for (int i = 0; i < 3; i++)
        {
            Assert.That(Check(in ring.ReadAt(i), i + 8), Is.Null, $"envelope {i + 8}");
        }
    }

    [Test]
    public void ReadAt_SmallerOffset_RestartsTheWalk_AndPeekSeesUnpublishedClaims()
    {
        var ring = new SpscRing(8);
        for (long seq = 0; seq < 6; seq++)
        {
            Write(ref ring.TryClaim(), seq, Sizes[(seq + 3) % Sizes.Length], fullCopy: false);
        }

        ring.Publish();
        Write(ref ring.TryClaim(), 6, Message.PayloadSizeMax, fullCopy: false); // claimed, not published
        Assert.That(ring.BeginRead(), Is.EqualTo(6));
        Assert.Multiple(() =>
        {
            Assert.That(Check(in ring.ReadAt(4), 4), Is.Null);
            Assert.That(Check(in ring.ReadAt(1), 1), Is.Null, "backwards");
            Assert.That(Check(in ring.ReadAt(5), 5), Is.Null);
            Assert.That(ring.InFlightCountUnsynchronized, Is.EqualTo(7));
            Assert.That(Check(in ring.PeekInFlightUnsynchronized(6), 6), Is.Null, "unpublished claim");
            Assert.That(Check(in ring.PeekInFlightUnsynchronized(2), 2), Is.Null);
        });

        ring.EndRead(2);
        Assert.That(Check(in ring.PeekInFlightUnsynchronized(0), 2), Is.Null, "peek follows the head");
        Assert.That(Check(in ring.ReadAt(0), 2), Is.Null, "read follows the head");
    }

    /// <summary>
    /// Two real threads, mixed sizes (some written as whole 128-byte copies), small batches, a small ring so it is
    /// often full and wraps constantly: every envelope is checked byte for byte and in order.
    /// </summary>
    [Test]
    [Category("Stress")]
    public void RealThreads_MixedSizes_EveryEnvelopeArrivesIntactAndInOrder()
    {
        const long total = 400_000;
        var ring = new SpscRing(8);
        string? failure = null;
        var producer = new Thread(() =>
        {
            long seq = 0;
            while (seq < total && Volatile.Read(ref failure) is null)
            {
                int batch = 1 + (int)(seq % 3);
                for (int i = 0; i < batch && seq < total; i++)
                {
                    ref Message slot = ref ring.TryClaim();
                    if (Unsafe.IsNullRef(ref slot))
                    {
                        break;
                    }

                    Write(ref slot, seq, Sizes[(seq * 7 / 3) % Sizes.Length], fullCopy: seq % 11 == 0);
                    seq++;
                }

                if (!ring.Publish())
                {
                    Thread.SpinWait(4);
                }
            }
        });
        var consumer = new Thread(() =>
        {
            long expected = 0;
            while (expected < total)
            {
                int available = ring.BeginRead();
                if (available == 0)
                {
                    Thread.SpinWait(4);
                    continue;
                }

                int take = Math.Min(available, 1 + (int)(expected % 4));
                for (int i = 0; i < take; i++)
                {
                    string? problem = Check(in ring.ReadAt(i), expected);
                    if (problem is not null)
                    {
                        Volatile.Write(ref failure, problem);
                        return;
                    }

                    expected++;
                }

                ring.EndRead(take);
            }
        });
        producer.Start();
        consumer.Start();
        bool finished = consumer.Join(TimeSpan.FromMinutes(5)) && producer.Join(TimeSpan.FromMinutes(1));
        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.Null);
            Assert.That(finished, Is.True, "both threads ended (a lost envelope would stall the consumer)");
        });
    }

    /// <summary>Writes envelope <paramref name="seq"/>: header, <paramref name="length"/> pattern bytes.</summary>
    private static void Write(ref Message slot, long seq, int length, bool fullCopy)
    {
        var envelope = default(Message);
        ref Message target = ref fullCopy ? ref envelope : ref slot;
        target.SetHeader(Handle.None, Handle.None, MessageKind.User, (uint)seq);
        target.Auxiliary = (uint)(seq >> 32);
        target.TypeId = (uint)(seq * 2654435761);
        target.PayloadLength = (ushort)length;
        ref byte payload = ref Unsafe.As<MessagePayload, byte>(ref target.Payload);
        for (int j = 0; j < length; j++)
        {
            Unsafe.Add(ref payload, j) = Pattern(seq, j);
        }

        if (fullCopy)
        {
            // Garbage past the payload: a whole-envelope copy writes the line after a 1-line entry, which is free.
            for (int j = length; j < Message.PayloadSizeMax; j++)
            {
                Unsafe.Add(ref payload, j) = 0xEE;
            }

            slot = envelope;
        }
    }

    /// <summary>Null when <paramref name="envelope"/> is exactly what <see cref="Write"/> wrote for <paramref name="seq"/>.</summary>
    private static string? Check(in Message envelope, long seq)
    {
        if (envelope.Correlation != (uint)seq || envelope.Auxiliary != (uint)(seq >> 32) || envelope.TypeId != (uint)(seq * 2654435761))
        {
            return $"envelope {seq}: header of {((long)envelope.Auxiliary << 32) | envelope.Correlation}";
        }

        int length = envelope.PayloadLength;
        if (length > Message.PayloadSizeMax)
        {
            return $"envelope {seq}: payload length {length}";
        }

        ref byte payload = ref Unsafe.As<MessagePayload, byte>(ref Unsafe.AsRef(in envelope.Payload));
        for (int j = 0; j < length; j++)
        {
            if (Unsafe.Add(ref payload, j) != Pattern(seq, j))
            {
                return $"envelope {seq}: payload byte {j} of {length}";
            }
        }

        return null;
    }

    private static byte Pattern(long seq, int index) => (byte)((seq * 31) + (index * 7) + 1);
}
