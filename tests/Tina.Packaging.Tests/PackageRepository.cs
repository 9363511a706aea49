namespace Tina.Packaging.Tests;

/// <summary>The nuspec's &lt;repository type url commit&gt; element.</summary>
public sealed record PackageRepository(string? Type, string? Url, string? Commit)
{
    public static PackageRepository Of(Nupkg package)
    {
        System.Xml.Linq.XElement? element = package.Metadata.Element("repository");
        return new PackageRepository(element?.Attribute("type")?.Value, element?.Attribute("url")?.Value, element?.Attribute("commit")?.Value);
    }
}
