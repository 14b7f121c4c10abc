using System.Collections.Generic;
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
    /// Finds the [Differentiable] static scalar function an activation names — <c>new Activation(nameof(Swish))</c>,
    /// <c>new Activation("Swish")</c> or <c>x.Apply(Swish)</c> — and checks it fits the model's element type.
    /// </summary>
    internal static class ActivationFunctionResolver
    {
        /// <summary>Resolves the argument of <c>new Activation(...)</c>; <paramref name="vectorForm"/> is the function's vector form, if it has one.</summary>
        public static string? Resolve(ExpressionSyntax argument, IOperation value, INamedTypeSymbol modelType, SemanticModel model, ElementKind element, string display, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken, out Differentiation.VectorForm? vectorForm)
        {
            vectorForm = null;
            var candidates = new List<IMethodSymbol>();
            if (argument is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } } nameOf && nameOf.ArgumentList.Arguments.Count == 1)
            {
                var info = model.GetSymbolInfo(nameOf.ArgumentList.Arguments[0].Expression, cancellationToken);
                if (info.Symbol is IMethodSymbol m) candidates.Add(m);
                candidates.AddRange(info.CandidateSymbols.OfType<IMethodSymbol>());
            }
            else if (value.ConstantValue.HasValue && value.ConstantValue.Value is string name)
            {
                // A plain name: look in the model class and the types that contain it.
                for (var type = modelType; type is not null && candidates.Count == 0; type = type.ContainingType)
                {
                    candidates.AddRange(type.GetMembers(name).OfType<IMethodSymbol>());
                }
            }
            else
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationFunctionNotUsable, argument, argument.ToString(), "must be named with nameof(...) or a constant string"));
                return null;
            }

            return Choose(candidates, element, argument, argument.ToString(), model.Compilation, diagnostics, cancellationToken, out vectorForm);
        }

        /// <summary>Resolves the method group passed to <c>x.Apply(...)</c> in a Forward definition.</summary>
        public static string? ResolveMethodGroup(ExpressionSyntax argument, SemanticModel model, ElementKind element, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken, out Differentiation.VectorForm? vectorForm)
        {
            var info = model.GetSymbolInfo(argument, cancellationToken);
            var candidates = new List<IMethodSymbol>();
            if (info.Symbol is IMethodSymbol m) candidates.Add(m);
            candidates.AddRange(info.CandidateSymbols.OfType<IMethodSymbol>());
            return Choose(candidates, element, argument, argument.ToString(), model.Compilation, diagnostics, cancellationToken, out vectorForm);
        }

        private static string? Choose(List<IMethodSymbol> candidates, ElementKind element, SyntaxNode where, string display, Compilation compilation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken, out Differentiation.VectorForm? vectorForm)
        {
            vectorForm = null;
            if (candidates.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationFunctionNotUsable, where, display, "does not name a method the generator can find"));
                return null;
            }

            var elementType = element == ElementKind.Double ? SpecialType.System_Double : SpecialType.System_Single;
            var matching = candidates.Where(c => c.IsStatic && c.Parameters.Length == 1 && c.Parameters[0].Type.SpecialType == elementType && c.ReturnType.SpecialType == elementType).ToList();
            if (matching.Count == 0)
            {
                string typeName = element == ElementKind.Double ? "double" : "float";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationFunctionNotUsable, where, display, $"must be a static function {typeName} F({typeName} x) to match the model's element type"));
                return null;
            }

            var method = matching[0];
            // The scalar-function pipeline's own test: marked, well-formed, and able to receive (or already carrying)
            // its generated derivative — so the model never calls a derivative that will not exist.
            if (!Differentiation.ScalarFunctionParser.IsDifferentiableScalarFunction(method))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationFunctionNotUsable, where, display, "must be marked [Differentiable] (a static function in partial types) so that its derivative is generated"));
                return null;
            }

            if (!Differentiation.ScalarFunctionParser.BodyIsDifferentiable(method, compilation, cancellationToken))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationFunctionNotUsable, where, display, "has a body the generator cannot differentiate (see AXN005 on the function), so it has no derivative to call"));
                return null;
            }

            vectorForm = Differentiation.ScalarFunctionParser.VectorFormOf(method, compilation, cancellationToken);

            // The fully qualified format escapes keywords in the type; the method name is escaped here (a function named @int).
            string name = SyntaxFacts.GetKeywordKind(method.Name) != SyntaxKind.None ? "@" + method.Name : method.Name;
            return method.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + name;
        }
    }
}
