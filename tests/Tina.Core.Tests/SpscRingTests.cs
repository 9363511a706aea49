using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using NUnit.Framework;
using Tina.Messaging;

namespace Tina.Tests;

public sealed class SpscRingTests
{
    [Test]
    public void TryClaim_UpToCapacity_SucceedsThenReturnsNullRef()
    {
        var ring = new SpscRing(16);

        for (int i = 0; i < 16; i++)
        {
            Assert.That(Unsafe.IsNullRef(ref ring.TryClaim()), Is.False, $"claim {i}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.IsNullRef(ref ring.TryClaim()), Is.True, "claim 17 of a 16-slot ring");
            Assert.That(ring.Capacity, Is.EqualTo(16));
            Assert.That(ring.PendingCount, Is.EqualTo(16), "unpublished claims count against capacity");
        });
    }

    [Test]
    public void TryClaim_BeforePublish_IsInvisibleToConsumer()
    {
        var ring = new SpscRing(16);
        for (int i = 0; i < 3; i++)
        {
            ring.TryClaim().Payload[0] = (ulong)i + 10;
        }

        Assert.Multiple(() =>
        {
            Assert.That(ring.BeginRead(), Is.Zero);
            Assert.That(ring.HasPublished(), Is.False);
            Assert.That(ring.PendingCount, Is.EqualTo(3));
        });

        Assert.That(ring.Publish(), Is.True);

        Assert.Multiple(() =>
        {
            Assert.That(ring.PendingCount, Is.Zero);
            Assert.That(ring.HasPublished(), Is.True);
            Assert.That(ring.BeginRead(), Is.EqualTo(3));
            Assert.That(ring.ReadAt(0).Payload[0], Is.EqualTo(10UL));
            Assert.That(ring.ReadAt(2).Payload[0], Is.EqualTo(12UL));
            Assert.That(ring.Publish(), Is.False, "nothing pending");
        });
    }

    [Test]
    public void EndRead_OfPartOfAFullRing_FreesExactlyThatManySlots()
    {
        var ring = new SpscRing(16);
        for (int i = 0; i < 16; i++)
        {
            ring.TryClaim().Payload[0] = (ulong)i;
        }

        ring.Publish();
        Assert.That(Unsafe.IsNullRef(ref ring.TryClaim()), Is.True);

        Assert.That(ring.BeginRead(), Is.EqualTo(16));
        ring.EndRead(0);
        Assert.That(Unsafe.IsNullRef(ref ring.TryClaim()), Is.True, "EndRead(0) frees nothing");

        ring.EndRead(2);
        Assert.That(Unsafe.IsNullRef(ref ring.TryClaim()), Is.False);
        Assert.That(Unsafe.IsNullRef(ref ring.TryClaim()), Is.False);
        Assert.That(Unsafe.IsNullRef(ref ring.TryClaim()), Is.True, "only the two read slots were freed");

        // The unread envelopes keep their order and contents.
        Assert.That(ring.BeginRead(), Is.EqualTo(14));
        Assert.That(ring.ReadAt(0).Payload[0], Is.EqualTo(2UL));
        Assert.That(ring.ReadAt(13).Payload[0], Is.EqualTo(15UL));
    }

    [Test]
    public void Ring_OverManyWraps_KeepsFifoOrder()
    {
        var ring = new SpscRing(16);
        ulong next = 0;
        ulong expected = 0;
        for (int round = 0; round < 100; round++)
        {
            int batch = (round % 16) + 1;
            for (int i = 0; i < batch; i++)
            {
                ref Message slot = ref ring.TryClaim();
                Assert.That(Unsafe.IsNullRef(ref slot), Is.False);
                slot.Payload[0] = next++;
            }

            ring.Publish();
            int available = ring.BeginRead();
            Assert.That(available, Is.EqualTo(batch));
            for (int i = 0; i < available; i++)
            {
                Assert.That(ring.ReadAt(i).Payload[0], Is.EqualTo(expected++));
            }

            ring.EndRead(available);
            Assert.That(ring.HasPublished(), Is.False);
        }
    }

