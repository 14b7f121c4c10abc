using System.Linq;
using Axon.Generator.Emit.Gpu;
using Axon.Generator.Model;
using Axon.Generator.Parsing.Gpu;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator
{
    public sealed partial class AxonGenerator
    {
        /// <summary>
        /// [GpuModel(typeof(M))] classes get M's ILGPU kernels. M's network comes from this compilation's model pipeline
        /// when M is declared here, or from the description stored on M when it comes from a referenced assembly.
        /// </summary>
        private static void RegisterGpuModels(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ModelSpec> models)
        {
            var declarations = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    GpuDeclarationParser.GpuModelAttributeName,
                    static (node, _) => node is ClassDeclarationSyntax,
                    static (ctx, ct) => GpuDeclarationParser.Parse(ctx, ct))
                .WithTrackingName(TrackingNames.GpuDeclarations);

            context.RegisterSourceOutput(declarations.Select(static (d, _) => d.Diagnostics), static (spc, list) =>
            {
                foreach (var diagnostic in list) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            });

            var specs = declarations
                .Where(static d => d.ModelKey is not null)
                .Combine(models.Collect())
                .Select(static (pair, _) => Resolve(pair.Left, pair.Right))
                .Where(static s => s is not null)
                .WithTrackingName(TrackingNames.GpuSpecs);

            context.RegisterSourceOutput(specs, static (spc, spec) =>
            {
                // A layer without GPU kernels is reported at the [GpuModel] attribute and nothing is emitted.
                foreach (var node in spec!.Model.Nodes)
                {
                    if ((AttentionHyper.GpuUnsupported(node) ?? GpuNodeKernels.Unsupported(node)) is { } why)
                    {
                        spc.ReportDiagnostic(Diagnostics.DiagnosticInfo.Create(Diagnostics.DiagnosticDescriptors.GpuLayerUnsupported, spec.Location, node.Name, Emit.LayerKindNames.MemberName(node.Kind), spec.Model.ClassName, why).ToDiagnostic());
                        return;
                    }
                }

                spc.AddSource(GpuNetworkEmitter.HintName(spec), GpuNetworkEmitter.Emit(spec));
            });
        }

        /// <summary>The GPU spec, or null when the model is in this compilation but has errors (already reported).</summary>
        private static GpuModelSpec? Resolve(Parsing.Gpu.GpuDeclaration declaration, System.Collections.Immutable.ImmutableArray<ModelSpec> models)
        {
            var model = declaration.ReferencedModel ?? models.FirstOrDefault(m => GpuDeclarationParser.ModelKey(m) == declaration.ModelKey);
            if (model is null) return null;
            return new GpuModelSpec(declaration.Namespace, declaration.ContainingTypes, declaration.ClassName, declaration.HintStem, declaration.ModelTypeName, model, declaration.Location);
        }
    }
}
