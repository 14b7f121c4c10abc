using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;
using Axon.Generator.ShapeChecking;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator.Parsing
{
    /// <summary>
    /// Parses a [Differentiable] model class: its declaration (partial, element type, input shape), its [Layer]
    /// members and its forward definition (a Forward method, or the declaration order), then shape-checks the
    /// network into a <see cref="ModelSpec"/>.
    /// </summary>
    internal static class ModelParser
    {
        private const string InputShapeAttribute = "Axon.InputShapeAttribute";
        private const string LayerAttribute = "Axon.LayerAttribute";
        private const string TensorType = "Axon.Layers.Tensor";

        public static ModelParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var spec = ParseCore(context, diagnostics, cancellationToken);
            return new ModelParseResult(spec, diagnostics.ToEquatableArray());
        }

        private static ModelSpec? ParseCore(GeneratorAttributeSyntaxContext context, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration) return null;

            if (!IsPartialAll(type, cancellationToken))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelNotPartial, declaration.Identifier.GetLocation(), type.Name));
                return null;
            }

            var element = ReadElementKind(context.Attributes);
            var inputShape = ReadInputShape(type);
            if (inputShape is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInputShape, declaration.Identifier.GetLocation(), type.Name));
                return null;
            }

            var layers = new List<LayerDeclaration>();
            bool layersValid = true;
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is not IFieldSymbol && member is not IPropertySymbol) continue;
                if (!member.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == LayerAttribute)) continue;
                var layer = LayerDeclarationParser.Parse(member, context.SemanticModel, element, diagnostics, cancellationToken);
                if (layer is null) layersValid = false;
                else layers.Add(layer);
            }

            if (!layersValid) return null;
            if (layers.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyModel, declaration.Identifier.GetLocation(), type.Name));
                return null;
            }

            var drafts = ParseForward(type, context.SemanticModel, layers, element, diagnostics, cancellationToken);
            if (drafts is null) return null;

            foreach (var layer in layers)
            {
                if (!drafts.Any(d => d.Layer == layer))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusedLayer, layer.Syntax, layer.Name));
                }
            }

            var checkedNetwork = NetworkChecker.Check(drafts, inputShape, layers, diagnostics);
            if (checkedNetwork is null) return null;

            return new ModelSpec(
                type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
                ContainingTypes(type),
                type.Name,
                Keyword(type),
                element,
                inputShape.ToEquatableArray(),
                checkedNetwork.Value.Nodes,
                checkedNetwork.Value.Parameters,
                layers.Select(l => l.Name).ToEquatableArray());
        }

        private static List<DraftNode>? ParseForward(INamedTypeSymbol type, SemanticModel model, List<LayerDeclaration> layers, ElementKind element, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var forward = type.GetMembers("Forward").OfType<IMethodSymbol>()
                .FirstOrDefault(m => m.Parameters.Length == 1 && m.Parameters[0].Type.ToDisplayString() == TensorType);
            if (forward is null)
            {
                // Sequential: the layers run in declaration order.
                var nodes = new List<DraftNode> { DraftNode.Input() };
                foreach (var layer in layers) nodes.Add(DraftNode.Apply(layer, layer.Name, nodes.Count - 1, layer.Syntax));
                return nodes;
            }

            var syntax = forward.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as MethodDeclarationSyntax;
            if (syntax is null) return null;
            if (forward.ReturnType.ToDisplayString() != TensorType)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedForwardConstruct, syntax.ReturnType, syntax.ReturnType + " (Forward must return Tensor)"));
                return null;
            }

            var semanticModel = syntax.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(syntax.SyntaxTree);
            var byName = layers.ToDictionary(l => l.Name);
            return ForwardParser.Parse(syntax, semanticModel, byName, element, diagnostics, cancellationToken);
        }

        private static bool IsPartialAll(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            for (var t = type; t is not null; t = t.ContainingType)
            {
                bool partial = t.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax d && d.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!partial) return false;
            }

            return true;
        }

        private static ElementKind ReadElementKind(IEnumerable<AttributeData> attributes)
        {
            foreach (var attribute in attributes)
            {
                foreach (var named in attribute.NamedArguments)
                {
                    if (named.Key == "ElementType" && named.Value.Value is int value) return value == 1 ? ElementKind.Double : ElementKind.Float;
                }
            }

            return ElementKind.Float;
        }

        private static int[]? ReadInputShape(INamedTypeSymbol type)
        {
            var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == InputShapeAttribute);
            if (attribute is null || attribute.ConstructorArguments.Length != 1) return null;
            var values = attribute.ConstructorArguments[0].Values;
            if (values.IsDefaultOrEmpty) return null;
            var shape = new int[values.Length];
            for (int i = 0; i < shape.Length; i++)
            {
                if (values[i].Value is not int d || d <= 0) return null;
                shape[i] = d;
            }

            return shape;
        }

        private static EquatableArray<ContainingTypeSpec> ContainingTypes(INamedTypeSymbol type)
        {
            var chain = new List<ContainingTypeSpec>();
            for (var t = type.ContainingType; t is not null; t = t.ContainingType) chain.Insert(0, new ContainingTypeSpec(Keyword(t), t.Name));
            return chain.ToEquatableArray();
        }

        private static string Keyword(INamedTypeSymbol type) => type.IsRecord
            ? (type.TypeKind == TypeKind.Struct ? "record struct" : "record")
            : type.TypeKind == TypeKind.Struct ? "struct" : "class";
    }
}
