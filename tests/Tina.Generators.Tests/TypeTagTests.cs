using NUnit.Framework;

namespace Tina.Generators.Tests;

/// <summary>The tags the generator computes at compile time are the runtime's MessageType&lt;T&gt;.Id.</summary>
public sealed class TypeTagTests
{
    [Test]
    public void NamespacedType() =>
        Assert.That(TypeTag.Hash(typeof(Ping).FullName!), Is.EqualTo(MessageType<Ping>.Id));

    [Test]
    public void NestedType() =>
        Assert.That(TypeTag.Hash(typeof(Holder.Nested).FullName!), Is.EqualTo(MessageType<Holder.Nested>.Id));

    [Test]
    public void GlobalNamespaceType() =>
        Assert.That(TypeTag.Hash(typeof(GlobalPayload).FullName!), Is.EqualTo(MessageType<GlobalPayload>.Id));

    [Test]
    public void FullNameFromSymbolsMatchesReflection()
    {
        GeneratorRun run = GeneratorRun.Of("""
            namespace A.B { public static class Outer { public struct Inner { public int X; } } }
            public struct Top { public int X; }
            """);
        Microsoft.CodeAnalysis.INamedTypeSymbol inner = run.Output.GetTypeByMetadataName("A.B.Outer+Inner")!;
        Microsoft.CodeAnalysis.INamedTypeSymbol top = run.Output.GetTypeByMetadataName("Top")!;
        Assert.That(TypeTag.FullName(inner), Is.EqualTo("A.B.Outer+Inner"));
        Assert.That(TypeTag.FullName(top), Is.EqualTo("Top"));
    }

    public static class Holder
    {
        public readonly record struct Nested(int Value);
    }
}
