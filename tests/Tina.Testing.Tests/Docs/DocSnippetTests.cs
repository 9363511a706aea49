using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace Tina.Testing.Tests.Docs;

/// <summary>
/// The documentation's C# compiles against the current assemblies (rule: <see cref="DocSnippets"/>): README.md's
/// every csharp block, and the design pages' blocks fenced <c>csharp compile</c>.
/// </summary>
public sealed class DocSnippetTests
{
    private static string Root => DocSnippets.RepositoryRoot();

    [Test]
    public void Readme_EveryCSharpBlockCompiles()
    {
        string path = Path.Combine(Root, "README.md");
        IReadOnlyList<DocSnippet> snippets = DocSnippets.Extract("README.md", File.ReadAllText(path), DocSnippets.Selection.AllCSharp);

        // The hello world, supervision, I/O and test-kit blocks: fewer means the extractor lost some.
        Assert.That(snippets, Has.Count.GreaterThanOrEqualTo(4));
        AssertCompiles(snippets);
    }

    [TestCaseSource(nameof(DesignPages))]
    public void DesignPage_BlocksMarkedCompile_Compile(string page)
    {
        string text = File.ReadAllText(Path.Combine(Root, "design", page));
        IReadOnlyList<DocSnippet> snippets = DocSnippets.Extract("design/" + page, text, DocSnippets.Selection.MarkedCompile);
        if (snippets.Count == 0)
        {
            Assert.Pass("no block marked compile");
        }

        AssertCompiles(snippets);
    }

    [Test]
    public void TestkitPage_HasACompiledBlock()
    {
        string text = File.ReadAllText(Path.Combine(Root, "design", "testkit.md"));

        Assert.That(DocSnippets.Extract("design/testkit.md", text, DocSnippets.Selection.MarkedCompile), Is.Not.Empty);
    }

    [Test]
    public void Extract_FollowsTheRule()
    {
        const string page = "text\n```csharp\nclass A {}\n```\n```csharp compile\nclass B {}\n```\n```sh\nls\n```\n```\nplain\n```\n";

        IReadOnlyList<DocSnippet> all = DocSnippets.Extract("p", page, DocSnippets.Selection.AllCSharp);
        IReadOnlyList<DocSnippet> marked = DocSnippets.Extract("p", page, DocSnippets.Selection.MarkedCompile);

        Assert.That(all.Select(s => s.Code), Is.EqualTo(new[] { "class A {}\n", "class B {}\n" }));
        Assert.That(all.Select(s => s.Line), Is.EqualTo(new[] { 2, 5 }));
        Assert.That(marked.Select(s => s.Code), Is.EqualTo(new[] { "class B {}\n" }));
    }

    [Test]
    public void PlantedBrokenSnippet_Fails()
    {
        // Each block alone is fine C#; the page is broken: an unknown Tina member, and statements after a type
        // declaration (CS8803, the error the README's hello world once had).
        const string page = "```csharp\nusing Tina;\n\npublic sealed class Holder { public TinaSpec Spec = new() { NoSuchField = 1 }; }\n```\n"
            + "```csharp\nusing Tina;\n\npublic sealed class Early { }\n\nvar spec = new TinaSpec();\n```\n";

        IReadOnlyList<Diagnostic> errors = DocSnippets.CompileErrors(DocSnippets.Extract("planted", page, DocSnippets.Selection.AllCSharp));

        Assert.That(errors.Select(e => e.Id), Does.Contain("CS0117").And.Contain("CS8803"));
        Assert.That(errors.First(e => e.Id == "CS0117").Location.SourceTree!.FilePath, Is.EqualTo("planted:1"));
    }

    [Test]
    public void PlantedGoodSnippets_ShareOneCompilation()
    {
        // The second block uses the first block's type: one compilation per page.
        const string page = "```csharp\nusing Tina;\nvar kit = new Tina.Testing.IsolateTestKit<Quiet>();\n```\n"
            + "```csharp\nusing Tina;\npublic sealed class Quiet : IIsolate { public Effect OnMessage(ref Context ctx, in Message message) => Effect.Receive; }\n```\n";

        Assert.That(DocSnippets.CompileErrors(DocSnippets.Extract("planted", page, DocSnippets.Selection.AllCSharp)), Is.Empty);
    }

    private static IEnumerable<string> DesignPages() =>
        Directory.GetFiles(Path.Combine(DocSnippets.RepositoryRoot(), "design"), "*.md").Select(Path.GetFileName).OrderBy(n => n)!;

    private static void AssertCompiles(IReadOnlyList<DocSnippet> snippets)
    {
        IReadOnlyList<Diagnostic> errors = DocSnippets.CompileErrors(snippets);
        Assert.That(errors.Select(e => e.ToString()), Is.Empty, "snippet errors (file:line of the block's fence, then line within the block)");
    }
}
