using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Axon.Generator.Diagnostics
{
    /// <summary>
    /// A source location held as plain values: a Roslyn <see cref="Location"/> keeps the syntax tree alive and
    /// defeats the incremental cache, so the pipeline carries this and rebuilds the location when reporting.
    /// </summary>
    internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
    {
        public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

        public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

        public static LocationInfo? From(Location? location)
        {
            if (location?.SourceTree is null) return null;
            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }
    }
}
