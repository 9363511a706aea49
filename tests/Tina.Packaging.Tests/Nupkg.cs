using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;

namespace Tina.Packaging.Tests;

/// <summary>A package read the way NuGet reads it: the zip's entries and its .nuspec (namespace stripped).</summary>
public sealed class Nupkg
{
    private Nupkg(string path, IReadOnlyList<string> entries, XElement metadata)
    {
        Path = path;
        Entries = entries;
        Metadata = metadata;
    }

    public string Path { get; }

    public IReadOnlyList<string> Entries { get; }

    /// <summary>The nuspec's &lt;metadata&gt; element, element names without their XML namespace.</summary>
    public XElement Metadata { get; }

    public string? Value(string element) => Metadata.Element(element)?.Value;

    public static Nupkg Open(string path)
    {
        using ZipArchive zip = ZipFile.OpenRead(path);
        List<string> entries = zip.Entries.Select(e => e.FullName).ToList();
        ZipArchiveEntry nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using Stream stream = nuspec.Open();
        XElement root = XDocument.Load(stream).Root!;
        foreach (XElement element in root.DescendantsAndSelf())
        {
            element.Name = element.Name.LocalName;
        }

        return new Nupkg(path, entries, root.Element("metadata")!);
    }

    /// <summary>The bytes of one entry (an assembly, a PDB).</summary>
    public byte[] Read(string entry)
    {
        using ZipArchive zip = ZipFile.OpenRead(Path);
        using Stream stream = zip.GetEntry(entry)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Dependencies of the net10.0 group: id to version range as written.</summary>
    public IReadOnlyDictionary<string, string> Dependencies() =>
        Metadata.Element("dependencies")?.Elements("group").SelectMany(g => g.Elements("dependency"))
            .ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);
}
