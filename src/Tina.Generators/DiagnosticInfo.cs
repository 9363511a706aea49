using System;
using Microsoft.CodeAnalysis;

namespace Tina.Generators;

/// <summary>A diagnostic found while building a model, reported when the source is produced.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<StringValue> Arguments)
{
    public Diagnostic ToDiagnostic()
    {
        DiagnosticDescriptor descriptor = HandlerDescriptors.ById(Id);
        object[] args = new object[Arguments.Count];
        for (int i = 0; i < args.Length; i++)
        {
            args[i] = Arguments[i].Value;
        }

        return Diagnostic.Create(descriptor, Location?.ToLocation(), args);
    }
}

/// <summary>A string that is <see cref="IEquatable{T}"/> for <see cref="EquatableArray{T}"/>.</summary>
internal readonly record struct StringValue(string Value);
