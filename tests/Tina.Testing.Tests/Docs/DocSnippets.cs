using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Tina.Testing.Tests.Docs;

/// <summary>
/// Takes C# blocks out of Markdown and compiles them with Roslyn against the Tina assemblies this test project
/// references (Tina.Core, Tina.Io, Tina.Testing), NUnit and the framework.
/// </summary>
/// <remarks>
/// The rule (design/testkit.md, "Snippets that compile"): every <c>```csharp</c> block of README.md is compiled, and in
/// a design page every block fenced <c>```csharp compile</c>. The blocks of one page form one compilation, one syntax
/// tree per block in page order; a page with top-level statements (at most one block may have them) builds as a
/// console program, otherwise as a library. Only errors fail: warnings (an unused variable in a sketch) do not.
/// </remarks>
public static class DocSnippets
{
    /// <summary>Which blocks of a page are compiled.</summary>
    public enum Selection
    {
        /// <summary>Every block whose info string starts with the word csharp (README.md).</summary>
        AllCSharp,

        /// <summary>Only blocks whose info string is csharp followed by the word compile (design pages).</summary>
        MarkedCompile,
    }

    /// <summary>The fenced blocks of <paramref name="markdown"/> that <paramref name="selection"/> compiles.</summary>
    public static IReadOnlyList<DocSnippet> Extract(string page, string markdown, Selection selection)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var snippets = new List<DocSnippet>();
        string[] lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string fence = lines[i].Trim();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            string info = fence[3..].Trim();
            int open = i;
            var code = new StringBuilder();
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                code.Append(lines[i]).Append('\n');
            }

            if (IsSelected(info, selection))
            {
                snippets.Add(new DocSnippet(page, open + 1, info, code.ToString()));
            }
        }

        return snippets;
    }

    /// <summary>Compiles <paramref name="snippets"/> (one page) together; returns the error diagnostics, none when it builds.</summary>
    public static IReadOnlyList<Diagnostic> CompileErrors(IReadOnlyList<DocSnippet> snippets)
    {
        ArgumentNullException.ThrowIfNull(snippets);
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        List<SyntaxTree> trees = snippets
            .Select(s => CSharpSyntaxTree.ParseText(s.Code, parse, path: $"{s.Page}:{s.Line}"))
            .ToList();
        bool program = trees.Any(t => t.GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any());
        var options = new CSharpCompilationOptions(
            program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Enable,
            allowUnsafe: false);
        CSharpCompilation compilation = CSharpCompilation.Create("DocSnippets", trees, References(), options);
        return compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
    }

    /// <summary>The repository root: the nearest folder above the test binaries holding Tina.sln.</summary>
    public static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tina.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tina.sln not found above " + AppContext.BaseDirectory);
    }

    private static bool IsSelected(string info, Selection selection)
    {
        string[] words = info.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0] != "csharp")
        {
            return false;
        }

        return selection == Selection.AllCSharp || words.Skip(1).Contains("compile");
    }

    /// <summary>
    /// The framework and every assembly the test host loads from (its trusted platform list holds this project's
    /// references: the Tina assemblies and NUnit), plus the Tina assemblies by their types so a change in how the
    /// host lists them cannot silently drop one.
    /// </summary>
    private static List<MetadataReference> References()
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string trusted)
        {
            foreach (string path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                paths.Add(path);
            }
        }

        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in paths)
        {
            byName.TryAdd(Path.GetFileName(path), path);
        }

        foreach (Type type in new[] { typeof(TinaRuntime), typeof(Tina.Io.IoOptions), typeof(IsolateTestKit<>), typeof(NUnit.Framework.Assert) })
        {
            byName[Path.GetFileName(type.Assembly.Location)] = type.Assembly.Location;
        }

        return byName.Values.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    }
}