    [Test]
    public void Ring_TwoThreadsTenMillionItems_DeliversInOrderWithoutLossDuplicationOrTearing()
    {
        const long Items = 10_000_000;
        const int PublishEvery = 64;
        var ring = new SpscRing(1024);
        string? producerError = null;
        string? consumerError = null;
        long consumed = 0;

        var producer = new Thread(() =>
        {
            try
            {
                int unpublished = 0;
                for (long sequence = 0; sequence < Items; sequence++)
                {
                    ref Message slot = ref ring.TryClaim();
                    if (Unsafe.IsNullRef(ref slot))
                    {
                        ring.Publish();
                        unpublished = 0;
                        var spin = default(SpinWait);
                        do
                        {
                            spin.SpinOnce();
                            slot = ref ring.TryClaim();
                        }
                        while (Unsafe.IsNullRef(ref slot));
                    }

                    Write(ref slot, sequence);
                    if (++unpublished == PublishEvery)
                    {
                        ring.Publish();
                        unpublished = 0;
                    }
                }

                ring.Publish();
            }
#pragma warning disable CA1031 // reported to the test thread
            catch (Exception exception)
#pragma warning restore CA1031
            {
                producerError = exception.ToString();
            }
        })
        { IsBackground = true, Name = "spsc-producer" };

        var consumer = new Thread(() =>
        {
            try
            {
                long expected = 0;
                var spin = default(SpinWait);
                var stopwatch = Stopwatch.StartNew();
                while (expected < Items)
                {
                    int available = ring.BeginRead();
                    if (available == 0)
                    {
                        if (stopwatch.Elapsed > TimeSpan.FromSeconds(120))
                        {
                            consumerError = $"stalled at {expected}";
                            return;
                        }

                        spin.SpinOnce();
                        continue;
                    }

                    spin.Reset();
                    for (int i = 0; i < available; i++)
                    {
                        string? error = Check(ref ring.ReadAt(i), expected);
                        if (error is not null)
                        {
                            consumerError = error;
                            return;
                        }

                        expected++;
                    }

                    ring.EndRead(available);
                    Volatile.Write(ref consumed, expected);
                }

                if (ring.BeginRead() != 0)
                {
                    consumerError = "envelopes beyond the last sequence";
                }
            }
#pragma warning disable CA1031 // reported to the test thread
            catch (Exception exception)
#pragma warning restore CA1031
            {
                consumerError = exception.ToString();
            }
        })
        { IsBackground = true, Name = "spsc-consumer" };

        consumer.Start();
        producer.Start();
        bool producerDone = producer.Join(TimeSpan.FromSeconds(150));
        bool consumerDone = consumer.Join(TimeSpan.FromSeconds(150));

        Assert.Multiple(() =>
        {
            Assert.That(producerDone && consumerDone, Is.True, "threads finished");
            Assert.That(producerError, Is.Null);
            Assert.That(consumerError, Is.Null);
            Assert.That(Volatile.Read(ref consumed), Is.EqualTo(Items));
        });
    }

    /// <summary>Fills all twelve payload words from the sequence plus a checksum word.</summary>
    private static void Write(ref Message slot, long sequence)
    {
        ulong value = (ulong)sequence;
        ulong checksum = 0;
        slot.Correlation = (uint)sequence;
        slot.PayloadLength = Message.PayloadSizeMax; // the ring sizes an entry by its header: all twelve words, two lines
        for (int word = 0; word < MessagePayload.Length - 1; word++)
        {
            ulong item = Mix(value, word);
            slot.Payload[word] = item;
            checksum ^= item;
        }

        slot.Payload[MessagePayload.Length - 1] = checksum;
    }

    private static string? Check(ref Message slot, long expected)
    {
        ulong first = slot.Payload[0];
        if (first != Mix((ulong)expected, 0))
        {
            return $"expected sequence {expected}, got word0 {first:x16} (correlation {slot.Correlation})";
        }

        if (slot.Correlation != (uint)expected)
        {
            return $"header correlation {slot.Correlation} torn from payload of {expected}";
        }

        ulong checksum = 0;
        for (int word = 0; word < MessagePayload.Length - 1; word++)
        {
            ulong item = slot.Payload[word];
            if (item != Mix((ulong)expected, word))
            {
                return $"torn payload at sequence {expected}, word {word}";
            }

            checksum ^= item;
        }

        return checksum == slot.Payload[MessagePayload.Length - 1] ? null : $"bad checksum at sequence {expected}";
    }

    private static ulong Mix(ulong value, int word) => (value * 0x9E3779B97F4A7C15UL) ^ ((ulong)word * 0xC2B2AE3D27D4EB4FUL) ^ value;
}
