using System.Linq;
using Axon.Generator.Model;

namespace Axon.Generator.Onnx
{
    /// <summary>RMS normalisation: ONNX RMSNormalization (opset 23) and onnxruntime's SimplifiedLayerNormalization → RMSNorm.</summary>
    internal sealed partial class OnnxGraphMapper
    {
        /// <summary>
        /// y = x / √(mean(x²) + ε) · scale over the dimensions from <c>axis</c> (which counts the batch axis) to the
        /// last; scale has their shape. Both operators compute this; a second output (onnxruntime's inverse
        /// standard deviation) must be unused.
        /// </summary>
        private void RmsNormalization(OnnxNode node)
        {
            int x = Value(node, 0);
            if (node.Outputs.Skip(1).Any(o => o.Length > 0 && (_consumers.ContainsKey(o) || _graph.Outputs.Any(g => g.Name == o))))
                throw Unsupported(node, "a second output read (only the normalised values are imported)");
            var (normalized, scale) = NormalizedDimensions(node, x);
            double epsilon = Float(node, "epsilon", 1e-5f);
            if (!(epsilon > 0)) throw Unsupported(node, "epsilon = " + Format((float)epsilon));
            var hyper = new[] { 1, 0 }.Concat(normalized).ToArray();
            Bind(node, ApplyLayer(node, OpKind.RMSNorm, LayerName(node, scale, "rms_norm"), hyper, epsilon, x, ("weight", scale.Values)));
        }

        /// <summary>
        /// The normalised dimensions of a LayerNormalization-style node — from <c>axis</c> (which counts the batch axis)
        /// to the last — and its Scale input, which must hold one value per normalised element.
        /// </summary>
        private (int[] Normalized, OnnxTensor Scale) NormalizedDimensions(OnnxNode node, int x)
        {
            var shape = _shapes[x];
            long axis = Int(node, "axis", -1);
            int first = axis < 0 ? (int)(shape.Length + axis) : (int)axis - 1;
            if (first < 0 || first >= shape.Length) throw Unsupported(node, $"axis = {axis} (the normalised dimensions must lie within a sample)");
            var normalized = shape.Skip(first).ToArray();
            int count = normalized.Aggregate(1, (a, d) => a * d);
            var scale = Weight(node, 1, "scale");
            if (scale.ElementCount != count) throw Unsupported(node, $"'{scale.Name}' of {scale.ElementCount} values for {count} normalised values");
            return (normalized, scale);
        }
    }
}
