using Microsoft.CodeAnalysis;

namespace Tina.Analyzers;

/// <summary>Task, Task&lt;T&gt;, ValueTask and ValueTask&lt;T&gt;, resolved once per compilation.</summary>
internal sealed class TaskTypes
{
    private readonly INamedTypeSymbol?[] _types;

    public TaskTypes(Compilation compilation) =>
        _types = new[]
        {
            compilation.GetTypeByMetadataName("System.Threading.Tasks.Task"),
            compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1"),
            compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask"),
            compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1"),
        };

    /// <summary>True for one of the four task types (any instantiation).</summary>
    public bool IsTask(ITypeSymbol type)
    {
        ITypeSymbol definition = type.OriginalDefinition;
        foreach (INamedTypeSymbol? task in _types)
        {
            if (task is not null && SymbolEqualityComparer.Default.Equals(definition, task))
            {
                return true;
            }
        }

        return false;
    }
}
