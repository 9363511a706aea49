using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Operations;

namespace Tina.Analyzers;

/// <summary>
/// TINA007 in handler code (a suggestion): a lambda or anonymous method that captures (a closure object per
/// evaluation; a non-capturing one is cached), a delegate made from an instance method group, a LINQ call
/// (<c>System.Linq.Enumerable</c>), a boxing conversion, a non-constant interpolated string, <c>string.Format</c>,
/// <c>string.Concat</c>, <c>string.Join</c> or <c>+</c> on strings, and <c>new</c> of a reference type, an array, an
/// anonymous object or a non-empty collection expression of a reference type (an empty one for an array or an
/// interface is <c>Array.Empty</c>). Code under a <c>throw</c> is not reported: the
/// exception path ends the isolate anyway.
/// </summary>
internal sealed class AllocationRule
{
    private readonly INamedTypeSymbol? _enumerable;

    public AllocationRule(Compilation compilation) => _enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");

    public void Check(IOperation operation, Action<Diagnostic> report)
    {
        string? what = Describe(operation);
        if (what is not null && !UnderThrow(operation))
        {
            report(Diagnostic.Create(TinaDescriptors.AllocationInHandler, operation.Syntax.GetLocation(), what));
        }
    }

    private string? Describe(IOperation operation)
    {
        switch (operation)
        {
            case IAnonymousFunctionOperation lambda:
                return Captured(lambda) is { } captured ? "A lambda capturing '" + captured + "'" : null;
            case IDelegateCreationOperation { Target: IMethodReferenceOperation { Method.IsStatic: false } reference }:
                return "A delegate of the instance method '" + reference.Method.Name + "'";
            case IInvocationOperation invocation:
                IMethodSymbol method = invocation.TargetMethod;
                if (_enumerable is not null && SymbolEqualityComparer.Default.Equals(method.ContainingType, _enumerable))
                {
                    return "LINQ ('Enumerable." + method.Name + "')";
                }

                if (method.ContainingType.SpecialType == SpecialType.System_String && method.Name is "Format" or "Concat" or "Join")
                {
                    return "'string." + method.Name + "'";
                }

                return null;
            case IConversionOperation conversion when conversion.Operand.Type is { IsValueType: true } from && conversion.GetConversion().IsBoxing:
                return "Boxing '" + from.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "'";
            case IInterpolatedStringOperation { ConstantValue.HasValue: false, Type.SpecialType: SpecialType.System_String } interpolated
                when interpolated.Parent is not IInterpolatedStringHandlerCreationOperation:
                return "A string interpolation";
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, Type.SpecialType: SpecialType.System_String, ConstantValue.HasValue: false } binary
                when binary.Parent is not IBinaryOperation { Type.SpecialType: SpecialType.System_String }:
                return "A string concatenation";
            case IObjectCreationOperation { Type: { IsReferenceType: true } created }:
                return "'new " + created.Name + "'";
            case IArrayCreationOperation:
                return "An array";
            case IAnonymousObjectCreationOperation:
                return "An anonymous object";
            case ICollectionExpressionOperation { Type.IsReferenceType: true } collection:
                // An empty one for an array or an interface is Array.Empty: no allocation.
                return collection.Elements.Length == 0 && collection.Type is IArrayTypeSymbol or { TypeKind: TypeKind.Interface } ? null : "A collection expression";
            default:
                return null;
        }
    }

    /// <summary>The first variable (or <c>this</c>) the lambda uses from outside itself, or null.</summary>
    private static string? Captured(IAnonymousFunctionOperation lambda)
    {
        if (lambda.Symbol.IsStatic)
        {
            return null;
        }

        foreach (IOperation inner in lambda.Body.Descendants())
        {
            switch (inner)
            {
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                    return "this";
                case ILocalReferenceOperation local when !DeclaredWithin(local.Local, lambda.Symbol):
                    return local.Local.Name;
                case IParameterReferenceOperation parameter when !DeclaredWithin(parameter.Parameter, lambda.Symbol):
                    return parameter.Parameter.Name;
            }
        }

        return null;
    }

    private static bool DeclaredWithin(ISymbol variable, IMethodSymbol lambda)
    {
        for (ISymbol? owner = variable.ContainingSymbol; owner is not null; owner = owner.ContainingSymbol)
        {
            if (SymbolEqualityComparer.Default.Equals(owner, lambda))
            {
                return true;
            }

            if (owner is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                return false;
            }
        }

        return false;
    }

    private static bool UnderThrow(IOperation operation)
    {
        for (IOperation? parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IThrowOperation)
            {
                return true;
            }
        }

        return false;
    }
}
