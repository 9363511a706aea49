using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;

namespace Tina.Packaging.Tests;

/// <summary>What the test reads from packed binaries with System.Reflection.Metadata (nothing is loaded or run).</summary>
public static class AssemblyFacts
{
    private static readonly Guid s_sourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    /// <summary>The assembly names an assembly's [InternalsVisibleTo] attributes name.</summary>
    public static IReadOnlyList<string> InternalsVisibleTo(byte[] assembly)
    {
        using var pe = new PEReader(new MemoryStream(assembly));
        MetadataReader reader = pe.GetMetadataReader();
        var names = new List<string>();
        foreach (CustomAttributeHandle handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            CustomAttribute attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            MemberReference constructor = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            if (constructor.Parent.Kind != HandleKind.TypeReference
                || reader.GetString(reader.GetTypeReference((TypeReferenceHandle)constructor.Parent).Name) != "InternalsVisibleToAttribute")
            {
                continue;
            }

            BlobReader value = reader.GetBlobReader(attribute.Value);
            value.ReadUInt16(); // prolog 0x0001
            string target = value.ReadSerializedString() ?? "";
            int comma = target.IndexOf(',', StringComparison.Ordinal);
            names.Add(comma < 0 ? target : target[..comma]);
        }

        return names;
    }

    /// <summary>The SourceLink JSON a portable PDB carries, or null.</summary>
    public static string? SourceLink(byte[] pdb)
    {
        using MetadataReaderProvider provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(pdb));
        MetadataReader reader = provider.GetMetadataReader();
        foreach (CustomDebugInformationHandle handle in reader.CustomDebugInformation)
        {
            CustomDebugInformation information = reader.GetCustomDebugInformation(handle);
            if (reader.GetGuid(information.Kind) == s_sourceLinkKind)
            {
                return Encoding.UTF8.GetString(reader.GetBlobBytes(information.Value));
            }
        }

        return null;
    }
}
