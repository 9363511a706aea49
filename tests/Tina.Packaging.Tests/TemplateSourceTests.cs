using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using NUnit.Framework;

namespace Tina.Packaging.Tests;

/// <summary>
/// The template sources in the repository, read as files (no packing): the third-party packages a generated project
/// references are the versions the repository itself builds and tests with (Directory.Packages.props), and every
/// template names its version parameter and its sourceName as the packing and the tests expect.
/// </summary>
public sealed class TemplateSourceTests
{
    private static string RepositoryRoot => typeof(TemplateSourceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TinaRepositoryRoot").Value!;

    private static string Content => Path.Combine(RepositoryRoot, "src", "Tina.Templates", "content");

    public static IEnumerable<string> Templates => ["tina-worker", "tina-ingress"];

    [Test]
    public void GeneratedProjects_ReferenceTheRepositorysOwnPackageVersions()
    {
        Dictionary<string, string> central = XDocument.Load(Path.Combine(RepositoryRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => e.Attribute("Include")!.Value, e => e.Attribute("Version")!.Value, StringComparer.OrdinalIgnoreCase);
        int checkedReferences = 0;
        foreach (string project in Directory.EnumerateFiles(Content, "*.csproj", SearchOption.AllDirectories))
        {
            foreach (XElement reference in XDocument.Load(project).Descendants("PackageReference"))
            {
                string id = reference.Attribute("Include")!.Value;
                string version = reference.Attribute("Version")!.Value;
                if (id.StartsWith("Tina.", StringComparison.Ordinal))
                {
                    Assert.That(version, Is.EqualTo("TINA_PACKAGE_VERSION"), $"{project}: {id} takes the TinaVersion parameter");
                    continue;
                }

                Assert.That(central.TryGetValue(id, out string? expected), Is.True, $"{project}: {id} is not in Directory.Packages.props");
                Assert.That(version, Is.EqualTo(expected), $"{project}: {id}");
                checkedReferences++;
            }
        }

        Assert.That(checkedReferences, Is.GreaterThanOrEqualTo(6));
    }

    [TestCaseSource(nameof(Templates))]
    public void TemplateJson_HasItsShortName_SourceName_AndTheVersionToken(string shortName)
    {
        using JsonDocument template = JsonDocument.Parse(File.ReadAllText(Path.Combine(Content, shortName, ".template.config", "template.json")));
        JsonElement root = template.RootElement;

        Assert.That(root.GetProperty("shortName").GetString(), Is.EqualTo(shortName));
        string sourceName = root.GetProperty("sourceName").GetString()!;
        Assert.That(Directory.Exists(Path.Combine(Content, shortName, sourceName)), Is.True, "the app folder is named after sourceName");
        Assert.That(Directory.Exists(Path.Combine(Content, shortName, sourceName + ".Tests")), Is.True, "so is its test project");
        JsonElement version = root.GetProperty("symbols").GetProperty("TinaVersion");
        Assert.That(version.GetProperty("defaultValue").GetString(), Is.EqualTo("__TINA_VERSION__"), "stamped with the package version at pack time");
        Assert.That(version.GetProperty("replaces").GetString(), Is.EqualTo("TINA_PACKAGE_VERSION"));
    }
}
