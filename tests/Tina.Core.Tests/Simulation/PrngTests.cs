using System;
using NUnit.Framework;
using Tina.Simulation;

namespace Tina.Tests.Simulation;

public sealed class PrngTests
{
    [Test]
    public void SplitMix64_SeedZero_MatchesReferenceVector()
    {
        // Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        ulong state = 0;
        Assert.That(SplitMix64.Next(ref state), Is.EqualTo(0xE220A8397B1DCDAFUL));
        Assert.That(SplitMix64.Next(ref state), Is.EqualTo(0x6E789E6AA1B965F4UL));
        Assert.That(SplitMix64.Next(ref state), Is.EqualTo(0x06C45D188009454FUL));
    }

    [Test]
    public void SplitMix64_Nth_EqualsDrawingInOrder()
    {
        ulong state = 0x1234_5678_9ABC_DEF0;
        for (ulong i = 0; i < 32; i++)
        {
            Assert.That(SplitMix64.Nth(0x1234_5678_9ABC_DEF0, i), Is.EqualTo(SplitMix64.Next(ref state)));
        }
    }

    [Test]
    public void Xoshiro256StarStar_State1234_MatchesReferenceVector()
    {
        var random = new Xoshiro256StarStar(1, 2, 3, 4);
        Assert.That(random.NextUInt64(), Is.EqualTo(11520UL));
        Assert.That(random.NextUInt64(), Is.EqualTo(0UL));
        Assert.That(random.NextUInt64(), Is.EqualTo(1509978240UL));
        Assert.That(random.NextUInt64(), Is.EqualTo(1215971899390074240UL));
    }

    [Test]
    public void Xoshiro256StarStar_ZeroState_IsGuarded()
    {
        var random = new Xoshiro256StarStar(0, 0, 0, 0);
        ulong any = 0;
        for (int i = 0; i < 4; i++)
        {
            any |= random.NextUInt64();
        }

        Assert.That(any, Is.Not.Zero, "the all-zero state would emit zeros forever");
    }

    [TestCase(1u)]
    [TestCase(3u)]
    [TestCase(10u)]
    [TestCase(1_000_000u)]
    [TestCase(uint.MaxValue)]
    public void NextBelow_StaysBelowItsBound(uint bound)
    {
        var random = new Xoshiro256StarStar(42);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.That(random.NextBelow(bound), Is.LessThan(bound));
        }
    }

    [Test]
    public void NextBelow_IsRoughlyUniform()
    {
        var random = new Xoshiro256StarStar(7);
        int[] buckets = new int[10];
        for (int i = 0; i < 100_000; i++)
        {
            buckets[random.NextBelow(10)]++;
        }

        // Each bucket expects 10,000; 5 % is many standard deviations (about 95 each).
        Assert.That(buckets, Is.All.InRange(9_500, 10_500));
    }

    [Test]
    public void Chance_ZeroAndMillion_AreNeverAndAlways()
    {
        var random = new Xoshiro256StarStar(9);
        for (int i = 0; i < 1000; i++)
        {
            Assert.That(random.Chance(0), Is.False);
            Assert.That(random.Chance(1_000_000), Is.True);
        }
    }

    [Test]
    public void Shuffle_IsAPermutation_AndReachesEveryOrderOfThree()
    {
        var random = new Xoshiro256StarStar(11);
        var seen = new bool[6];
        Span<int> items = stackalloc int[3];
        for (int i = 0; i < 600; i++)
        {
            items[0] = 0;
            items[1] = 1;
            items[2] = 2;
            random.Shuffle(items);
            Assert.That(items[0] + items[1] + items[2], Is.EqualTo(3));
            Assert.That(items[0] != items[1] && items[1] != items[2] && items[0] != items[2], Is.True);
            seen[(items[0] * 2) + (items[1] > items[2] ? 1 : 0)] = true;
        }

        Assert.That(seen, Is.All.True);
    }

    [Test]
    public void SeedTree_Streams_AreIndependentOfEachOthersDraws()
    {
        const ulong seed = 0xDEAD_BEEF;
        Xoshiro256StarStar scheduler = SeedTree.Open(seed, SimulationStream.Scheduler);
        Xoshiro256StarStar faults = SeedTree.Open(seed, SimulationStream.FaultRing);
        for (int i = 0; i < 1000; i++)
        {
            faults.NextUInt64();   // extra draws in one stream ...
        }

        Xoshiro256StarStar fresh = SeedTree.Open(seed, SimulationStream.Scheduler);
        Assert.That(scheduler.NextUInt64(), Is.EqualTo(fresh.NextUInt64()), "... never shift another");
        Assert.That(
            SeedTree.ChildSeed(seed, SimulationStream.Scheduler),
            Is.Not.EqualTo(SeedTree.ChildSeed(seed, SimulationStream.FaultRing)));
    }

    [Test]
    public void FaultRates_Draw_StaysInRange_AndSwitchesClassesOff()
    {
        int handlerOff = 0;
        for (ulong seed = 0; seed < 400; seed++)
        {
            Xoshiro256StarStar swarm = SeedTree.Open(seed, SimulationStream.Swarm);
            FaultRates rates = FaultRates.Draw(ref swarm);
            Assert.That(rates.HandlerFaultPpm, Is.InRange(0, FaultRates.HandlerFaultPpmMax));
            Assert.That(rates.SpawnFailurePpm, Is.InRange(0, FaultRates.SpawnFailurePpmMax));
            Assert.That(rates.RingRefusalPpm, Is.InRange(0, FaultRates.RingRefusalPpmMax));
            Assert.That(rates.PartitionPpm, Is.InRange(0, FaultRates.PartitionPpmMax));
            Assert.That(rates.HealPpm, Is.InRange(FaultRates.HealPpmMin, FaultRates.HealPpmMax));
            Assert.That(rates.MailboxRefusalPpm, Is.InRange(0, FaultRates.MailboxRefusalPpmMax));
            handlerOff += rates.HandlerFaultPpm == 0 ? 1 : 0;
        }

        Assert.That(handlerOff, Is.InRange(60, 140), "a quarter of the seeds switch each class off");
    }
}
