using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Tina.Generators;

/// <summary>
/// Generates the OnMessage of every [TinaHandlers] isolate (<see cref="DispatchEmitter"/>) and reports TINA100..TINA106
/// (design/analyzers.md, "Typed handlers (generator)"). Incremental: each type's model is plain values, so an edit
/// elsewhere regenerates nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
internal sealed class HandlersGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<IsolateModel> isolates = context.SyntaxProvider.ForAttributeWithMetadataName(
            TinaSymbols.TinaHandlersName,
            static (node, _) => true,
            static (ctx, ct) => IsolateModelBuilder.Build((INamedTypeSymbol)ctx.TargetSymbol, ctx.SemanticModel.Compilation, ct));

        context.RegisterSourceOutput(isolates, static (spc, model) =>
        {
            foreach (DiagnosticInfo diagnostic in model.Diagnostics)
            {
                spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (model.CanGenerate)
            {
                spc.AddSource(model.HintName, DispatchEmitter.Emit(model));
            }
        });

        IncrementalValuesProvider<DiagnosticInfo?> strayHandles = context.SyntaxProvider.ForAttributeWithMetadataName(
            TinaSymbols.HandlesName, static (node, _) => true, static (ctx, _) => Stray(ctx));
        IncrementalValuesProvider<DiagnosticInfo?> strayOthers = context.SyntaxProvider.ForAttributeWithMetadataName(
            TinaSymbols.HandlesOtherName, static (node, _) => true, static (ctx, _) => Stray(ctx));
        context.RegisterSourceOutput(strayHandles, static (spc, d) => Report(spc, d));
        context.RegisterSourceOutput(strayOthers, static (spc, d) => Report(spc, d));
    }

    /// <summary>TINA106: a handler attribute on a method of a type nothing generates a dispatch for.</summary>
    private static DiagnosticInfo? Stray(GeneratorAttributeSyntaxContext ctx)
    {
        if (ctx.TargetSymbol is not IMethodSymbol { ContainingType: { } type } method ||
            type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == TinaSymbols.TinaHandlersName))
        {
            return null;
        }

        return new DiagnosticInfo(
            DiagnosticIds.HandlerNotDispatched,
            LocationInfo.From(method.Locations.FirstOrDefault()),
            new EquatableArray<StringValue>(ImmutableArray.Create(new StringValue(method.Name), new StringValue(type.Name))));
    }

    private static void Report(SourceProductionContext spc, DiagnosticInfo? diagnostic)
    {
        if (diagnostic is not null)
        {
            spc.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}
