using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NUnit.Framework;

namespace Tina.Testing.Tests.Analyzers;

/// <summary>
/// The determinism and no-blocking rule the runtime projects build under (src/BannedSymbols.txt and
/// src/BannedSymbols.Shard.txt through Microsoft.CodeAnalysis.BannedApiAnalyzers, RS0030 as an error): each banned
/// API planted in a handler-like method is reported, and the allowed twin (the shard clock, an effect) is not. The
/// lists are the files src/ uses, copied to the output, so a line dropped from them fails here.
/// </summary>
public sealed class BannedApiRuleTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "BannedApi");

    [TestCase("var t = System.DateTime.UtcNow;", "DateTime.UtcNow")]
    [TestCase("var t = System.DateTime.Now;", "DateTime.Now")]
    [TestCase("long t = System.Environment.TickCount64;", "Environment.TickCount64")]
    [TestCase("long t = System.Diagnostics.Stopwatch.GetTimestamp();", "Stopwatch")]
    [TestCase("int r = new System.Random(1).Next();", "Random")]
    [TestCase("System.Threading.Thread.Sleep(1);", "Thread.Sleep")]
    [TestCase("System.Threading.Tasks.Task.Delay(1).Wait();", "Task.Delay")]
    [TestCase("System.Threading.Tasks.Task.Run(() => { });", "Task.Run")]
    [TestCase("int v = System.Threading.Tasks.Task.FromResult(1).Result;", "Result")]
    [TestCase("new System.Threading.SemaphoreSlim(1).Wait();", "SemaphoreSlim.Wait")]
    public async Task PlantedUse_IsReported(string statement, string symbol)
    {
        ImmutableArray<Diagnostic> found = await Analyze(statement, includeShardList: true).ConfigureAwait(false);
        Assert.That(found.Select(d => d.Id), Does.Contain("RS0030"), $"'{statement}' must be reported");
        Assert.That(found.Any(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains(symbol, StringComparison.Ordinal)), Is.True, "the message names " + symbol);
    }

    [TestCase("var t = System.TimeProvider.System.GetUtcNow();")]
    [TestCase("var s = System.TimeSpan.FromMilliseconds(5);")]
    [TestCase("int x = System.Math.Max(1, 2);")]
    public async Task AllowedTwin_IsSilent(string statement)
    {
        ImmutableArray<Diagnostic> found = await Analyze(statement, includeShardList: true).ConfigureAwait(false);
        Assert.That(found.Where(d => d.Id == "RS0030"), Is.Empty, $"'{statement}' is allowed");
    }

    [Test]
    public async Task TaskWaits_AreBannedOnlyWithTheShardList()
    {
        // Tina.Hosting bridges to async code and builds without the shard list: the same wait is allowed there.
        ImmutableArray<Diagnostic> hosting = await Analyze("System.Threading.Tasks.Task.Delay(1).Wait();", includeShardList: false).ConfigureAwait(false);
        Assert.That(hosting.Where(d => d.Id == "RS0030"), Is.Empty);
    }

    private static async Task<ImmutableArray<Diagnostic>> Analyze(string statement, bool includeShardList)
    {
        string source = "namespace Planted { public static class Handler { public static void Run() { " + statement + " } } }";
        var compilation = CSharpCompilation.Create(
            "Planted",
            new[] { CSharpSyntaxTree.ParseText(source) },
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        ImmutableArray<Diagnostic> errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        Assert.That(errors, Is.Empty, "the planted snippet itself compiles");

        var files = new List<AdditionalText> { new FileText(Path.Combine(Folder, "BannedSymbols.txt")) };
        if (includeShardList)
        {
            files.Add(new FileText(Path.Combine(Folder, "BannedSymbols.Shard.txt")));
        }

        ImmutableArray<DiagnosticAnalyzer> analyzers = LoadAnalyzers();
        Assert.That(analyzers, Is.Not.Empty, "the banned-API analyzer loads from " + Folder);
        CompilationWithAnalyzers withAnalyzers = compilation.WithAnalyzers(analyzers, new AnalyzerOptions(files.ToImmutableArray()));
        return await withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static ImmutableArray<DiagnosticAnalyzer> LoadAnalyzers()
    {
        var loader = new Loader();
        var result = ImmutableArray.CreateBuilder<DiagnosticAnalyzer>();
        foreach (string dll in Directory.GetFiles(Folder, "*.dll"))
        {
            var reference = new AnalyzerFileReference(dll, loader);
            result.AddRange(reference.GetAnalyzers(LanguageNames.CSharp));
        }

        return result.ToImmutable();
    }

    private static List<MetadataReference> References()
    {
        var refs = new List<MetadataReference>();
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string trusted)
        {
            foreach (string path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                if (Path.GetFileName(path).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(path) == "netstandard.dll" || Path.GetFileName(path) == "mscorlib.dll")
                {
                    refs.Add(MetadataReference.CreateFromFile(path));
                }
            }
        }

        return refs;
    }

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(Path));
    }

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
