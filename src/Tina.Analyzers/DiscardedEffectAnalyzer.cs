using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Tina.Analyzers;

/// <summary>
/// TINA005, in all code: an expression statement whose value is a <c>Tina.Effect</c> (<c>ctx.Reply(x);</c>,
/// <c>ctx.Call(...);</c>, <c>ctx.Receive(socket, n);</c>, a helper returning an Effect): the effect is computed and
/// dropped. An explicit discard (<c>_ = ctx.Reply(x);</c>) says it was meant and is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class DiscardedEffectAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(TinaDescriptors.DiscardedEffect);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (TinaSymbols.TryCreate(start.Compilation) is not { } symbols)
            {
                return;
            }

            start.RegisterOperationAction(
                operationContext =>
                {
                    var statement = (IExpressionStatementOperation)operationContext.Operation;
                    if (statement.Operation is not IAssignmentOperation && SymbolEqualityComparer.Default.Equals(statement.Operation.Type, symbols.Effect))
                    {
                        operationContext.ReportDiagnostic(Diagnostic.Create(
                            TinaDescriptors.DiscardedEffect,
                            statement.Operation.Syntax.GetLocation(),
                            SyntaxLocations.NameOf(statement.Operation.Syntax)?.Identifier.ValueText ?? statement.Operation.Syntax.ToString()));
                    }
                },
                OperationKind.ExpressionStatement);
        });
    }
}
