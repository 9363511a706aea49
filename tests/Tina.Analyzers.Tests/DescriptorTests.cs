using System;
using System.IO;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace Tina.Analyzers.Tests;

/// <summary>The rules' stable IDs and severities (other tools depend on them), and help links that lead somewhere.</summary>
public sealed class DescriptorTests
{
    private static readonly object[] Rules =
    {
        new object[] { TinaDescriptors.AsyncInHandler, "TINA001", DiagnosticSeverity.Error },
        new object[] { TinaDescriptors.BlockingInHandler, "TINA002", DiagnosticSeverity.Error },
        new object[] { TinaDescriptors.MessageTooLarge, "TINA003", DiagnosticSeverity.Error },
        new object[] { TinaDescriptors.CallWithoutTimeout, "TINA004", DiagnosticSeverity.Warning },
        new object[] { TinaDescriptors.DiscardedEffect, "TINA005", DiagnosticSeverity.Warning },
        new object[] { TinaDescriptors.InvocationDataEscapes, "TINA006", DiagnosticSeverity.Warning },
        new object[] { TinaDescriptors.AllocationInHandler, "TINA007", DiagnosticSeverity.Info },
    };

    [TestCaseSource(nameof(Rules))]
    public void Rule_HasItsIdSeverityAndHelpLink(DiagnosticDescriptor rule, string id, DiagnosticSeverity severity)
    {
        Assert.That(rule.Id, Is.EqualTo(id));
        Assert.That(rule.DefaultSeverity, Is.EqualTo(severity));
        Assert.That(rule.IsEnabledByDefault, Is.True);
        string anchor = string.Concat("tina", id.AsSpan(4));
        Assert.That(rule.HelpLinkUri, Is.EqualTo("https://github.com/tina-dotnet/tina/blob/main/design/analyzers.md#" + anchor));
    }

    [TestCaseSource(nameof(Rules))]
    public void HelpLink_AnchorIsInDesignAnalyzersMd(DiagnosticDescriptor rule, string id, DiagnosticSeverity severity)
    {
        string page = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "analyzers.md"));
        string anchor = rule.HelpLinkUri.Substring(rule.HelpLinkUri.IndexOf('#', StringComparison.Ordinal) + 1);
        Assert.That(page, Does.Contain("<a id=\"" + anchor + "\"></a>"), id + "'s help link has no anchor in design/analyzers.md");
        Assert.That(page, Does.Contain("## " + id + ":"), id + " has no section in design/analyzers.md");
        Assert.That(severity, Is.EqualTo(rule.DefaultSeverity));
    }
}
