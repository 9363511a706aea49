using Microsoft.CodeAnalysis;

namespace Tina.Generators;

/// <summary>The Tina types a model is built against, looked up once per compilation.</summary>
internal sealed class TinaSymbols
{
    public const string TinaHandlersName = "Tina.TinaHandlersAttribute";
    public const string HandlesName = "Tina.HandlesAttribute";
    public const string HandlesOtherName = "Tina.HandlesOtherAttribute";
    public const string AcceptsName = "Tina.AcceptsAttribute";

    private TinaSymbols(Compilation compilation)
    {
        TinaHandlers = compilation.GetTypeByMetadataName(TinaHandlersName);
        Handles = compilation.GetTypeByMetadataName(HandlesName);
        HandlesOther = compilation.GetTypeByMetadataName(HandlesOtherName);
        Accepts = compilation.GetTypeByMetadataName(AcceptsName);
        Context = compilation.GetTypeByMetadataName("Tina.Context");
        Message = compilation.GetTypeByMetadataName("Tina.Message");
        Effect = compilation.GetTypeByMetadataName("Tina.Effect");
        MessageKind = compilation.GetTypeByMetadataName("Tina.MessageKind");
        IIsolate = compilation.GetTypeByMetadataName("Tina.IIsolate");
    }

    public INamedTypeSymbol? TinaHandlers { get; }

    public INamedTypeSymbol? Handles { get; }

    public INamedTypeSymbol? HandlesOther { get; }

    public INamedTypeSymbol? Accepts { get; }

    public INamedTypeSymbol? Context { get; }

    public INamedTypeSymbol? Message { get; }

    public INamedTypeSymbol? Effect { get; }

    public INamedTypeSymbol? MessageKind { get; }

    public INamedTypeSymbol? IIsolate { get; }

    public static TinaSymbols From(Compilation compilation) => new(compilation);

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type, expected);
}
