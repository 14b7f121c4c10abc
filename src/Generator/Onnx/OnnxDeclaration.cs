using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;
using Axon.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// Recognises a model declared from an ONNX file (<c>[Differentiable(Onnx = "mlp.onnx")]</c>) and checks the class
    /// itself: the rules every model class follows (partial, not generic, no reserved names), and nothing that would
    /// declare a second network (AXN125): no [Layer] members, no [InputShape], no Forward.
    /// </summary>
    internal static class OnnxDeclaration
    {
        public const string PropertyName = "Onnx";

        /// <summary>Whether the attribute names an ONNX file (a class with Onnx = "" is refused by <see cref="Read"/>).</summary>
        public static bool IsOnnxModel(GeneratorAttributeSyntaxContext context)
            => context.Attributes.Any(a => a.NamedArguments.Any(n => n.Key == PropertyName && n.Value.Value is not null));

        /// <summary>The import request, or null with the reasons in <paramref name="diagnostics"/>.</summary>
        public static OnnxImportRequest? Read(GeneratorAttributeSyntaxContext context, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration) return null;
            if (!ModelParser.IsFirstMarkedDeclaration(type, declaration, cancellationToken)) return null;
            var where = declaration.Identifier.GetLocation();

            var typeProblem = ModelTypeRules.Check(type, declaration, cancellationToken);
            if (typeProblem is not null)
            {
                diagnostics.Add(typeProblem);
                return null;
            }

            string file = "";
            var element = ElementKind.Float;
            foreach (var named in context.Attributes.SelectMany(a => a.NamedArguments))
            {
                if (named.Key == PropertyName && named.Value.Value is string s) file = s;
                if (named.Key == "ElementType" && named.Value.Value is int e) element = e == 1 ? ElementKind.Double : ElementKind.Float;
            }

            bool valid = ReservedMemberNames.Check(type, diagnostics);
            foreach (var member in type.GetMembers())
            {
                if (member.IsImplicitlyDeclared || !GeneratedMembers.ImportedOnly.Contains(member.Name)) continue;
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedMemberName, member.Locations.FirstOrDefault(), member.Name, type.Name));
                valid = false;
            }

            if (file.Trim().Length == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxFileMissing, where, "", type.Name, ": Onnx names no file"));
                return null;
            }

            foreach (var conflict in Conflicts(type))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxModelDeclaresNetwork, conflict.Location ?? where, type.Name, file, conflict.What));
                valid = false;
            }

            if (!valid) return null;
            return new OnnxImportRequest(ModelParser.Identify(type), element, file, LocationInfo.From(where));
        }

        private static IEnumerable<(string What, Location? Location)> Conflicts(INamedTypeSymbol type)
        {
            if (type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Axon.InputShapeAttribute"))
                yield return ("[InputShape] (the input shape is the graph input's, batch dimension dropped)", null);
            foreach (var member in type.GetMembers())
            {
                if (member.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Axon.LayerAttribute"))
                    yield return ($"the [Layer] member '{member.Name}' (the layers are the graph's operators)", member.Locations.FirstOrDefault());
                else if (ForwardDefinition.Is(member))
                    yield return ("a Forward method (the graph is the forward definition)", member.Locations.FirstOrDefault());
            }
        }
    }
}
