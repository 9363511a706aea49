using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Tina.Analyzers;

/// <summary>
/// The rules about code that runs inside a handler: TINA001 (async), TINA002 (blocking), TINA006 (invocation data
/// stored) and TINA007 (allocations). Handler code is a type's roots (its methods, lambdas and local functions that
/// take a <c>Tina.Context</c>: <c>IIsolate.OnMessage</c> and the helpers handed the context) and every method,
/// property accessor and constructor of the same type reachable from them by direct calls (<see cref="HandlerGraph"/>).
/// Each finding is collected with the method it is in and reported at the type's end if that method is reachable.
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
internal sealed class HandlerAnalyzer : DiagnosticAnalyzer
{
    private static readonly OperationKind[] Kinds =
    {
        OperationKind.Invocation,
        OperationKind.PropertyReference,
        OperationKind.ObjectCreation,
        OperationKind.Await,
        OperationKind.AnonymousFunction,
        OperationKind.LocalFunction,
        OperationKind.Lock,
        OperationKind.SimpleAssignment,
        OperationKind.Conversion,
        OperationKind.InterpolatedString,
        OperationKind.Binary,
        OperationKind.ArrayCreation,
        OperationKind.AnonymousObjectCreation,
        OperationKind.CollectionExpression,
        OperationKind.DelegateCreation,
    };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        TinaDescriptors.AsyncInHandler,
        TinaDescriptors.BlockingInHandler,
        TinaDescriptors.InvocationDataEscapes,
        TinaDescriptors.AllocationInHandler);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            TinaSymbols? symbols = TinaSymbols.TryCreate(start.Compilation);
            if (symbols is null)
            {
                return;
            }

            var rules = new HandlerRules(start.Compilation, symbols);
            start.RegisterSymbolStartAction(symbolStart => AnalyzeType(symbolStart, symbols, rules), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolStartAnalysisContext symbolStart, TinaSymbols symbols, HandlerRules rules)
    {
        var type = (INamedTypeSymbol)symbolStart.Symbol;
        var graph = new HandlerGraph();
        symbolStart.RegisterOperationAction(
            operationContext =>
            {
                if (InAttribute(operationContext.Operation))
                {
                    return;   // an attribute's arguments are metadata, evaluated by whoever reads them, never on the message path
                }

                ISymbol member = MemberOf(operationContext.ContainingSymbol, symbols, out ISymbol? contextFunction);
                if (!SymbolEqualityComparer.Default.Equals(member.ContainingType?.OriginalDefinition, type.OriginalDefinition))
                {
                    return;   // a nested type's member: that type's own start action covers it
                }

                if (!NodeOf(operationContext.Operation, symbols, rules.Tasks, out ISymbol? innermost))
                {
                    return;   // inside a Task-returning lambda or local function: work handed off, not run here
                }

                ISymbol node = innermost ?? contextFunction ?? member;
                if (node is IMethodSymbol method && symbols.TakesContext(method))
                {
                    graph.AddRoot(node);
                }

                RecordCall(graph, node, operationContext.Operation, type);
                rules.Check(operationContext.Operation, diagnostic => graph.AddFinding(node, diagnostic));
            },
            Kinds);

        symbolStart.RegisterSymbolEndAction(end =>
        {
            foreach (ISymbol candidate in type.GetMembers())
            {
                if (candidate is IMethodSymbol method && symbols.TakesContext(method))
                {
                    graph.AddRoot(method);
                }
            }

            HashSet<ISymbol> reachable = graph.Reachable();
            foreach (Diagnostic diagnostic in graph.FindingsIn(reachable))
            {
                end.ReportDiagnostic(diagnostic);
            }

            foreach (ISymbol node in reachable)
            {
                if (node is IMethodSymbol { IsAsync: true } method && method.MethodKind != MethodKind.AnonymousFunction && method.MethodKind != MethodKind.LocalFunction)
                {
                    foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
                    {
                        if (reference.GetSyntax(end.CancellationToken) is MethodDeclarationSyntax declaration)
                        {
                            Location location = AsyncModifier(declaration.Modifiers) ?? declaration.Identifier.GetLocation();
                            end.ReportDiagnostic(Diagnostic.Create(TinaDescriptors.AsyncInHandler, location, "async method '" + method.Name + "'"));
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// The member (method, accessor, constructor) whose code this is; for code the compiler attributes to a lambda or
    /// local function, the nearest of those that takes a Context comes back in <paramref name="contextFunction"/>.
    /// </summary>
    private static ISymbol MemberOf(ISymbol containing, TinaSymbols symbols, out ISymbol? contextFunction)
    {
        contextFunction = null;
        ISymbol current = containing;
        while (current is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction } function)
        {
            if (contextFunction is null && symbols.TakesContext(function))
            {
                contextFunction = function;
            }

            current = function.ContainingSymbol;
        }

        return current;
    }

    /// <summary>Whether <paramref name="operation"/> is part of an attribute (<c>[Handles(MessageKind.Call)]</c> on a handler).</summary>
    private static bool InAttribute(IOperation operation)
    {
        for (IOperation? at = operation; at is not null; at = at.Parent)
        {
            if (at.Kind == OperationKind.Attribute)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Walks out from <paramref name="operation"/> to its member. The first enclosing lambda or local function that
    /// takes a Context is the operation's node (<paramref name="root"/>, a handler root); one that returns a Task
    /// first means the operation is in work handed off (to the task bridge, say), which runs when and where its
    /// taker decides: false, not handler code. Invoking such a delegate in handler code is itself reported (a call
    /// returning a Task). Any other lambda or local function counts as part of the code around it.
    /// </summary>
    private static bool NodeOf(IOperation operation, TinaSymbols symbols, TaskTypes tasks, out ISymbol? root)
    {
        root = null;
        for (IOperation? parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            IMethodSymbol? function = parent switch
            {
                IAnonymousFunctionOperation lambda => lambda.Symbol,
                ILocalFunctionOperation local => local.Symbol,
                _ => null,
            };
            if (function is null)
            {
                continue;
            }

            if (symbols.TakesContext(function))
            {
                root = function;
                return true;
            }

            if (tasks.IsTask(function.ReturnType))
            {
                return false;
            }
        }

        return true;
    }

    private static void RecordCall(HandlerGraph graph, ISymbol node, IOperation operation, INamedTypeSymbol type)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                AddIfSameType(graph, node, invocation.TargetMethod, type);
                break;
            case IObjectCreationOperation { Constructor: { } constructor }:
                AddIfSameType(graph, node, constructor, type);
                break;
            case IPropertyReferenceOperation property:
                if (property.Property.GetMethod is { } getter)
                {
                    AddIfSameType(graph, node, getter, type);
                }

                if (property.Property.SetMethod is { } setter)
                {
                    AddIfSameType(graph, node, setter, type);
                }

                break;
        }
    }

    private static void AddIfSameType(HandlerGraph graph, ISymbol node, IMethodSymbol target, INamedTypeSymbol type)
    {
        IMethodSymbol definition = target.OriginalDefinition;
        if (definition.ReducedFrom is { } reduced)
        {
            definition = reduced;
        }

        if (SymbolEqualityComparer.Default.Equals(definition.ContainingType?.OriginalDefinition, type.OriginalDefinition))
        {
            graph.AddCall(node, definition);
        }
    }

    private static Location? AsyncModifier(SyntaxTokenList modifiers)
    {
        foreach (SyntaxToken modifier in modifiers)
        {
            if (modifier.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.AsyncKeyword))
            {
                return modifier.GetLocation();
            }
        }

        return null;
    }
}
