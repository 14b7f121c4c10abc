using Axon.Generator.Model;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Diagnostics
{
    /// <summary>A diagnostic as equatable values (descriptor, location, message arguments).</summary>
    internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SyntaxNode? node, params string[] arguments)
            => new DiagnosticInfo(descriptor, LocationInfo.From(node), arguments.ToEquatableArray());

        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
            => new DiagnosticInfo(descriptor, LocationInfo.From(location), arguments.ToEquatableArray());

        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
            => new DiagnosticInfo(descriptor, location, arguments.ToEquatableArray());

        public Diagnostic ToDiagnostic()
        {
            var args = new object[Arguments.Count];
            for (int i = 0; i < args.Length; i++) args[i] = Arguments[i];
            return Diagnostic.Create(Descriptor, Location?.ToLocation(), args);
        }
    }
}
