using System.Text;
using Microsoft.CodeAnalysis;

namespace Tina.Generators;

/// <summary>
/// The runtime's type tag (<c>MessageType&lt;T&gt;.Id</c>), computed at compile time: FNV-1a over the UTF-16 code units
/// of the type's <c>Type.FullName</c>, low byte then high byte, 0 mapped to 1 (<c>MessageTypeRegistry</c>, documented
/// stable across processes). Known only for non-generic types: a generic type's full name names its arguments'
/// assemblies, which only the runtime knows; those are compared against <c>MessageType&lt;T&gt;.Id</c> instead.
/// </summary>
internal static class TypeTag
{
    public static uint? Of(INamedTypeSymbol type)
    {
        string? fullName = FullName(type);
        return fullName is null ? null : Hash(fullName);
    }

    /// <summary>The type's runtime <c>Type.FullName</c> ("Ns.Outer+Inner"), or null for a generic type.</summary>
    public static string? FullName(INamedTypeSymbol type)
    {
        if (type.IsGenericType || type.TypeKind == TypeKind.Error)
        {
            return null;
        }

        if (type.ContainingType is { } outer)
        {
            string? outerName = FullName(outer);
            return outerName is null ? null : outerName + "+" + type.MetadataName;
        }

        var builder = new StringBuilder();
        AppendNamespace(builder, type.ContainingNamespace);
        builder.Append(type.MetadataName);
        return builder.ToString();
    }

    public static uint Hash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ (byte)c) * 16777619;
            hash = (hash ^ (byte)(c >> 8)) * 16777619;
        }

        return hash == 0 ? 1 : hash;
    }

    private static void AppendNamespace(StringBuilder builder, INamespaceSymbol? ns)
    {
        if (ns is null || ns.IsGlobalNamespace)
        {
            return;
        }

        AppendNamespace(builder, ns.ContainingNamespace);
        builder.Append(ns.MetadataName).Append('.');
    }
}
