using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;
using Axon.Generator.ShapeChecking;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator.Parsing
{
    /// <summary>
    /// The model's inputs as declared: one input with <c>[InputShape]</c> on the class, or several — one per Forward
    /// parameter, each with its own <c>[InputShape]</c> and perhaps <c>[Fixed]</c> — packed one after another, in
    /// parameter order, into one flat input row.
    /// </summary>
    /// <param name="Shape">The shape of the model's input node: the class's shape, or [total] for packed inputs.</param>
    /// <param name="Inputs">The packed inputs, in parameter order; empty for a model with one class-declared input.</param>
    internal sealed record InputDeclarations(EquatableArray<int> Shape, EquatableArray<InputSpec> Inputs)
    {
        private const string InputShapeAttribute = "Axon.InputShapeAttribute";
        private const string FixedAttribute = "Axon.FixedAttribute";

        /// <summary>The inputs of <paramref name="type"/>, or null when a diagnostic was reported.</summary>
        public static InputDeclarations? Read(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var notTensor = ForwardDefinition.Find(type) is null ? ForwardDefinition.FindWithNonTensorParameter(type) : null;
            if (notTensor is not null)
            {
                foreach (var parameter in notTensor.Parameters.Where(p => !ForwardDefinition.IsTensor(p)))
                {
                    string kind = (parameter.RefKind == RefKind.None ? "" : parameter.RefKind.ToString().ToLowerInvariant() + " ") + parameter.Type.ToDisplayString();
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ForwardParameterNotTensor, parameter.Locations.FirstOrDefault(), parameter.Name, kind));
                }

                return null;
            }

            var classShape = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == InputShapeAttribute);
            var forward = ForwardDefinition.Find(type);
            var parameters = forward?.Parameters ?? System.Collections.Immutable.ImmutableArray<IParameterSymbol>.Empty;
            if (parameters.Length <= 1)
            {
                // One input: its shape on the class or on Forward's parameter (not both); it is fixed only if nothing is attributed.
                var parameterShape = parameters.Length == 1 ? Find(parameters[0], InputShapeAttribute) : null;
                if (parameters.Length == 1 && Find(parameters[0], FixedAttribute) is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoAttributedInput, declaration.Identifier.GetLocation(), type.Name));
                    return null;
                }

                if (parameterShape is not null && classShape is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputShapeDeclaredTwice, declaration.Identifier.GetLocation(), type.Name));
                    return null;
                }

                var shape = ReadShape(parameterShape ?? classShape);
                if (shape is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInputShape, declaration.Identifier.GetLocation(), type.Name));
                    return null;
                }

                return new InputDeclarations(shape.ToEquatableArray(), EquatableArray<InputSpec>.Empty);
            }

            bool valid = true;
            if (classShape is not null)
            {
                var where = classShape.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? declaration.Identifier.GetLocation();
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InputShapeDeclaredTwice, where, type.Name));
                valid = false;
            }

            var inputs = new List<InputSpec>();
            BigInteger offset = BigInteger.Zero;
            foreach (var parameter in parameters)
            {
                // Each input becomes a member of the generated nested class Inputs, which cannot hold a member of its own name (CS0542).
                if (parameter.Name == GeneratedMembers.Inputs)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedMemberName, parameter.Locations.FirstOrDefault(), parameter.Name, type.Name));
                    valid = false;
                    continue;
                }

                var shape = ReadShape(Find(parameter, InputShapeAttribute));
                if (shape is null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInputShapeOfInput, parameter.Locations.FirstOrDefault(), parameter.Name, type.Name));
                    valid = false;
                    continue;
                }

                var size = ElementCount.Product(shape);
                if (!ElementCount.Fits(offset + size))
                {
                    NetworkChecker.TooLarge(diagnostics, LocationInfo.From(parameter.Locations.FirstOrDefault()), "the packed input", offset + size, "input values per sample");
                    return null;
                }

                inputs.Add(new InputSpec(parameter.Name, (int)offset, shape.ToEquatableArray(), Find(parameter, FixedAttribute) is not null));
                offset += size;
            }

            if (!valid) return null;
            if (inputs.All(i => i.Fixed))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoAttributedInput, declaration.Identifier.GetLocation(), type.Name));
                return null;
            }

            return new InputDeclarations(new[] { (int)offset }.ToEquatableArray(), inputs.ToEquatableArray());
        }

        private static AttributeData? Find(IParameterSymbol parameter, string attribute)
            => parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == attribute);

        private static int[]? ReadShape(AttributeData? attribute)
        {
            if (attribute is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array) return null;
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
    }
}
