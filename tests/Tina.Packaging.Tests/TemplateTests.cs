using System;
using System.IO;
using NUnit.Framework;

namespace Tina.Packaging.Tests;

/// <summary>
/// A template as a user meets it: installed from the packed template package (into a private template hive, so the
/// machine's own template list is untouched), instantiated, restored against the local feed, built, and its own
/// generated tests run. Then a blocking call is planted in one of its isolate handlers, and the build must fail with
/// Tina's TINA002, which only the analyzer shipped inside the Tina.Core package can report.
/// </summary>
[TestFixture("tina-worker", "Acme.Worker", "Heartbeat.cs")]
[TestFixture("tina-ingress", "Acme.Ingress", "PlaintextHandler.cs")]
[NonParallelizable]
public sealed class TemplateTests(string shortName, string name, string handlerFile)
{
    private const string Planted = "System.Threading.Thread.Sleep(1);";
    private const string HandlerEntry = "public Effect OnMessage(ref Context ctx, in Message message)";

    private static readonly TimeSpan s_short = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_long = TimeSpan.FromMinutes(6);

    private string _directory = "";
    private ProcessResult? _install;
    private ProcessResult? _create;
    private ProcessResult? _build;
    private ProcessResult? _test;
    private ProcessResult? _plantedBuild;

    private static PackagedFeed Feed => PackagedFeed.Current;

    [OneTimeSetUp]
    public void CreateBuildAndTest()
    {
        string hive = Path.Combine(Feed.TemplateHive, shortName);
        _directory = Path.Combine(Feed.Projects, name);
        _install = Dotnet.Run(Feed.Projects, ["new", "install", Feed.PackagePath(PackagedFeed.TemplatePackage), "--debug:custom-hive", hive], s_short);
        if (!_install.Succeeded)
        {
            return;
        }

        _create = Dotnet.Run(Feed.Projects, ["new", shortName, "-n", name, "-o", _directory, "--no-update-check", "--debug:custom-hive", hive], s_short);
        if (!_create.Succeeded)
        {
            return;
        }

        string solution = Path.Combine(_directory, name + ".slnx");
        _build = Dotnet.Run(_directory, ["build", solution, "-tl:off", "-nologo", "-nodeReuse:false"], s_long, Feed.ProjectEnvironment);
        if (!_build.Succeeded)
        {
            return;
        }

        _test = Dotnet.Run(_directory, ["test", solution, "--no-build", "-tl:off", "-nologo", "-nodeReuse:false"], s_long, Feed.ProjectEnvironment);

        // Last, as it breaks the project: the planted call in the first handler of the app.
        string handler = Path.Combine(_directory, name, handlerFile);
        string source = File.ReadAllText(handler);
        int entry = source.IndexOf(HandlerEntry, StringComparison.Ordinal);
        int body = entry < 0 ? -1 : source.IndexOf('{', entry);
        if (body < 0)
        {
            return;
        }

        File.WriteAllText(handler, source.Insert(body + 1, "\n        " + Planted));
        string app = Path.Combine(_directory, name, name + ".csproj");
        _plantedBuild = Dotnet.Run(_directory, ["build", app, "--no-restore", "-tl:off", "-nologo", "-nodeReuse:false"], s_long, Feed.ProjectEnvironment);
    }

    [Test]
    public void Template_InstallsAndCreatesTheProject_ReferencingThePackedVersion()
    {
        Assert.That(_install?.Succeeded, Is.True, _install?.ToString());
        Assert.That(_create?.Succeeded, Is.True, _create?.ToString());

        string app = File.ReadAllText(Path.Combine(_directory, name, name + ".csproj"));
        Assert.That(app, Does.Contain($"Version=\"{Feed.Version}\""), "the TinaVersion parameter defaults to the packed version");
        Assert.That(app, Does.Not.Contain("TINA_PACKAGE_VERSION"));
        Assert.That(File.Exists(Path.Combine(_directory, name + ".Tests", name + ".Tests.csproj")), Is.True, "sourceName renames the test project");
    }

    [Test]
    public void GeneratedSolution_BuildsWithNoWarning()
    {
        Assert.That(_build, Is.Not.Null, _create?.ToString() ?? _install?.ToString());
        Assert.That(_build!.Succeeded, Is.True, _build.ToString());
        Assert.That(_build.Output, Does.Contain(" 0 Warning(s)").And.Not.Contain(": warning "), _build.ToString());
    }

    [Test]
    public void GeneratedTests_Pass()
    {
        Assert.That(_test, Is.Not.Null, _build?.ToString() ?? _create?.ToString() ?? _install?.ToString());
        Assert.That(_test!.Succeeded, Is.True, _test.ToString());
        Assert.That(_test.Output, Does.Match(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+[1-9]"), _test.ToString());
    }

    [Test]
    public void PlantedThreadSleep_InAnIsolateHandler_FailsTheBuildWithTina002()
    {
        Assert.That(_plantedBuild, Is.Not.Null, $"no handler entry '{HandlerEntry}' in {handlerFile}, or an earlier step failed");
        Assert.That(_plantedBuild!.Succeeded, Is.False, _plantedBuild.ToString());
        Assert.That(_plantedBuild.Output, Does.Contain($"{handlerFile}(").And.Contain("error TINA002"), _plantedBuild.ToString());
    }
}
