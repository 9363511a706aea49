using System;
using System.Collections.Immutable;
using System.IO;
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
    public static ImmutableArray<MetadataReference> Assemblies { get; } = Load();

    private static ImmutableArray<MetadataReference> Load()
    {
        var result = ImmutableArray.CreateBuilder<MetadataReference>();
        string runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string trusted)
        {
            foreach (string path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (string.Equals(Path.GetDirectoryName(path), runtimeDirectory, StringComparison.Ordinal))
                {
                    result.Add(MetadataReference.CreateFromFile(path));
                }
            }
        }

        result.Add(MetadataReference.CreateFromFile(typeof(IIsolate).Assembly.Location));
        result.Add(MetadataReference.CreateFromFile(typeof(Tina.Io.IoCompletion).Assembly.Location));
        return result.ToImmutable();
    }
}
