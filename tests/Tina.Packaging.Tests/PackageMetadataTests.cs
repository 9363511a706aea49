using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace Tina.Packaging.Tests;

/// <summary>Each shipped package, read from the feed: what nuget.org and a user's IDE would show and load.</summary>
public sealed class PackageMetadataTests
{
    public static IEnumerable<string> Packages => PackagedFeed.Packages;

    private static PackagedFeed Feed => PackagedFeed.Current;

    [TestCaseSource(nameof(Packages))]
    public void Nuspec_HasTheVersionAuthorsLicenceUrlsAndReadme(string id)
    {
        Nupkg package = Nupkg.Open(Feed.PackagePath(id));

        Assert.Multiple(() =>
        {
            Assert.That(package.Value("id"), Is.EqualTo(id));
            Assert.That(package.Value("version"), Is.EqualTo(Feed.Version));
            Assert.That(package.Value("authors"), Is.EqualTo("The Tina authors"));
            Assert.That(package.Metadata.Element("license")?.Attribute("type")?.Value, Is.EqualTo("expression"));
            Assert.That(package.Value("license"), Is.EqualTo("MIT"));
            Assert.That(package.Value("projectUrl"), Is.EqualTo("https://github.com/tina-dotnet/tina"));
            Assert.That(package.Value("description"), Is.Not.Empty);
            Assert.That(package.Value("readme"), Is.EqualTo("README.md"));
            Assert.That(package.Entries, Does.Contain("README.md"));
        });
    }

    [TestCaseSource(nameof(Packages))]
    public void Nuspec_NamesTheRepositoryAndTheCommitItWasBuiltFrom(string id)
    {
        PackageRepository repository = PackageRepository.Of(Nupkg.Open(Feed.PackagePath(id)));

        Assert.That(repository.Type, Is.EqualTo("git"));
        Assert.That(repository.Url, Is.EqualTo("https://github.com/tina-dotnet/tina"));
        Assert.That(repository.Commit, Is.EqualTo(Feed.Commit));
    }

    [TestCaseSource(nameof(Packages))]
    public void Package_HasItsAssemblyWithXmlDocs_AndASymbolPackageWithSourceLink(string id)
    {
        Nupkg package = Nupkg.Open(Feed.PackagePath(id));
        Assert.That(package.Entries, Does.Contain($"lib/net10.0/{id}.dll"));
        Assert.That(package.Entries, Does.Contain($"lib/net10.0/{id}.xml"), "XML documentation beside the assembly");

        string symbolsPath = Feed.PackagePath(id, ".snupkg");
        Assert.That(File.Exists(symbolsPath), Is.True, symbolsPath);
        Nupkg symbols = Nupkg.Open(symbolsPath);
        Assert.That(symbols.Entries, Does.Contain($"lib/net10.0/{id}.pdb"));

        // CI build (TINA_CI): source paths are /_/..., and SourceLink maps them to the commit on GitHub.
        string? sourceLink = AssemblyFacts.SourceLink(symbols.Read($"lib/net10.0/{id}.pdb"));
        Assert.That(sourceLink, Does.Contain($"\"/_/*\":\"https://raw.githubusercontent.com/tina-dotnet/tina/{Feed.Commit}/*\""));
    }

    [Test]
    public void TinaCore_CarriesTheAnalyzerItsCodeFixesAndTheGenerator()
    {
        Nupkg core = Nupkg.Open(Feed.PackagePath("Tina.Core"));

        Assert.That(core.Entries, Does.Contain("analyzers/dotnet/cs/Tina.Analyzers.dll"));
        Assert.That(core.Entries, Does.Contain("analyzers/dotnet/cs/Tina.Analyzers.CodeFixes.dll"));
        Assert.That(core.Entries, Does.Contain("analyzers/dotnet/cs/Tina.Generators.dll"));
        Assert.That(core.Dependencies().Keys, Has.None.StartsWith("Tina."), "the analyzer is inside, not a dependency");
    }

    [Test]
    public void TinaDependencies_AreThisVersion_FlowTheirAnalyzers_AndArePinnedExactlyWhereInternalsAreSeen()
    {
        var grants = PackagedFeed.Packages.ToDictionary(
            id => id,
            id => AssemblyFacts.InternalsVisibleTo(Nupkg.Open(Feed.PackagePath(id)).Read($"lib/net10.0/{id}.dll")));
        int tinaDependencies = 0;
        foreach (string id in PackagedFeed.Packages)
        {
            Nupkg package = Nupkg.Open(Feed.PackagePath(id));
            foreach (System.Xml.Linq.XElement dependency in package.Metadata.Descendants("dependency"))
            {
                string target = dependency.Attribute("id")!.Value;
                if (!target.StartsWith("Tina.", System.StringComparison.Ordinal))
                {
                    continue;
                }

                tinaDependencies++;
                bool seesInternals = grants[target].Contains(id);
                string expected = seesInternals ? $"[{Feed.Version}]" : Feed.Version;
                Assert.That(dependency.Attribute("version")!.Value, Is.EqualTo(expected), $"{id} -> {target} (sees its internals: {seesInternals})");
                Assert.That(dependency.Attribute("exclude"), Is.Null, $"{id} -> {target}: the dependency must carry Tina.Core's analyzers along");
            }
        }

        Assert.That(tinaDependencies, Is.GreaterThanOrEqualTo(4), "Io, Http, Hosting and Testing depend on Tina packages");
    }

    [Test]
    public void AnInternalsGrant_PinsTheExactVersion_AndAPlainReference_DoesNot()
    {
        IReadOnlyDictionary<string, string> grantee = Nupkg.Open(Feed.PackagePath(PinProbes.Grantee)).Dependencies();
        IReadOnlyDictionary<string, string> plain = Nupkg.Open(Feed.PackagePath(PinProbes.Plain)).Dependencies();

        Assert.That(grantee[PinProbes.Grantor], Is.EqualTo($"[{Feed.Version}]"));
        Assert.That(plain[PinProbes.Grantor], Is.EqualTo(Feed.Version));
    }

    [Test]
    public void TemplatePack_IsATemplatePackage_WithBothTemplates()
    {
        Nupkg templates = Nupkg.Open(Feed.PackagePath(PackagedFeed.TemplatePackage));

        Assert.That(templates.Metadata.Element("packageTypes")?.Element("packageType")?.Attribute("name")?.Value, Is.EqualTo("Template"));
        Assert.That(templates.Value("version"), Is.EqualTo(Feed.Version));
        Assert.That(templates.Value("license"), Is.EqualTo("MIT"));
        Assert.That(templates.Entries, Does.Contain("content/tina-worker/.template.config/template.json"));
        Assert.That(templates.Entries, Does.Contain("content/tina-ingress/.template.config/template.json"));
        Assert.That(templates.Entries, Has.None.Contains("/bin/").And.None.Contains("/obj/"));
        Assert.That(templates.Entries, Has.None.EndsWith(".dll"));
        Assert.That(templates.Metadata.Element("dependencies"), Is.Null, "a template package depends on nothing");
    }
}
