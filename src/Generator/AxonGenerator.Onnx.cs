using Axon.Generator.Model;
using Axon.Generator.Onnx;
using Microsoft.CodeAnalysis;

namespace Axon.Generator
{
    public sealed partial class AxonGenerator
    {
        /// <summary>
        /// Completes the models declared from an ONNX file: each request meets the additional files that may hold
        /// it (the base64 form Axon.Onnx.targets writes) and becomes a spec or diagnostics. Every other result passes
        /// through unchanged, so hand-written models keep their cached outputs when a file changes.
        /// </summary>
        private static IncrementalValuesProvider<ModelResult> AddOnnxImports(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ModelResult> results)
        {
            var files = context.AdditionalTextsProvider
                .Where(static text => OnnxFile.IsCandidate(text.Path))
                .Select(static (text, ct) => OnnxFile.From(text, ct))
                .WithTrackingName(TrackingNames.OnnxFiles)
                .Collect();

            return results
                .Combine(files)
                .Select(static (pair, ct) =>
                {
                    var (result, available) = pair;
                    if (result.Onnx is not { } request) return result;
                    // A request is only made when the class itself had no error, so it brings no diagnostics of its own.
                    return GuardModelTransform(request.Identity.ClassName, request.Location, () => OnnxImporter.Import(request, available, ct));
                })
                .WithTrackingName(TrackingNames.OnnxImport);
        }
    }
}
