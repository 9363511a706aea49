using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using NUnit.Framework;

namespace Tina.Packaging.Tests;

/// <summary>
/// Packs the shipped packages and the template pack once for every test in this assembly, into a folder feed under a
/// temporary directory:
/// <list type="bullet">
/// <item>a unique version (<c>0.1.0-packtest.&lt;timestamp&gt;</c>), so no package cache anywhere can hold those bits;</item>
/// <item>its own build output (artifacts layout), so the repository's bin/obj are not rewritten under other tests;</item>
/// <item>TINA_CI set, so the packages are built as CI builds them (deterministic /_/ paths);</item>
/// <item>without the SDK's code-style and CA analysis, which change no bits (the repository build runs them);</item>
/// <item>a NuGet.config for generated projects: the feed, then the machine's own sources, a private packages folder
/// (only the Tina packages land there) and the machine's packages folder as a read-only fallback (everything else
/// restores from it without a download).</item>
/// </list>
/// Also packs three probe packages (<see cref="PinProbes"/>) that show the exact-version pin for internals.
/// </summary>
[SetUpFixture]
public sealed class PackagedFeed
{
    public static readonly string[] Packages = ["Tina.Core", "Tina.Io", "Tina.Http", "Tina.Hosting", "Tina.Testing"];

    public const string TemplatePackage = "Tina.Templates";

    private static PackagedFeed? s_current;

    public static PackagedFeed Current => s_current ?? throw new InvalidOperationException("The feed was not packed (see the setup failure).");

    public string RepositoryRoot { get; private set; } = "";

    public string Root { get; private set; } = "";

    public string Version { get; private set; } = "";

    public string Feed { get; private set; } = "";

    public string Commit { get; private set; } = "";

    public string TemplateHive { get; private set; } = "";

    public string PackagesFolder { get; private set; } = "";

    /// <summary>Where generated projects go: it holds the NuGet.config they restore with.</summary>
    public string Projects { get; private set; } = "";

    public ProcessResult PackResult { get; private set; } = null!;

    /// <summary>The environment of every command run on a generated project: the private packages folder.</summary>
    public IReadOnlyDictionary<string, string> ProjectEnvironment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesFolder };

    [OneTimeSetUp]
    public void Pack()
    {
        RepositoryRoot = typeof(PackagedFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TinaRepositoryRoot").Value!;
        Root = Path.Combine(Path.GetTempPath(), "tina-packaging-" + Guid.NewGuid().ToString("N")[..12]);
        Version = "0.1.0-packtest." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        Feed = Path.Combine(Root, "feed");
        TemplateHive = Path.Combine(Root, "hive");
        PackagesFolder = Path.Combine(Root, "packages");
        Projects = Path.Combine(Root, "projects");
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Projects);

        ProcessResult git = Run(RepositoryRoot, ["git", "rev-parse", "HEAD"]);
        Assert.That(git.ExitCode, Is.Zero, git.ToString());
        Commit = git.Output.Trim();

        string solution = WritePackSolution();
        PackResult = Dotnet.Run(Root,
            ["pack", solution, "-c", "Release", "-o", Feed, "-tl:off", "-nologo", "-nodeReuse:false",
             "-p:Version=" + Version, "-p:UseArtifactsOutput=true", "-p:ArtifactsPath=" + Path.Combine(Root, "artifacts"),
             // The SDK's code-style and CA analysis only report (the repository's own build enforces them); the bits
             // are the same without them, and they are a third of the pack's CPU time.
             "-p:EnforceCodeStyleInBuild=false", "-p:AnalysisLevel=none"],
            TimeSpan.FromMinutes(10),
            new Dictionary<string, string> { ["TINA_CI"] = "true" });
        Assert.That(PackResult.Succeeded, Is.True, PackResult.ToString());

        WriteProjectsNuGetConfig();
        s_current = this;
    }

    [OneTimeTearDown]
    public void Delete()
    {
        s_current = null;
        try
        {
            if (Root.Length > 0 && Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        catch (IOException)
        {
            // A child process may still hold a file on some platforms; the directory is under the temp folder.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public string PackagePath(string id, string extension = ".nupkg") => Path.Combine(Feed, $"{id}.{Version}{extension}");

    /// <summary>
    /// A solution listing what to pack, so one `dotnet pack` builds it all (one restore, one graph). The analyzer and
    /// generator projects are listed too (they do not pack): a project reference to a project outside the solution is built in
    /// its default configuration, not the solution's, and Tina.Core packs the analyzers of its own configuration.
    /// </summary>
    private string WritePackSolution()
    {
        var solution = new StringBuilder("<Solution>\n");
        foreach (string id in Packages.Append(TemplatePackage).Append("Tina.Analyzers").Append("Tina.Analyzers.CodeFixes").Append("Tina.Generators"))
        {
            string project = Path.Combine(RepositoryRoot, "src", id, id + ".csproj");
            solution.Append(CultureInfo.InvariantCulture, $"  <Project Path=\"{Path.GetRelativePath(Root, project)}\" />\n");
        }

        foreach (string probe in PinProbes.Write(Path.Combine(Root, "probes"), RepositoryRoot))
        {
            solution.Append(CultureInfo.InvariantCulture, $"  <Project Path=\"{Path.GetRelativePath(Root, probe)}\" />\n");
        }

        solution.Append("</Solution>\n");
        string path = Path.Combine(Root, "pack.slnx");
        File.WriteAllText(path, solution.ToString());
        return path;
    }

    private void WriteProjectsNuGetConfig()
    {
        string machinePackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // No <clear/>: the machine's own sources (its user NuGet.Config) stay, after the local feed.
        string config = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{PackagesFolder}" />
              </config>
              <packageSources>
                <add key="tina-local" value="{Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{machinePackages}" />
              </fallbackPackageFolders>
            </configuration>
            """;
        File.WriteAllText(Path.Combine(Projects, "NuGet.config"), config);
    }

    private static ProcessResult Run(string directory, string[] command)
    {
        var start = new System.Diagnostics.ProcessStartInfo(command[0]) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return new ProcessResult(string.Join(' ', command), directory, process.ExitCode, output, TimedOut: false);
    }
}
