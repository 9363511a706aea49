using System;
using System.Collections.Immutable;
using System.IO;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Tina.Tests.Shared;

/// <summary>
/// What the analyzer and generator tests compile their sources against: the running runtime's framework assemblies
/// (from the trusted platform assembly list, so nothing is downloaded) and the Tina assemblies a test names. One
/// file, linked into Tina.Analyzers.Tests and Tina.Generators.Tests.
/// </summary>
internal static class RuntimeReferences
{
    public static ImmutableArray<MetadataReference> With(params Assembly[] tina)
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

        foreach (Assembly assembly in tina)
        {
            result.Add(MetadataReference.CreateFromFile(assembly.Location));
        }

        return result.ToImmutable();
    }
}
