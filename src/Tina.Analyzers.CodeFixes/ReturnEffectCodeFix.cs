using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Tina.Analyzers.CodeFixes;

/// <summary>
/// TINA005's fix: return the discarded effect. Offered in two shapes only, where the intent is plain:
/// <list type="bullet">
/// <item>the statement is followed by a <c>return</c> of an effect that does nothing itself (<c>Effect.Receive</c>, a
/// local or a parameter): <c>ctx.Reply(x); return Effect.Receive;</c> becomes <c>return ctx.Reply(x);</c>;</item>
/// <item>the statement ends its block (or is an if's or else's single statement) in a method, local function or
/// lambda returning Effect: <c>ctx.Reply(x);</c> becomes <c>return ctx.Reply(x);</c>.</item>
/// </list>
/// Anywhere else (statements follow that do something) the right change is the author's to make; no fix is offered.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReturnEffectCodeFix))]
[Shared]
internal sealed class ReturnEffectCodeFix : CodeFixProvider
{
    /// <summary>The code action's title and equivalence key.</summary>
    internal const string Title = "Return the effect";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DiscardedEffect);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement)
            {
                continue;
            }

            SyntaxNode? replacement = Plan(statement, model, context.CancellationToken, out SyntaxNode? replaced);
            if (replacement is null || replaced is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(Title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(replaced, replacement))), equivalenceKey: Title),
                diagnostic);
        }
    }

    /// <summary>The node to replace (<paramref name="replaced"/>) and its replacement, or null when no fix applies.</summary>
    private static SyntaxNode? Plan(ExpressionStatementSyntax statement, SemanticModel model, CancellationToken cancellationToken, out SyntaxNode? replaced)
    {
        replaced = null;
        ReturnStatementSyntax returned = ReturnOf(statement);
        SyntaxList<StatementSyntax>? statements = statement.Parent switch
        {
            BlockSyntax block => block.Statements,
            SwitchSectionSyntax section => section.Statements,
            _ => null,
        };

        if (statements is { } list)
        {
            int index = list.IndexOf(statement);
            if (index + 1 < list.Count && list[index + 1] is ReturnStatementSyntax { Expression: { } next } && DoesNothing(next, model, cancellationToken))
            {
                replaced = statement.Parent;
                SyntaxList<StatementSyntax> merged = list.Replace(statement, returned).RemoveAt(index + 1);
                return statement.Parent switch
                {
                    BlockSyntax block => block.WithStatements(merged),
                    SwitchSectionSyntax section => section.WithStatements(merged),
                    _ => null,
                };
            }

            if (index != list.Count - 1)
            {
                return null;
            }
        }
        else if (statement.Parent is not (IfStatementSyntax or ElseClauseSyntax))
        {
            return null;
        }

        if (!EnclosingReturnsEffect(statement, model, cancellationToken))
        {
            return null;
        }

        replaced = statement;
        return returned;
    }

    private static ReturnStatementSyntax ReturnOf(ExpressionStatementSyntax statement) =>
        SyntaxFactory.ReturnStatement(
                SyntaxFactory.Token(SyntaxKind.ReturnKeyword).WithTrailingTrivia(SyntaxFactory.Space),
                statement.Expression.WithoutTrivia(),
                statement.SemicolonToken)
            .WithLeadingTrivia(statement.GetLeadingTrivia());

    /// <summary>True for a returned expression whose loss changes nothing: a static Effect property, a local, a parameter.</summary>
    private static bool DoesNothing(ExpressionSyntax expression, SemanticModel model, CancellationToken cancellationToken) =>
        model.GetOperation(expression, cancellationToken) switch
        {
            IPropertyReferenceOperation { Property.IsStatic: true, Instance: null } property => IsEffect(property.Type),
            ILocalReferenceOperation or IParameterReferenceOperation => true,
            _ => false,
        };

    private static bool EnclosingReturnsEffect(SyntaxNode statement, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (SyntaxNode ancestor in statement.Ancestors())
        {
            ISymbol? function = ancestor switch
            {
                AnonymousFunctionExpressionSyntax lambda => model.GetSymbolInfo(lambda, cancellationToken).Symbol,
                LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax => model.GetDeclaredSymbol(ancestor, cancellationToken),
                _ => null,
            };
            if (function is IMethodSymbol method)
            {
                return IsEffect(method.ReturnType);
            }
        }

        return false;
    }

    private static bool IsEffect(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "Effect", ContainingNamespace: { Name: "Tina", ContainingNamespace.IsGlobalNamespace: true } };
}
