using Axon.Generator.Emit;
using Axon.Generator.Parsing;
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
                    static (ctx, ct) => ModelParser.Parse(ctx, ct))
                .WithTrackingName(TrackingNames.ModelParse);

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
            context.RegisterSourceOutput(specs, static (spc, spec) => spc.AddSource(ModelEmitter.HintName(spec!), ModelEmitter.Emit(spec!)));
            return specs.Select(static (spec, _) => spec!);
        }
    }
}
