using Microsoft.CodeAnalysis;

namespace Tina.Analyzers;

/// <summary>
/// Tina's types the rules look for, resolved once per compilation by metadata name. A compilation that does not
/// reference Tina.Core gets no instance, and the rules register nothing there.
/// </summary>
internal sealed class TinaSymbols
{
    private TinaSymbols(INamedTypeSymbol context, INamedTypeSymbol effect, INamedTypeSymbol message, INamedTypeSymbol? ioCompletion)
    {
        Context = context;
        Effect = effect;
        Message = message;
        IoCompletion = ioCompletion;
    }

    /// <summary><c>Tina.Context</c>: a ref struct that exists only while a handler runs.</summary>
    public INamedTypeSymbol Context { get; }

    /// <summary><c>Tina.Effect</c>.</summary>
    public INamedTypeSymbol Effect { get; }

    /// <summary><c>Tina.Message</c>.</summary>
    public INamedTypeSymbol Message { get; }

    /// <summary><c>Tina.Io.IoCompletion</c>, when Tina.Io is referenced.</summary>
    public INamedTypeSymbol? IoCompletion { get; }

    /// <summary>The symbols, or null when the compilation does not reference Tina.Core.</summary>
    public static TinaSymbols? TryCreate(Compilation compilation)
    {
        INamedTypeSymbol? context = compilation.GetTypeByMetadataName("Tina.Context");
        INamedTypeSymbol? effect = compilation.GetTypeByMetadataName("Tina.Effect");
        INamedTypeSymbol? message = compilation.GetTypeByMetadataName("Tina.Message");
        if (context is null || effect is null || message is null)
        {
            return null;
        }

        return new TinaSymbols(context, effect, message, compilation.GetTypeByMetadataName("Tina.Io.IoCompletion"));
    }

    /// <summary>True when the method (or lambda, or local function) takes a <c>Context</c>: it runs in a handler.</summary>
    public bool TakesContext(IMethodSymbol method)
    {
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            if (SymbolEqualityComparer.Default.Equals(parameter.Type, Context))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for a symbol declared in one of Tina's assemblies (Tina.Core, Tina.Io, Tina.Hosting, ...).</summary>
    public static bool IsTinaAssembly(IAssemblySymbol? assembly) =>
        assembly is not null && (assembly.Name == "Tina" || assembly.Name.StartsWith("Tina.", System.StringComparison.Ordinal));
}
