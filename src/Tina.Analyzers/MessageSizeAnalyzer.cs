using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Tina.Analyzers;

/// <summary>
/// TINA003, in all code: a type used as a message that is larger than the 96-byte payload. A type is used as a
/// message when it is the type argument of an <c>unmanaged</c>-constrained type parameter of a method or type from
/// Tina's assemblies (<c>ctx.Send&lt;T&gt;</c>, <c>Call</c>, <c>Reply</c>, <c>Spawn</c>'s start, <c>message.Is&lt;T&gt;</c>,
/// <c>As&lt;T&gt;</c>, <c>MessageType&lt;T&gt;</c>, <c>TinaRuntime.Send</c>, the test kit's <c>Deliver</c>, ...): every
/// such parameter in Tina is a payload. A type that is not unmanaged needs no rule: that constraint makes it a
/// compile error (CS8377). A size that cannot be computed (<see cref="PayloadLayout"/>) is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class MessageSizeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Message.PayloadSizeMax.</summary>
    internal const int PayloadSizeMax = 96;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(TinaDescriptors.MessageTooLarge);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (TinaSymbols.TryCreate(start.Compilation) is null)
            {
                return;
            }

            IAssemblySymbol own = start.Compilation.Assembly;
            start.RegisterOperationAction(
                operationContext => Analyze(operationContext, own),
                OperationKind.Invocation,
                OperationKind.FieldReference,
                OperationKind.PropertyReference,
                OperationKind.MethodReference);
        });
    }

    private static void Analyze(OperationAnalysisContext context, IAssemblySymbol own)
    {
        IOperation operation = context.Operation;
        ISymbol? member = operation switch
        {
            IInvocationOperation invocation => invocation.TargetMethod,
            IFieldReferenceOperation field => field.Field,
            IPropertyReferenceOperation property => property.Property,
            IMethodReferenceOperation method => method.Method,
            _ => null,
        };
        if (member is null || !IsTina(member.ContainingAssembly, own))
        {
            return;
        }

        if (member is IMethodSymbol method1)
        {
            Check(context, method1.TypeParameters, method1.TypeArguments, SyntaxLocations.NameOf(operation.Syntax), operation.Syntax);
        }

        for (INamedTypeSymbol? type = member.ContainingType; type is not null; type = type.ContainingType)
        {
            Check(context, type.TypeParameters, type.TypeArguments, SyntaxLocations.ReceiverNameOf(operation.Syntax), operation.Syntax);
        }
    }

    private static void Check(
        OperationAnalysisContext context,
        ImmutableArray<ITypeParameterSymbol> parameters,
        ImmutableArray<ITypeSymbol> arguments,
        Microsoft.CodeAnalysis.CSharp.Syntax.SimpleNameSyntax? name,
        SyntaxNode fallback)
    {
        for (int i = 0; i < parameters.Length && i < arguments.Length; i++)
        {
            ITypeSymbol argument = arguments[i];
            if (!parameters[i].HasUnmanagedTypeConstraint || argument is ITypeParameterSymbol || argument.TypeKind == TypeKind.Error)
            {
                continue;
            }

            if (PayloadLayout.TryGetSize(argument, out int size, out bool exact) && size > PayloadSizeMax)
            {
                string bytes = exact ? size.ToString(System.Globalization.CultureInfo.InvariantCulture) : "at least " + size.ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.ReportDiagnostic(Diagnostic.Create(
                    TinaDescriptors.MessageTooLarge,
                    SyntaxLocations.TypeArgumentOrName(name, i, fallback),
                    argument.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat),
                    bytes));
            }
        }
    }

    private static bool IsTina(IAssemblySymbol? assembly, IAssemblySymbol own) =>
        TinaSymbols.IsTinaAssembly(assembly) && !SymbolEqualityComparer.Default.Equals(assembly, own);
}
