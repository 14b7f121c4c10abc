using System.Linq;
using System.Threading;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator.Parsing
{
    /// <summary>
    /// Whether a [Differentiable] type can receive the generated partial class: it and its containers are partial
    /// (AXN001), and none is static, generic, file-local or an interface (AXN012) — the generated declaration
    /// repeats each container as "partial class/struct/record Name", which only fits those.
    /// </summary>
    internal static class ModelTypeRules
    {
        /// <summary>The reported problem, or null when the type can hold a model.</summary>
        public static DiagnosticInfo? Check(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
        {
            var at = declaration.Identifier.GetLocation();
            for (var t = type; t is not null; t = t.ContainingType)
            {
                if (!IsPartial(t, cancellationToken)) return DiagnosticInfo.Create(DiagnosticDescriptors.ModelNotPartial, at, type.Name);
            }

            string? reason = UnsupportedReason(type);
            if (reason is not null) return DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedModelType, at, type.Name, reason);
            if (GeneratedMembers.All.Contains(type.Name)) return DiagnosticInfo.Create(DiagnosticDescriptors.ReservedMemberName, at, type.Name, type.Name);
            return null;
        }

        private static string? UnsupportedReason(INamedTypeSymbol type)
        {
            if (type.IsStatic) return "is static; a model is an instance class (its parameters live in the instance)";
            if (type.TypeKind != TypeKind.Class && type.TypeKind != TypeKind.Struct) return "must be a class";
            for (var t = type; t is not null; t = t.ContainingType)
            {
                string which = ReferenceEquals(t, type) ? "is" : $"is nested in '{t.Name}', which is";
                if (t.IsGenericType) return which + " generic; generic models are not supported, declare one model per element type";
                if (t.TypeKind == TypeKind.Interface) return which + " an interface; declare the model in a namespace or a partial class";
                if (t.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.FileKeyword)))
                    return which + " file-local, so the generated part in another file cannot extend it";
            }

            return null;
        }

        private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
            => type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));
    }
}
