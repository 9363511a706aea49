using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Tina.Analyzers;

/// <summary>
/// The size of an unmanaged struct as the runtime lays it out on a 64-bit process (Tina runs on x64 and arm64):
/// primitives, enums, pointers, fixed buffers and nested structs; sequential layout with natural alignment,
/// <c>Pack</c> and <c>Size</c> from <c>[StructLayout]</c> on source types. Where the exact size is not known from
/// source a lower bound is given instead (explicit layout: the furthest field end; auto layout: the sum of the
/// fields), and the caller reports only when even that is too large. A type it cannot size at all (a type parameter,
/// an error type) gives no answer, and nothing is reported.
/// </summary>
/// <remarks>
/// Layout attributes are pseudo-attributes, invisible on types from metadata, so a struct from a referenced assembly
/// is laid out as sequential with natural alignment: the default for C# structs, and right for Tina's own payload
/// types (Handle, BufferRef, IoCompletion, ...).
/// </remarks>
internal static class PayloadLayout
{
    private const int PointerSize = 8;
    private const int MaxDepth = 32;

    /// <summary>The size in bytes, or false when it cannot be computed; <paramref name="exact"/> false for a lower bound.</summary>
    public static bool TryGetSize(ITypeSymbol type, out int size, out bool exact)
    {
        exact = true;
        return TryLayout(type, 0, ref exact, out size, out _);
    }

    private static bool TryLayout(ITypeSymbol type, int depth, ref bool exact, out int size, out int alignment)
    {
        size = 0;
        alignment = 1;
        if (depth > MaxDepth)
        {
            return false;
        }

        if (Primitive(type, out size))
        {
            alignment = Math.Min(size, PointerSize);
            return true;
        }

        switch (type)
        {
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                size = alignment = PointerSize;
                return true;
            case INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying }:
                return TryLayout(underlying, depth + 1, ref exact, out size, out alignment);
            case INamedTypeSymbol { TypeKind: TypeKind.Struct } named:
                if (WellKnown(named, out size, out alignment))
                {
                    return true;
                }

                return TryStruct(named, depth, ref exact, out size, out alignment);
            default:
                return false;
        }
    }

    private static bool TryStruct(INamedTypeSymbol type, int depth, ref bool exact, out int size, out int alignment)
    {
        size = 0;
        alignment = 1;
        LayoutKindValue kind = ReadLayout(type, out int pack, out int declaredSize);
        int offset = 0;
        int sum = 0;
        int end = 0;
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is not IFieldSymbol { IsStatic: false, IsConst: false } field)
            {
                continue;
            }

            int fieldSize;
            int fieldAlignment;
            if (field.IsFixedSizeBuffer && field.Type is IPointerTypeSymbol { PointedAtType: { } element })
            {
                if (!TryLayout(element, depth + 1, ref exact, out int elementSize, out fieldAlignment))
                {
                    return false;
                }

                fieldSize = elementSize * field.FixedSize;
            }
            else if (!TryLayout(field.Type, depth + 1, ref exact, out fieldSize, out fieldAlignment))
            {
                return false;
            }

            int effective = pack > 0 ? Math.Min(fieldAlignment, pack) : fieldAlignment;
            alignment = Math.Max(alignment, effective);
            offset = Align(offset, effective) + fieldSize;
            sum += fieldSize;
            end = Math.Max(end, FieldOffset(field) + fieldSize);
        }

        switch (kind)
        {
            case LayoutKindValue.Explicit:
                exact = false;
                size = end;
                break;
            case LayoutKindValue.Auto:
                exact = false;
                size = sum;
                break;
            default:
                size = Align(offset, alignment);
                break;
        }

        size = Math.Max(Math.Max(size, declaredSize), 1);
        return true;
    }

    private static bool Primitive(ITypeSymbol type, out int size)
    {
        size = type.SpecialType switch
        {
            SpecialType.System_Boolean or SpecialType.System_Byte or SpecialType.System_SByte => 1,
            SpecialType.System_Char or SpecialType.System_Int16 or SpecialType.System_UInt16 => 2,
            SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Single => 4,
            SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Double => 8,
            SpecialType.System_IntPtr or SpecialType.System_UIntPtr => PointerSize,
            _ => 0,
        };
        return size != 0;
    }

    /// <summary>Structs whose runtime layout is not what their fields say (16-byte alignment, decimal's 8).</summary>
    private static bool WellKnown(INamedTypeSymbol type, out int size, out int alignment)
    {
        size = 0;
        alignment = 0;
        if (type.SpecialType == SpecialType.System_Decimal)
        {
            size = 16;
            alignment = 8;
            return true;
        }

        if (type.ContainingNamespace?.ToDisplayString() == "System" && type.Name is "Int128" or "UInt128")
        {
            size = alignment = 16;
            return true;
        }

        return false;
    }

    private enum LayoutKindValue
    {
        Sequential = 0,
        Explicit = 2,
        Auto = 3,
    }

    private static LayoutKindValue ReadLayout(INamedTypeSymbol type, out int pack, out int declaredSize)
    {
        pack = 0;
        declaredSize = 0;
        LayoutKindValue kind = LayoutKindValue.Sequential;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() != "System.Runtime.InteropServices.StructLayoutAttribute")
            {
                continue;
            }

            if (attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is { } value)
            {
                kind = (LayoutKindValue)Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
            }

            foreach (System.Collections.Generic.KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Value.Value is int number)
                {
                    if (named.Key == "Pack")
                    {
                        pack = number;
                    }
                    else if (named.Key == "Size")
                    {
                        declaredSize = number;
                    }
                }
            }
        }

        return kind;
    }

    private static int FieldOffset(IFieldSymbol field)
    {
        ImmutableArray<AttributeData> attributes = field.GetAttributes();
        foreach (AttributeData attribute in attributes)
        {
            if (attribute.AttributeClass?.ToDisplayString() == "System.Runtime.InteropServices.FieldOffsetAttribute"
                && attribute.ConstructorArguments.Length == 1
                && attribute.ConstructorArguments[0].Value is int offset)
            {
                return offset;
            }
        }

        return 0;
    }

    private static int Align(int value, int alignment) => alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
}
