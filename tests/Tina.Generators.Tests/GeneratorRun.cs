using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Tina.Generators.Tests;

/// <summary>
/// Runs <see cref="HandlersGenerator"/> over one source with CSharpGeneratorDriver, against the running runtime's
/// framework assemblies and the built Tina.Core: what it reported, what it generated, and the compilation after.
/// </summary>
internal sealed class GeneratorRun
{
    private static readonly ImmutableArray<MetadataReference> s_references = Tina.Tests.Shared.RuntimeReferences.With(typeof(IIsolate).Assembly);

    private GeneratorRun(ImmutableArray<Diagnostic> generatorDiagnostics, ImmutableArray<string> generated, Compilation output)
    {
        GeneratorDiagnostics = generatorDiagnostics;
        Generated = generated;
        Output = output;
    }

    /// <summary>TINA1xx diagnostics the generator reported.</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

    /// <summary>The generated sources.</summary>
    public ImmutableArray<string> Generated { get; }

    /// <summary>The compilation with the generated sources added.</summary>
    public Compilation Output { get; }

    /// <summary>The generator's diagnostic IDs, sorted.</summary>
    public IReadOnlyList<string> Ids => GeneratorDiagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal).ToList();

    /// <summary>Every compiler diagnostic of warning severity or worse (nothing is suppressed), generated code included.</summary>
    public IReadOnlyList<Diagnostic> CompilerProblems =>
        Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    public static GeneratorRun Of(string source)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "TestAssembly",
            new[] { CSharpSyntaxTree.ParseText(source, parse, path: "Test.cs") },
            s_references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new HandlersGenerator().AsSourceGenerator() }, parseOptions: parse);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        ImmutableArray<string> generated = result.GeneratedTrees.Select(t => t.GetText().ToString()).ToImmutableArray();
        return new GeneratorRun(diagnostics, generated, output);
    }
}
