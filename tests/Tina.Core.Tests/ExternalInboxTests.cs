using System;
using System.Threading;
using NUnit.Framework;
using Tina.Messaging;

namespace Tina.Tests;

public sealed class ExternalInboxTests
{
    [Test]
    public void TryPost_BeyondCapacity_ReturnsFalseUntilTheConsumerReads()
    {
        var inbox = new ExternalInbox(16);
        Message message = default;
        for (int i = 0; i < 16; i++)
        {
            message.Payload[0] = (ulong)i;
            Assert.That(inbox.TryPost(in message), Is.True);
        }

        Assert.That(inbox.TryPost(in message), Is.False);
        Assert.That(inbox.Ring.BeginRead(), Is.EqualTo(16), "every post is published at once");
        inbox.Ring.EndRead(1);
        Assert.That(inbox.TryPost(in message), Is.True);
    }

    [Test]
    public void TryPost_FourProducerThreads_EachProducersMessagesArriveOnceAndInOrder()
    {
        const int Producers = 4;
        const int PerProducer = 250_000;
        var inbox = new ExternalInbox(256);
        var threads = new Thread[Producers];
        for (int p = 0; p < Producers; p++)
        {
            int producer = p;
            threads[p] = new Thread(() =>
            {
                Message message = default;
                for (int i = 0; i < PerProducer; i++)
                {
                    message.Payload[0] = (ulong)producer;
                    message.Payload[1] = (ulong)i;
                    message.Payload[2] = ((ulong)producer << 32) ^ (ulong)i;
                    var spin = default(SpinWait);
                    while (!inbox.TryPost(in message))
                    {
                        spin.SpinOnce();
                    }
                }
            })
            { IsBackground = true, Name = $"inbox-producer-{p}" };
        }

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        var next = new long[Producers];
        long total = 0;
        string? error = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        var idle = default(SpinWait);
        while (total < Producers * (long)PerProducer && error is null && DateTime.UtcNow < deadline)
        {
            int available = inbox.Ring.BeginRead();
            if (available == 0)
            {
                idle.SpinOnce();
                continue;
            }

            for (int i = 0; i < available && error is null; i++)
            {
                ref Message message = ref inbox.Ring.ReadAt(i);
                int producer = (int)message.Payload[0];
                long sequence = (long)message.Payload[1];
                if ((uint)producer >= Producers || sequence != next[producer] || message.Payload[2] != (((ulong)producer << 32) ^ (ulong)sequence))
                {
                    error = $"producer {producer}: expected {(producer < Producers && producer >= 0 ? next[producer] : -1)}, got {sequence}";
                }
                else
                {
                    next[producer]++;
                }
            }

            inbox.Ring.EndRead(available);
            total += available;
        }

        foreach (Thread thread in threads)
        {
            thread.Join(TimeSpan.FromSeconds(30));
        }

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null);
            Assert.That(next, Is.All.EqualTo(PerProducer));
            Assert.That(inbox.Ring.BeginRead(), Is.Zero, "nothing beyond what was posted");
        });
    }
}
