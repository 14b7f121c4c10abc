using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Axon.Generator.Diagnostics;
using Axon.Generator.Graph;
using Axon.Generator.Model;
using Axon.Generator.Parsing;
using Axon.Generator.ShapeChecking;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// The import step: finds the request's file among the additional files, decodes it, maps the graph to a draft
    /// network, shape-checks it like a hand-written one and attaches the initializers as the starting weights.
    /// </summary>
    internal static class OnnxImporter
    {
        /// <summary>
        /// The most parameters embedded in generated code: the weights travel as a base64 string constant, and a
        /// million floats (4 MiB, 5.6 million characters) keeps the assembly's string heap well under its 16 MiB.
        /// </summary>
        public const int MaxEmbeddedParameters = 1 << 20;

        public static ModelResult Import(OnnxImportRequest request, ImmutableArray<OnnxFile> files, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            var spec = Run(request, files, diagnostics, cancellationToken);
            return new ModelResult(spec, diagnostics.ToEquatableArray());
        }

        private static ModelSpec? Run(OnnxImportRequest request, ImmutableArray<OnnxFile> files, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            string model = request.Identity.ClassName;
            var file = files.FirstOrDefault(f => f.Matches(request.File, base64: true));
            if (file?.Base64 is null)
            {
                var binary = files.FirstOrDefault(f => f.Matches(request.File, base64: false));
                string advice = binary is not null
                    ? $", except as the binary '{binary.Path}', which a generator cannot read: list it as <AxonOnnx Include=\"{request.File}\" /> (Axon.Onnx.targets) instead of <AdditionalFiles>, so that the build hands its base64 text to the generator"
                    : $": add <AxonOnnx Include=\"{request.File}\" /> to the project (Axon.Onnx.targets)";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxFileMissing, request.Location, request.File, model, advice));
                return null;
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(file.Base64.Trim());
            }
            catch (FormatException)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxFileUnreadable, request.Location, file.Path, "the file is not base64 text"));
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            OnnxGraph graph;
            try
            {
                graph = OnnxReader.Read(bytes);
            }
            catch (OnnxFormatException exception)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxFileUnreadable, request.Location, request.File, exception.Message));
                return null;
            }

            cancellationToken.ThrowIfCancellationRequested();
            var mapped = OnnxGraphMapper.Map(graph, request, diagnostics);
            if (mapped is null) return null;
            var (draft, weights) = mapped.Value;
            var spec = NetworkChecker.Check(draft, diagnostics);
            if (spec is null) return null;

            if (spec.ParameterCount > MaxEmbeddedParameters)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OnnxUnsupportedGraph, request.Location, model,
                    $"has {spec.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters, more than the {MaxEmbeddedParameters.ToString("N0", CultureInfo.InvariantCulture)} embedded in generated code; declare the model by hand and load its weights with ModelWeights.Load"));
                return null;
            }

            return spec with { Import = new ImportedModel(request.File, Layers(draft.Layers), Encode(spec, weights)) };
        }

        /// <summary>The parameter vector in the layout's order, as base64 of little-endian floats or doubles.</summary>
        private static string Encode(ModelSpec spec, Dictionary<string, double[]> weights)
        {
            bool isDouble = spec.Element == ElementKind.Double;
            int width = isDouble ? 8 : 4;
            var bytes = new byte[(long)spec.ParameterCount * width];
            foreach (var parameter in spec.Parameters)
            {
                // The mapper supplies every tensor the layout lays out (same layer, same suffixes).
                var values = weights[parameter.Name];
                if (values.Length != parameter.Length) throw new InvalidOperationException($"{parameter.Name} has {values.Length} values for {parameter.Length}");
                for (int i = 0; i < values.Length; i++)
                {
                    var word = isDouble ? BitConverter.GetBytes(values[i]) : BitConverter.GetBytes((float)values[i]);
                    if (!BitConverter.IsLittleEndian) Array.Reverse(word);
                    Buffer.BlockCopy(word, 0, bytes, (parameter.Offset + i) * width, width);
                }
            }

            return Convert.ToBase64String(bytes);
        }

        private static EquatableArray<ImportedLayer> Layers(IEnumerable<LayerDeclaration> layers)
            => layers.Select(l => new ImportedLayer(l.Name, Declaration(l.Kind).TypeName, Arguments(l))).ToEquatableArray();

        /// <summary>The descriptor type that declares an imported layer, from the layer catalogue.</summary>
        private static (string TypeName, LayerCatalog.Entry Entry) Declaration(OpKind kind)
            // A grouped convolution is a Conv2d whose groups argument (its seventh) is more than 1.
            => LayerCatalog.TryGetByKind(kind == OpKind.GroupedConv2d ? OpKind.Conv2d : kind, out string typeName, out var entry)
                ? (typeName, entry)
                : throw new InvalidOperationException("The ONNX importer maps no operator to " + kind);

        /// <summary>The descriptor parameters that are bool (the catalogue reads them as 0/1).</summary>
        private static readonly HashSet<string> BoolParameters = new HashSet<string> { "bias", "causal", "separateProjections" };

        /// <summary>Named constructor arguments from the layer catalogue, so the order of the descriptor's parameters does not matter.</summary>
        private static string Arguments(LayerDeclaration layer)
        {
            if (layer.Kind == OpKind.LayerNorm || layer.Kind == OpKind.RMSNorm)
            {
                // Hyper = [elementwiseAffine, bias, normalised dims…], Scalar = ε; RMSNorm has no bias argument.
                string dims = string.Join(", ", layer.Hyper.Skip(2).Select(d => d.ToString(CultureInfo.InvariantCulture)));
                string bias = layer.Kind == OpKind.LayerNorm ? $", bias: {(layer.Hyper[1] != 0 ? "true" : "false")}" : "";
                return $"new[] {{ {dims} }}, epsilon: {layer.Scalar.ToString("R", CultureInfo.InvariantCulture)}, elementwiseAffine: {(layer.Hyper[0] != 0 ? "true" : "false")}{bias}";
            }

            var entry = Declaration(layer.Kind).Entry;
            var parts = new List<string>();
            // A declaration may end early (an unpadded pooling, a convolution with one group): the rest keep their defaults.
            for (int i = 0; i < Math.Min(entry.IntParameters.Length, layer.Hyper.Count); i++)
            {
                string name = entry.IntParameters[i];
                string value = BoolParameters.Contains(name) ? (layer.Hyper[i] != 0 ? "true" : "false")
                    : layer.Kind == OpKind.Upsample && name == "mode" ? "global::Axon.Attribution.UpsampleMode." + (layer.Hyper[i] == 0 ? "Nearest" : "Bilinear")
                    : layer.Hyper[i].ToString(CultureInfo.InvariantCulture);
                parts.Add(name + ": " + value);
            }

            if (entry.ScalarParameter is not null) parts.Add(entry.ScalarParameter + ": " + layer.Scalar.ToString("R", CultureInfo.InvariantCulture));
            return string.Join(", ", parts);
        }
    }
}
