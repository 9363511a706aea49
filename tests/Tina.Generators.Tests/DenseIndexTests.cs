using System;
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
    public void NineOrMoreHandlersSwitchOnTheDenseIndex()
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Prelude + Types(9) + Isolate(9));
        Assert.That(run.Ids, Is.Empty);
        Assert.That(run.CompilerProblems, Is.Empty);
        Assert.That(run.Generated[0], Does.Contain("switch ((message.PayloadType >> "));
        Assert.That(run.Generated[0], Does.Contain("if (message.PayloadType == " + "0x" + TypeTag.Hash("App.T8").ToString("X8", System.Globalization.CultureInfo.InvariantCulture) + "u)"));
    }

    [Test]
    public void EightOrFewerHandlersAreTestedInDeclarationOrder()
    {
        GeneratorRun run = GeneratorRun.Of(Sources.Prelude + Types(8) + Isolate(8));
        Assert.That(run.Ids, Is.Empty);
        Assert.That(run.CompilerProblems, Is.Empty);
        string code = run.Generated[0];
        Assert.That(code, Does.Not.Contain("switch"));
        int previous = -1;
        for (int i = 0; i < 8; i++)
        {
            int at = code.IndexOf("if (message.PayloadType == 0x" + TypeTag.Hash("App.T" + i).ToString("X8", System.Globalization.CultureInfo.InvariantCulture) + "u)", StringComparison.Ordinal);
            Assert.That(at, Is.GreaterThan(previous), $"T{i} is tested after T{i - 1}");
            previous = at;
        }
    }

    private static string Types(int count)
    {
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < count; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"public readonly record struct T{i}(int Value);\n");
        }

        return text.ToString();
    }

    private static string Isolate(int count)
    {
        var text = new System.Text.StringBuilder("[TinaHandlers]\npublic partial struct Worker\n{\n");
        for (int i = 0; i < count; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"    [Handles] private Effect On{i}(ref Context ctx, in T{i} m) => Effect.Receive;\n");
        }

        return text.Append("}\n").ToString();
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
