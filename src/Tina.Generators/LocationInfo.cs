using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Tina.Generators;

/// <summary>A diagnostic's place as values (a <see cref="Location"/> holds its syntax tree, which changes on every edit).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is null || location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}
