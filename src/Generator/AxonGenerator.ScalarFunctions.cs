using System.Text;
using Axon.Generator.Differentiation;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Axon.Generator
{
    public sealed partial class AxonGenerator
    {
        /// <summary>
        /// [Differentiable] static scalar functions: parse each into an equatable spec holding its symbolic
        /// derivative (or diagnostics), emit <c>{Name}Derivative</c> beside it, and report the diagnostics from a
        /// separate output so that a diagnostic's location never invalidates the emitted code.
        /// </summary>
        static partial void RegisterScalarFunctions(IncrementalGeneratorInitializationContext context)
        {
            var results = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    DifferentiableAttributeName,
                    predicate: static (node, _) => ScalarFunctionParser.IsCandidate(node),
                    transform: static (attributeContext, cancellationToken) => ScalarFunctionParser.Parse(attributeContext, cancellationToken))
                .WithTrackingName(TrackingNames.ScalarFunctionResults);

            var specs = results
                .Where(static result => result.Spec is not null)
                .Select(static (result, _) => result.Spec!)
                .WithTrackingName(TrackingNames.ScalarFunctionSpecs);

            var diagnostics = results
                .Select(static (result, _) => result.Diagnostics)
                .Where(static diagnostics => diagnostics.Count > 0)
                .WithTrackingName(TrackingNames.ScalarFunctionDiagnostics);

            context.RegisterSourceOutput(specs, static (output, spec) =>
                output.AddSource(spec.HintName, SourceText.From(ScalarFunctionEmitter.Emit(spec), Encoding.UTF8)));

            context.RegisterSourceOutput(diagnostics, static (output, items) =>
            {
                foreach (var diagnostic in items) output.ReportDiagnostic(diagnostic.ToDiagnostic());
            });
        }
    }
}
