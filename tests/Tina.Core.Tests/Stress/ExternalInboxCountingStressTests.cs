using System;
using System.Threading;
using NUnit.Framework;
using Tina.Tests.Support;

namespace Tina.Tests.Stress;

/// <summary>
/// Real threads: many outside producers hammer a full external inbox. Every refusal a producer is told about
/// (<see cref="SendResult.ExternalInboxFull"/>) must be counted in <see cref="ShardCounter.ExternalInboxFull"/>; the counter
/// is written by outside threads, concurrently.
/// </summary>
[Category("Stress")]
public sealed class ExternalInboxCountingStressTests
{
    private const int Producers = 8;
    private const int PerProducer = 250_000;
    // A hang guard for the joins, not a speed bound: every producer makes all its PerProducer sends (a send to a
    // full inbox returns at once), so the work done and what is asserted do not depend on the machine's speed.
    private static readonly TimeSpan JoinBound = TimeSpan.FromSeconds(120);

    [Test]
    public void ManyProducers_EveryRefusalReturnedIsCounted()
    {
        TinaSpec spec = Deterministic.Spec(shards: 1);
        spec.ExternalInboxCapacity = 16;
        spec.AddIsolate<Counter>(slots: 1);
        using var sim = new Deterministic(spec); // never run: nothing consumes, so the inbox stays full
        Handle target = sim.Spawn<Counter>(0);

        var refused = new long[Producers];
        var accepted = new long[Producers];
        var threads = new Thread[Producers];
        using var go = new ManualResetEventSlim(false);
        for (int p = 0; p < Producers; p++)
        {
            int producer = p;
            threads[p] = new Thread(() =>
            {
                go.Wait();
                for (int i = 0; i < PerProducer; i++)
                {
                    SendResult result = sim.Runtime.Send(target, new Add(1));
                    if (result == SendResult.ExternalInboxFull)
                    {
                        refused[producer]++;
                    }
                    else if (result == SendResult.Ok)
                    {
                        accepted[producer]++;
                    }
                }
            }) { IsBackground = true, Name = $"producer-{p}" };
            threads[p].Start();
        }

        go.Set();
        foreach (Thread thread in threads)
        {
            Assert.That(thread.Join(JoinBound), Is.True, "producer finished (else it hung)");
        }

        long refusedTotal = 0;
        long acceptedTotal = 0;
        for (int p = 0; p < Producers; p++)
        {
            refusedTotal += refused[p];
            acceptedTotal += accepted[p];
        }

        TestContext.Out.WriteLine($"refused {refusedTotal}, accepted {acceptedTotal}, counted {sim.Counter(0, ShardCounter.ExternalInboxFull)}");
        Assert.Multiple(() =>
        {
            Assert.That(acceptedTotal, Is.EqualTo(16), "the inbox's capacity");
            Assert.That(acceptedTotal + refusedTotal, Is.EqualTo(Producers * (long)PerProducer), "every send returned Ok or ExternalInboxFull");
            Assert.That(refusedTotal, Is.GreaterThan(0));
            Assert.That(sim.Counter(0, ShardCounter.ExternalInboxFull), Is.EqualTo(refusedTotal), "refusals counted == refusals returned");
        });
    }
}
