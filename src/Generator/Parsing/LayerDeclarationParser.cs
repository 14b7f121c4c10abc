using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Axon.Generator.Diagnostics;
using Axon.Generator.Graph;
using Axon.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Axon.Generator.Parsing
{
    /// <summary>Reads one [Layer] member's initializer (e.g. <c>new Conv2d(1, 8, kernel: 3)</c>) into a <see cref="LayerDeclaration"/>.</summary>
    internal static class LayerDeclarationParser
    {
        private const string LayerBaseType = "Axon.Layers.Layer";

        public static LayerDeclaration? Parse(ISymbol member, SemanticModel model, ElementKind element, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var syntax = member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
            ExpressionSyntax? initializer = syntax switch
            {
                VariableDeclaratorSyntax v => v.Initializer?.Value,
                PropertyDeclarationSyntax p => p.Initializer?.Value ?? p.ExpressionBody?.Expression,
                _ => null,
            };
            if (syntax is null || member is IPropertySymbol { IsIndexer: true })
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerDeclaration, member.Locations.FirstOrDefault(), member.Name, "has no declaration the generator can read"));
                return null;
            }

            // The generated GetLayerDescriptors() returns the members as Layer[], so each must be declared as a layer.
            var memberType = member is IFieldSymbol field ? field.Type : ((IPropertySymbol)member).Type;
            if (!DerivesFromLayer(memberType))
            {
                if (PyTorchLayerNames.For(memberType.Name) is { } advice)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerDeclaration, syntax, member.Name, $"has the type '{memberType.Name}', which {advice}"));
                    return null;
                }

                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerDeclaration, syntax, member.Name, $"must have a layer type such as Dense, not '{memberType.ToDisplayString()}'"));
                return null;
            }

            if (initializer is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerDeclaration, syntax, member.Name, "must be initialised with a layer, e.g. = new Dense(784, 128)"));
                return null;
            }

            var semanticModel = model.SyntaxTree == initializer.SyntaxTree ? model : model.Compilation.GetSemanticModel(initializer.SyntaxTree);
            var operation = semanticModel.GetOperation(initializer, cancellationToken);
            while (operation is IConversionOperation conversion) operation = conversion.Operand;
            if (operation is not IObjectCreationOperation creation || creation.Type is not INamedTypeSymbol type
                || type.ContainingNamespace?.ToDisplayString() != LayerCatalog.Namespace || !LayerCatalog.TryGet(type.Name, out var entry))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerDeclaration, initializer, member.Name,
                    "must be initialised with 'new' of an Axon.Layers layer type (Dense, Conv1d, Conv2d, MaxPool2d, AvgPool2d, GlobalAvgPool, MaxOverTime, Flatten, Reshape, Embedding, BatchNorm, ReLU, LeakyReLU, Sigmoid, Tanh, Gelu, Softplus, Softmax, LogSoftmax, Activation, LayerNorm, RMSNorm, Identity, Dropout, SiLU, MultiHeadAttention, PositionalEmbedding, SinusoidalPositionalEncoding, ConvTranspose2d, Upsample, LSTM, GRU)"));
                return null;
            }

            var hyper = new List<int>();
            var normalizedShape = new List<int>();
            double scalar = entry.ScalarDefault;
            string function = "";
            Differentiation.VectorForm? vectorForm = null;
            foreach (var argument in creation.Arguments)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string name = argument.Parameter?.Name ?? "";
                var value = argument.Value;
                ExpressionSyntax argumentSyntax = argument.Syntax is ArgumentSyntax a ? a.Expression : argument.Syntax as ExpressionSyntax ?? initializer;
                if (entry.Kind == OpKind.Reshape && name == "shape")
                {
                    if (!TryReadIntArray(value, hyper))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerDeclaration, argumentSyntax, member.Name, "needs constant integer dimensions, e.g. new Reshape(16, 7, 7)"));
                        return null;
                    }

                    continue;
                }

                if (IsNormalization(entry.Kind) && name == "normalizedShape")
                {
                    if (!TryReadIntArray(value, normalizedShape) && !TryReadInt(value, normalizedShape))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerDeclaration, argumentSyntax, member.Name,
                            $"needs constant integer dimensions for 'normalizedShape', e.g. new {entry.Kind}(64) or new {entry.Kind}(new[] {{ 8, 64 }})"));
                        return null;
                    }

                    continue;
                }

                if (entry.Kind == OpKind.Activation && name == "function")
                {
                    var resolved = ActivationFunctionResolver.Resolve(argumentSyntax, value, member.ContainingType, semanticModel, element, member.Name, diagnostics, cancellationToken, out vectorForm);
                    if (resolved is null) return null;
                    function = resolved;
                    continue;
                }

                int index = Array.IndexOf(entry.IntParameters, name);
                if (name != entry.ScalarParameter && index < 0) continue;
                var constant = value.ConstantValue;
                if (!constant.HasValue)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerDeclaration, argumentSyntax, member.Name,
                        $"needs a compile-time constant for '{name}', so that shapes are known when the model compiles"));
                    return null;
                }

                if (name == entry.ScalarParameter)
                {
                    if (!ConstantValues.TryReal(constant.Value, out scalar)) return NotANumber(diagnostics, argumentSyntax, member.Name, name);
                    continue;
                }

                while (hyper.Count <= index) hyper.Add(0);
                if (!ConstantValues.TryInteger(constant.Value, out int integer)) return NotANumber(diagnostics, argumentSyntax, member.Name, name);
                hyper[index] = integer;
            }

            while (hyper.Count < entry.IntParameters.Length) hyper.Add(0);
            if (IsNormalization(entry.Kind)) hyper.AddRange(normalizedShape);
            if (entry.Kind == OpKind.MaxPool2d || entry.Kind == OpKind.AvgPool2d)
            {
                // The descriptor's stride 0 means "same as the kernel", as in PyTorch.
                if (hyper[1] == 0) hyper[1] = hyper[0];
                // Padding 0 is left out, so that an unpadded pooling describes itself as [kernel, stride] as before.
                if (hyper[2] == 0) hyper.RemoveAt(2);
            }

            // Separate q/k/v projections only rename the parameters; the packed default keeps the five hyper-parameters
            // (and the generated code) that attention models had before the option existed.
            if (entry.Kind == OpKind.MultiHeadAttention && !AttentionHyper.SeparateProjections(hyper)) hyper.RemoveRange(AttentionHyper.SeparateIndex, hyper.Count - AttentionHyper.SeparateIndex);

            var kind = entry.Kind;
            if (kind == OpKind.Conv2d)
            {
                // groups: 1 (the descriptor's default) is the ordinary convolution with its six hyper-parameters and fast
                // paths; more groups is its own op. A groups argument left out reads as 0 here.
                if (!HasArgument(creation, "groups")) hyper[6] = 1;
                if (hyper[6] == 1) hyper.RemoveAt(6);
                else kind = OpKind.GroupedConv2d;
            }

            var declaration = new LayerDeclaration(member.Name, kind, hyper.ToEquatableArray(), scalar, function, LocationInfo.From(syntax)) { VectorForm = vectorForm };
            string? problem = HyperParameterRules.Check(declaration, element);
            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidHyperParameter, initializer, member.Name, problem));
                return null;
            }

            return declaration;
        }

        private static LayerDeclaration? NotANumber(List<DiagnosticInfo> diagnostics, SyntaxNode at, string layer, string parameter)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerDeclaration, at, layer, $"needs a number that fits the parameter '{parameter}'"));
            return null;
        }

        private static bool HasArgument(IObjectCreationOperation creation, string parameter)
            => creation.Arguments.Any(a => a.Parameter?.Name == parameter && a.ArgumentKind == ArgumentKind.Explicit);

        private static bool DerivesFromLayer(ITypeSymbol type)
        {
            for (var t = type as INamedTypeSymbol; t is not null; t = t.BaseType)
            {
                if (t.ToDisplayString() == LayerBaseType) return true;
            }

            return false;
        }

        private static bool IsNormalization(OpKind kind) => kind == OpKind.LayerNorm || kind == OpKind.RMSNorm;

        private static bool TryReadInt(IOperation value, List<int> into)
        {
            if (!value.ConstantValue.HasValue || !ConstantValues.TryInteger(value.ConstantValue.Value, out int integer)) return false;
            into.Add(integer);
            return true;
        }

        private static bool TryReadIntArray(IOperation value, List<int> into)
        {
            if (value is IArrayCreationOperation array && array.Initializer is not null)
            {
                foreach (var element in array.Initializer.ElementValues)
                {
                    if (!element.ConstantValue.HasValue || element.ConstantValue.Value is not int i) return false;
                    into.Add(i);
                }

                return true;
            }

            return false;
        }
    }
}
