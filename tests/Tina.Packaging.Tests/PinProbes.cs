using System.Collections.Generic;
using System.IO;

namespace Tina.Packaging.Tests;

/// <summary>
/// Three throwaway packages under the repository's packaging rules (they import src/Directory.Packaging.props), so
/// the exact-version pin is seen to work even while no shipped Tina package sees another's internals:
/// <c>PinProbe.Grantor</c> grants InternalsVisibleTo to <c>PinProbe.Grantee</c>, which uses an internal member;
/// <c>PinProbe.Plain</c> references the grantor too, without a grant. Packed with the real packages.
/// </summary>
public static class PinProbes
{
    public const string Grantor = "PinProbe.Grantor";
    public const string Grantee = "PinProbe.Grantee";
    public const string Plain = "PinProbe.Plain";

    /// <summary>Writes the probes under <paramref name="directory"/>; returns their project files.</summary>
    public static IReadOnlyList<string> Write(string directory, string repositoryRoot)
    {
        string packaging = Path.Combine(repositoryRoot, "src", "Directory.Packaging.props");
        // Outside any git repository: no source root to map, so no CI path mapping and no symbols for the probes.
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(directory).FullName, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
              </PropertyGroup>
              <Import Project="{packaging}" />
              <PropertyGroup>
                <ContinuousIntegrationBuild>false</ContinuousIntegrationBuild>
                <IncludeSymbols>false</IncludeSymbols>
              </PropertyGroup>
            </Project>
            """);

        return
        [
            Project(directory, Grantor, $"""<ItemGroup><InternalsVisibleTo Include="{Grantee}" /></ItemGroup>""",
                "namespace PinProbe; public static class Open { public const int Value = 1; } internal static class Secret { internal const int Value = 2; }"),
            Project(directory, Grantee, $"""<ItemGroup><ProjectReference Include="../{Grantor}/{Grantor}.csproj" /></ItemGroup>""",
                "namespace PinProbe; public static class UsesSecret { public static int Value => Secret.Value; }"),
            Project(directory, Plain, $"""<ItemGroup><ProjectReference Include="../{Grantor}/{Grantor}.csproj" /></ItemGroup>""",
                "namespace PinProbe; public static class UsesOpen { public static int Value => Open.Value; }"),
        ];
    }

    private static string Project(string directory, string name, string items, string source)
    {
        string folder = Directory.CreateDirectory(Path.Combine(directory, name)).FullName;
        File.WriteAllText(Path.Combine(folder, name + ".cs"), source + "\n");
        string project = Path.Combine(folder, name + ".csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><Description>Packaging test probe.</Description></PropertyGroup>
              {items}
            </Project>
            """);
        return project;
    }
}
