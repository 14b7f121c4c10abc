using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Axon.Generator.Diagnostics;
using Axon.Generator.Graph;
using Axon.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator.Parsing
{
    /// <summary>
    /// Parses a [Differentiable] model class — its declaration (partial, element type, inputs and their shapes), its [Layer]
    /// members and its forward definition (a Forward method, or the declaration order) — into a
    /// <see cref="DraftModel"/> for the shape checker. Problems become diagnostics and a null draft.
    /// </summary>
    internal static class ModelParser
    {
        private const string LayerAttribute = "Axon.LayerAttribute";

        public static DraftModel? Parse(GeneratorAttributeSyntaxContext context, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration) return null;
            // [Differentiable] repeated on several partial parts (CS0579) would otherwise emit the model once per part.
            if (!IsFirstMarkedDeclaration(type, declaration, cancellationToken)) return null;

            var typeProblem = ModelTypeRules.Check(type, declaration, cancellationToken);
            if (typeProblem is not null)
            {
                diagnostics.Add(typeProblem);
                return null;
            }

            var element = ReadElementKind(context.Attributes);
            var inputs = InputDeclarations.Read(type, declaration, diagnostics, cancellationToken);
            if (inputs is null) return null;

            bool valid = ReservedMemberNames.Check(type, diagnostics);
            var layers = new List<LayerDeclaration>();
            var seen = new HashSet<string>();
            foreach (var member in type.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (member is not IFieldSymbol && member is not IPropertySymbol) continue;
                if (!member.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == LayerAttribute)) continue;
                var layer = LayerDeclarationParser.Parse(member, context.SemanticModel, element, diagnostics, cancellationToken);
                if (layer is null)
                {
                    valid = false;
                }
                else if (!seen.Add(layer.Name))
                {
                    // The compiler reports CS0102 too; the generator cannot tell which of the two the Forward means.
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerDeclaration, layer.Location, layer.Name, "is declared more than once"));
                    valid = false;
                }
                else
                {
                    layers.Add(layer);
                }
            }

            if (!valid) return null;
            if (layers.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyModel, declaration.Identifier.GetLocation(), type.Name));
                return null;
            }

            var nodes = ParseNetwork(type, context.SemanticModel, layers, inputs.Inputs, element, diagnostics, cancellationToken);
            if (nodes is null) return null;

            return new DraftModel(
                Identify(type),
                element,
                inputs.Shape,
                inputs.Inputs,
                layers.ToEquatableArray(),
                nodes.ToEquatableArray(),
                LocationInfo.From(declaration.Identifier.GetLocation()));
        }

        private static List<DraftNode>? ParseNetwork(INamedTypeSymbol type, SemanticModel model, List<LayerDeclaration> layers, EquatableArray<InputSpec> inputs, ElementKind element, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var namer = new NodeNamer(layers);
            var forward = ForwardDefinition.Find(type);
            if (forward is null)
            {
                // Sequential: the layers run in declaration order.
                var nodes = new List<DraftNode> { DraftNode.Input(namer.Input()) };
                foreach (var layer in layers) nodes.Add(DraftNode.Apply(layer, namer.Layer(layer.Name), nodes.Count - 1, layer.Location));
                return nodes;
            }

            var syntax = forward.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as MethodDeclarationSyntax;
            if (syntax is null) return null;
            if (forward.ReturnType.ToDisplayString() != ForwardDefinition.TensorType)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedForwardConstruct, syntax.ReturnType, syntax.ReturnType + " (Forward must return Tensor)"));
                return null;
            }

            var semanticModel = syntax.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(syntax.SyntaxTree);
            var byName = layers.ToDictionary(l => l.Name);
            return ForwardParser.Parse(syntax, semanticModel, byName, inputs, namer, element, diagnostics, cancellationToken);
        }

        internal static bool IsFirstMarkedDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
        {
            var first = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == AxonGenerator.DifferentiableAttributeName);
            var owner = first?.ApplicationSyntaxReference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();
            return owner is null || owner == declaration;
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

        internal static ModelIdentity Identify(INamedTypeSymbol type)
        {
            var chain = new List<ContainingTypeSpec>();
            for (var t = type.ContainingType; t is not null; t = t.ContainingType) chain.Insert(0, new ContainingTypeSpec(Keyword(t), t.Name));
            // Symbol names, not display strings: unescaped ("event", not "@event"); the emitter escapes what needs it.
            var parts = new List<string>();
            for (var n = type.ContainingNamespace; n is { IsGlobalNamespace: false }; n = n.ContainingNamespace) parts.Insert(0, n.Name);
            string ns = string.Join(".", parts);
            return new ModelIdentity(ns, chain.ToEquatableArray(), type.Name, Keyword(type));
        }

        private static string Keyword(INamedTypeSymbol type) => type.IsRecord
            ? (type.TypeKind == TypeKind.Struct ? "record struct" : "record")
            : type.TypeKind == TypeKind.Struct ? "struct" : "class";
    }
}
