using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Tina.Analyzers.Tests;

/// <summary>
/// What the test sources compile against: the running runtime's framework assemblies (from the trusted platform
/// assembly list, so nothing is downloaded) and the built Tina.Core and Tina.Io.
/// </summary>
internal static class TestReferences
{
    /// <summary>No reference-assembly package: <see cref="Assemblies"/> holds everything.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    /// <summary>The framework's assemblies, Tina.Core and Tina.Io.</summary>
    public static ImmutableArray<MetadataReference> Assemblies { get; } =
        Tina.Tests.Shared.RuntimeReferences.With(typeof(IIsolate).Assembly, typeof(Tina.Io.IoCompletion).Assembly);
}
