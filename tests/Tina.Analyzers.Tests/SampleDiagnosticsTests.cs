using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using NUnit.Framework;

namespace Tina.Analyzers.Tests;

/// <summary>
/// The samples are what users copy, so they build with no Tina diagnostic at any severity: each sample's compiler
/// writes every diagnostic it reports, suggestions included, to obj/tina-diagnostics.sarif (samples/Directory.Build.props),
/// and this project builds the samples first (project references that are never referenced). A diagnostic the source
/// suppresses in place (a pragma with its reason) is listed in the test output, not counted.
/// </summary>
public sealed class SampleDiagnosticsTests
{
    private static readonly string[] Samples = ["HostedApi", "HostedWorker", "Ingress", "TaskDispatcher", "TcpEcho"];

    [TestCaseSource(nameof(Samples))]
    public void The_sample_builds_without_Tina_diagnostics(string sample)
    {
        string log = Path.Combine(RepositoryRoot(), "samples", sample, "obj", "tina-diagnostics.sarif");
        Assert.That(File.Exists(log), Is.True, $"{log} is missing: the sample was not compiled with samples/Directory.Build.props");

        var reported = new List<string>();
        using JsonDocument sarif = JsonDocument.Parse(File.ReadAllText(log));
        foreach (JsonElement run in sarif.RootElement.GetProperty("runs").EnumerateArray())
        {
            if (!run.TryGetProperty("results", out JsonElement results))
            {
                continue;
            }

            foreach (JsonElement result in results.EnumerateArray())
            {
                string id = result.GetProperty("ruleId").GetString() ?? "";
                if (!id.StartsWith("TINA", StringComparison.Ordinal))
                {
                    continue;
                }

                string text = id + ": " + result.GetProperty("message").GetProperty("text").GetString();
                if (result.TryGetProperty("suppressions", out JsonElement suppressions) && suppressions.GetArrayLength() > 0)
                {
                    TestContext.Out.WriteLine("suppressed in source: " + text);
                    continue;
                }

                reported.Add(text);
            }
        }

        Assert.That(reported, Is.Empty, $"Tina diagnostics in samples/{sample}");
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tina.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tina.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
