using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace Tina.Generators.Tests;

/// <summary>The generator's IDs, severities and help links are what design/analyzers.md and users' suppressions name.</summary>
public sealed class DescriptorTests
{
    private static readonly DiagnosticDescriptor[] s_all = typeof(HandlerDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    [Test]
    public void IdsAndSeveritiesAreStable()
    {
        Assert.That(s_all.Select(d => (d.Id, d.DefaultSeverity)).OrderBy(p => p.Id, StringComparer.Ordinal), Is.EqualTo(new[]
        {
            ("TINA100", DiagnosticSeverity.Error),
            ("TINA101", DiagnosticSeverity.Error),
            ("TINA102", DiagnosticSeverity.Error),
            ("TINA103", DiagnosticSeverity.Warning),
            ("TINA104", DiagnosticSeverity.Error),
            ("TINA105", DiagnosticSeverity.Error),
            ("TINA106", DiagnosticSeverity.Warning),
        }));
        Assert.That(s_all.Select(d => HandlerDescriptors.ById(d.Id)), Is.EqualTo(s_all));
    }

    [Test]
    public void EveryHelpLinkAnchorExistsInTheDesignPage()
    {
        string page = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "analyzers.md"));
        foreach (DiagnosticDescriptor descriptor in s_all)
        {
            string anchor = string.Concat("tina", descriptor.Id.AsSpan(4));
            Assert.That(descriptor.HelpLinkUri, Does.EndWith("design/analyzers.md#" + anchor));
            Assert.That(page, Does.Contain($"<a id=\"{anchor}\"></a>"), descriptor.Id);
        }
    }
}
