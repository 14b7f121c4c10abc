using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator.Parsing.Gpu
{
    /// <summary>Parses a <c>[GpuModel(typeof(M))]</c> class: where the GPU class goes, and which model it serves.</summary>
    internal static class GpuDeclarationParser
    {
        public const string GpuModelAttributeName = "Axon.Gpu.GpuModelAttribute";
        private const string GeneratedNetworkAttribute = "Axon.Model.GeneratedNetworkAttribute";

        public static GpuDeclaration Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            var containers = Containers(type);
            string ns = type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString();
            string hintStem = HintStem(type);
            GpuDeclaration Fail(DiagnosticInfo diagnostic)
            {
                diagnostics.Add(diagnostic);
                return new GpuDeclaration(ns, containers ?? EquatableArray<ContainingTypeSpec>.Empty, type.Name, hintStem, "", null, null, diagnostics.ToEquatableArray());
            }

            if (containers is null || type.IsStatic || type.IsGenericType || type.TypeKind != TypeKind.Class || !IsPartial(type, cancellationToken))
            {
                return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.GpuClassInvalid, declaration.Identifier.GetLocation(), type.Name));
            }

            var attribute = context.Attributes[0];
            var location = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? declaration.Identifier.GetLocation();
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol model || model.TypeKind == TypeKind.Error)
            {
                return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.GpuTargetNotModel, location, "(no type)"));
            }

            string modelName = model.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            string key = ModelKey(model);
            bool inSource = model.DeclaringSyntaxReferences.Length > 0;
            if (inSource)
            {
                bool differentiable = model.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AxonGenerator.DifferentiableAttributeName);
                if (!differentiable) return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.GpuTargetNotModel, location, model.ToDisplayString()));
                return new GpuDeclaration(ns, containers.Value, type.Name, hintStem, modelName, key, null, diagnostics.ToEquatableArray(), LocationInfo.From(location));
            }

            var stored = model.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == GeneratedNetworkAttribute);
            if (stored is null || stored.ConstructorArguments.Length != 1 || stored.ConstructorArguments[0].Value is not string text)
            {
                return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.GpuTargetNotModel, location, model.ToDisplayString()));
            }

            var spec = NetworkDescriptionCodec.TryDecode(text, "", EquatableArray<ContainingTypeSpec>.Empty, model.Name, "class");
            if (spec is null) return Fail(DiagnosticInfo.Create(DiagnosticDescriptors.GpuDescriptionUnreadable, location, model.ToDisplayString()));
            return new GpuDeclaration(ns, containers.Value, type.Name, hintStem, modelName, key, spec, diagnostics.ToEquatableArray(), LocationInfo.From(location));
        }

        /// <summary>The key a model spec of this compilation has (see <see cref="ModelKey(ModelSpec)"/>).</summary>
        public static string ModelKey(INamedTypeSymbol model)
        {
            var parts = new List<string>();
            for (var t = model; t is not null; t = t.ContainingType) parts.Insert(0, t.Name);
            string ns = model.ContainingNamespace.IsGlobalNamespace ? "" : model.ContainingNamespace.ToDisplayString();
            return ns + ":" + string.Join(".", parts);
        }

        public static string ModelKey(ModelSpec model) =>
            model.Namespace + ":" + string.Join(".", model.ContainingTypes.Select(c => c.Name).Concat(new[] { model.ClassName }));

        /// <summary>Null when a containing type is not partial (or not a class/struct/record), which the caller reports.</summary>
        private static EquatableArray<ContainingTypeSpec>? Containers(INamedTypeSymbol type)
        {
            var list = new List<ContainingTypeSpec>();
            for (var t = type.ContainingType; t is not null; t = t.ContainingType)
            {
                if (t.IsGenericType) return null;
                string? keyword = t.IsRecord ? (t.TypeKind == TypeKind.Struct ? "record struct" : "record") : t.TypeKind switch
                {
                    TypeKind.Class => "class",
                    TypeKind.Struct => "struct",
                    _ => null,
                };
                if (keyword is null || !IsPartial(t, CancellationToken.None)) return null;
                list.Insert(0, new ContainingTypeSpec(keyword, t.Name));
            }

            return list.ToEquatableArray();
        }

        private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken) =>
            type.DeclaringSyntaxReferences.All(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));

        /// <summary>Unique per fully qualified type: namespace, containing types and the class.</summary>
        private static string HintStem(INamedTypeSymbol type)
        {
            string name = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", "");
            var chars = name.Select(c => char.IsLetterOrDigit(c) || c == '.' || c == '_' ? c : '_').ToArray();
            return new string(chars);
        }
    }
}
