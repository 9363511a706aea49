using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Tina.Analyzers;

/// <summary>
/// TINA006 in handler code: a <c>Tina.Message</c> or a <c>Tina.Io.IoCompletion</c> stored where it outlives the
/// invocation: assigned to a field, a property or an array element, or handed by value to a method of a generic
/// type instantiated over it (<c>List&lt;Message&gt;.Add</c>, <c>Queue&lt;IoCompletion&gt;.Enqueue</c>, ...).
/// </summary>
/// <remarks>
/// Why these two and nothing else: the spans a handler sees (<c>ctx.ReceivedData</c>, <c>ctx.GetBuffer</c>) are ref
/// structs, which the compiler already keeps from escaping; <c>Context</c> is a ref struct too. What can escape is a
/// plain struct naming invocation-scoped state: an IoCompletion names a receive buffer that returns to the pool when
/// the handler returns (later <c>ReceivedData</c> on it comes back empty), and a Message copy carries such a payload,
/// or a call that can no longer be answered. Handles meant to be kept are not reported: <c>BufferRef</c> (owned until
/// released), <c>KeptReceive</c> (kept by <c>ctx.KeepReceived</c>), <c>ReplyToken</c> (a deferred reply).
/// </remarks>
internal sealed class EscapeRule
{
    private readonly TinaSymbols _symbols;

    public EscapeRule(TinaSymbols symbols) => _symbols = symbols;

    public void Check(IOperation operation, Action<Diagnostic> report)
    {
        switch (operation)
        {
            case ISimpleAssignmentOperation assignment when Scoped(assignment.Value.Type) is { } kind && StorageName(assignment.Target) is { } target:
                report(Diagnostic.Create(TinaDescriptors.InvocationDataEscapes, operation.Syntax.GetLocation(), kind.Name, target, Advice(kind)));
                break;
            case IInvocationOperation invocation when StoredInCollection(invocation) is { } kind:
                report(Diagnostic.Create(
                    TinaDescriptors.InvocationDataEscapes,
                    operation.Syntax.GetLocation(),
                    kind.Name,
                    invocation.TargetMethod.ContainingType.Name + "<" + kind.Name + ">." + invocation.TargetMethod.Name,
                    Advice(kind)));
                break;
        }
    }

    private INamedTypeSymbol? Scoped(ITypeSymbol? type)
    {
        if (type is null)
        {
            return null;
        }

        if (SymbolEqualityComparer.Default.Equals(type, _symbols.Message))
        {
            return _symbols.Message;
        }

        return _symbols.IoCompletion is not null && SymbolEqualityComparer.Default.Equals(type, _symbols.IoCompletion) ? _symbols.IoCompletion : null;
    }

    private static string? StorageName(IOperation target) => target switch
    {
        IFieldReferenceOperation field when Outlives(field.Instance) => field.Field.Name,
        IPropertyReferenceOperation property when Outlives(property.Instance) => property.Property.Name,
        IArrayElementReferenceOperation => "an array element",
        _ => null,
    };

    /// <summary>
    /// True when a member of <paramref name="instance"/> outlives the invocation: a static member (no instance), a
    /// member of this isolate, of an object, or of a struct reached through one of those or by reference. A field of a
    /// struct local or by-value parameter dies with the invocation.
    /// </summary>
    private static bool Outlives(IOperation? instance) => instance switch
    {
        null => true,
        IInstanceReferenceOperation => true,
        IFieldReferenceOperation field => field.Type is { IsReferenceType: true } || Outlives(field.Instance),
        IPropertyReferenceOperation property => property.Type is { IsReferenceType: true } || Outlives(property.Instance),
        ILocalReferenceOperation local => local.Type is { IsReferenceType: true } || local.Local.RefKind != RefKind.None,
        IParameterReferenceOperation parameter => parameter.Type is { IsReferenceType: true } || parameter.Parameter.RefKind is RefKind.Ref or RefKind.Out,
        _ => instance.Type is { IsReferenceType: true },
    };

    private INamedTypeSymbol? StoredInCollection(IInvocationOperation invocation)
    {
        INamedTypeSymbol container = invocation.TargetMethod.ContainingType;
        if (!container.IsGenericType || container.IsRefLikeType)
        {
            return null;   // spans live on the stack: invocation-scoped like the data
        }

        IMethodSymbol definition = invocation.TargetMethod.OriginalDefinition;
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.Parameter is null || argument.Parameter.RefKind != RefKind.None && argument.Parameter.RefKind != RefKind.In)
            {
                continue;
            }

            ITypeSymbol declared = definition.Parameters[argument.Parameter.Ordinal].Type;
            if (declared is ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Type } && Scoped(argument.Parameter.Type) is { } kind)
            {
                return kind;
            }
        }

        return null;
    }

    private string Advice(INamedTypeSymbol kind) =>
        SymbolEqualityComparer.Default.Equals(kind, _symbols.Message)
            ? "keep the payload instead (message.Is(out T value)) and the header fields you need; to answer a call later, ctx.TryDeferReply gives a ReplyToken"
            : "its received bytes return to the pool when the handler returns; keep the fields you need, copy the bytes, or ctx.KeepReceived them";
}
