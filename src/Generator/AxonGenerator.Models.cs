using System;
using System.Collections.Generic;
using System.Threading;
using Axon.Generator.Diagnostics;
using Axon.Generator.Emit;
using Axon.Generator.Model;
using Axon.Generator.Parsing;
using Axon.Generator.ShapeChecking;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator
{
    public sealed partial class AxonGenerator
    {
        private static IncrementalValuesProvider<Model.ModelSpec> RegisterModels(IncrementalGeneratorInitializationContext context)
        {
            var results = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    DifferentiableAttributeName,
                    static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax or StructDeclarationSyntax,
                    static (ctx, ct) => ParseAndCheck(ctx, ct))
                .WithTrackingName(TrackingNames.ModelParse);
            results = AddOnnxImports(context, results);

            // Diagnostics carry locations; the spec does not, so emission is cached across edits that only move code.
            var diagnostics = results.Select(static (r, _) => r.Diagnostics).WithTrackingName(TrackingNames.ModelDiagnostics);
            context.RegisterSourceOutput(diagnostics, static (spc, list) =>
            {
                foreach (var diagnostic in list) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            });

            var specs = results
                .Select(static (r, _) => r.Spec)
                .Where(static s => s is not null)
                .WithTrackingName(TrackingNames.ModelSpecs);

            // Hint names compare ignoring case, so models whose full names differ only in case (A.Net, A.NET) need
            // telling apart; the names alone are collected, so editing one network re-emits only that model.
            var hintNames = specs.Select(static (spec, _) => ModelEmitter.HintName(spec!)).Collect();
            context.RegisterSourceOutput(specs.Combine(hintNames), static (spc, pair) => EmitGuarded(spc, pair.Left!, pair.Right));
            return specs.Select(static (spec, _) => spec!);
        }

        /// <summary>
        /// The stages, one way: parse the class into a draft network (Parsing), then infer shapes and lay out
        /// parameters (ShapeChecking). A stage that reports an error stops the model; the emitter sees only specs.
        /// </summary>
        private static ModelResult ParseAndCheck(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var where = context.TargetNode is TypeDeclarationSyntax declaration ? LocationInfo.From(declaration.Identifier.GetLocation()) : null;
            return GuardModelTransform(context.TargetSymbol.ToDisplayString(), where, () =>
            {
                var diagnostics = new List<DiagnosticInfo>();
                if (Onnx.OnnxDeclaration.IsOnnxModel(context))
                {
                    // The network is in a file that the next step (AddOnnxImports) brings in.
                    var request = Onnx.OnnxDeclaration.Read(context, diagnostics, cancellationToken);
                    return new ModelResult(null, diagnostics.ToEquatableArray()) { Onnx = request };
                }

                var draft = ModelParser.Parse(context, diagnostics, cancellationToken);
                var spec = draft is null ? null : NetworkChecker.Check(draft, diagnostics);
                return new ModelResult(spec, diagnostics.ToEquatableArray());
            });
        }

        /// <summary>
        /// Last resort: an exception escaping a generator loses every generated file of the compilation, so a failure
        /// on one model becomes AXN015 on that model instead. Cancellation still propagates.
        /// </summary>
        internal static ModelResult GuardModelTransform(string model, LocationInfo? location, Func<ModelResult> work)
        {
            try
            {
                return work();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalGeneratorError, location, model, Describe(exception));
                return new ModelResult(null, new[] { diagnostic }.ToEquatableArray());
            }
        }

        private static void EmitGuarded(SourceProductionContext context, ModelSpec spec, System.Collections.Immutable.ImmutableArray<string> allHintNames)
        {
            try
            {
                context.AddSource(HintNames.Disambiguate(ModelEmitter.HintName(spec), allHintNames, ModelEmitter.HintNameSuffix), ModelEmitter.Emit(spec));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The spec holds no locations (so that emission caches across edits); the model's name says which it is.
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalGeneratorError, Location.None, spec.FullName, Describe(exception)));
            }
        }

        private static string Describe(Exception exception) => exception.GetType().Name + ": " + exception.Message;
    }
}
