using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace Tina.Generators.Tests;

/// <summary>The dense index the generator switches on maps each tag to its own slot, in a table of at most 4x the count.</summary>
public sealed class DenseIndexTests
{
    [TestCase(4)]
    [TestCase(8)]
    [TestCase(13)]
    [TestCase(32)]
    public void SlotsAreDistinctAndTheTableIsSmall(int count)
    {
        List<uint> tags = Enumerable.Range(0, count).Select(i => TypeTag.Hash("App.Message" + i)).ToList();
        DenseIndex? index = DenseIndex.Find(tags);
        Assert.That(index, Is.Not.Null);
        Assert.That(tags.Select(index!.Slot).Distinct().Count(), Is.EqualTo(count));
        Assert.That(index.Mask + 1, Is.LessThanOrEqualTo(4 * NextPowerOfTwo(count)));
    }

    [Test]
    public void FourOrMoreHandlersSwitchOnTheDenseIndex()
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Prelude + """
            public readonly record struct Fourth(int Value);

            [TinaHandlers]
            public partial struct Worker
            {
                [Handles] private Effect A(ref Context ctx, in Job job) => Effect.Receive;
                [Handles] private Effect B(ref Context ctx, in Quit quit) => Effect.Done;
                [Handles] private Effect C(ref Context ctx, in Pong pong) => Effect.Receive;
                [Handles] private Effect D(ref Context ctx, in Fourth fourth) => Effect.Receive;
            }
            """);
        Assert.That(run.Ids, Is.Empty);
        Assert.That(run.CompilerProblems, Is.Empty);
        Assert.That(run.Generated[0], Does.Contain("switch ((message.PayloadType >> "));
        Assert.That(run.Generated[0], Does.Contain("if (message.PayloadType == " + "0x" + TypeTag.Hash("App.Fourth").ToString("X8", System.Globalization.CultureInfo.InvariantCulture) + "u)"));
    }

    private static uint NextPowerOfTwo(int count)
    {
        uint n = 1;
        while (n < count)
        {
            n <<= 1;
        }

        return n;
    }
}
