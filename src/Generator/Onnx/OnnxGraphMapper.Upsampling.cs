using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Axon.Generator.Diagnostics;
using Axon.Generator.Model;

namespace Axon.Generator.Onnx
{
    /// <summary>The decoder half of U-Net-style graphs: ConvTranspose → ConvTranspose2d, Resize and Upsample → Upsample.</summary>
    internal sealed partial class OnnxGraphMapper
    {
        /// <summary>Axon's Upsample modes in its hyper-parameters (Axon.Attribution.UpsampleMode).</summary>
        private const int NearestMode = 0;
        private const int BilinearMode = 1;

        /// <summary>
        /// nn.ConvTranspose2d as exported: weight [in, out, k, k] (PyTorch's layout, kept), one group, dilation 1,
        /// the same stride, padding and output_padding on every axis and side. An explicit output_shape is refused:
        /// PyTorch writes output_padding instead.
        /// </summary>
        private void ConvTranspose(OnnxNode node)
        {
            int x = Value(node, 0);
            if (_shapes[x].Length != 3) throw Unsupported(node, $"an input of shape [N, {string.Join(", ", _shapes[x])}] (Axon's ConvTranspose2d reads [N, C, H, W])");
            var w = Weight(node, 1, "weight", 4);
            if (Int(node, "group", 1) != 1) throw Unsupported(node, $"group = {Int(node, "group", 1)} (Axon's ConvTranspose2d has one group)");
            RequireAll(node, "dilations", 1);
            if (node.Attributes.ContainsKey("output_shape")) throw Unsupported(node, $"output_shape = [{string.Join(", ", Ints(node, "output_shape")!)}] (export with output_padding instead)");
            string autoPad = String(node, "auto_pad", "NOTSET");
            if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad.Length > 0) throw Unsupported(node, $"auto_pad = {autoPad} (export with explicit padding)");
            if (w.Dims[2] != w.Dims[3]) throw Unsupported(node, $"a {w.Dims[2]}×{w.Dims[3]} kernel (Axon's ConvTranspose2d kernels are square)");
            if (Ints(node, "kernel_shape") is { } shape && shape.Any(k => k != w.Dims[2])) throw Unsupported(node, $"kernel_shape = [{string.Join(", ", shape)}] unlike its weight's");
            if (w.Dims.Any(d => d > int.MaxValue)) throw Unsupported(node, $"the weight '{w.Name}' of shape [{string.Join(", ", w.Dims)}]");

            int inChannels = (int)w.Dims[0];
            int outChannels = (int)w.Dims[1];
            int kernel = (int)w.Dims[2];
            int stride = Uniform(node, "strides", 1);
            int padding = autoPad == "VALID" ? 0 : Uniform(node, "pads", 0);
            int outputPadding = Uniform(node, "output_padding", 0);
            double[]? bias = node.Inputs.Count > 2 && node.Inputs[2].Length > 0 ? Bias(node, Weight(node, 2, "bias"), outChannels) : null;
            var weights = new List<(string, double[])> { ("weight", w.Values) };
            if (bias is not null) weights.Add(("bias", bias));
            var hyper = new[] { inChannels, outChannels, kernel, stride, padding, outputPadding, bias is null ? 0 : 1 };
            Bind(node, ApplyLayer(node, OpKind.ConvTranspose2d, LayerName(node, w, "conv_transpose"), hyper, 0, x, weights.ToArray()));
        }

        /// <summary>
        /// Resize (opset 10 on) with an integer factor on height and width. nn.Upsample(mode="nearest") exports as
        /// nearest with coordinate_transformation_mode "asymmetric" and nearest_mode "floor"; "nearest-exact" as
        /// "half_pixel" with rounding; mode="bilinear", align_corners=False as linear with "pytorch_half_pixel" (or
        /// "half_pixel", which differs only for an output of one pixel, impossible when upsampling by an integer).
        /// For an integer factor s those nearest forms all pick source ⌊dst / s⌋, Axon's nearest. Anything else —
        /// align_corners, cubic, floor with half_pixel, rounding with asymmetric — is AXN126, by name.
        /// </summary>
        private void Resize(OnnxNode node)
        {
            int x = Value(node, 0);
            string mode = String(node, "mode", "nearest");
            bool opset10 = _graph.Opset is > 0 and < 11;
            string transform = opset10 ? "asymmetric" : String(node, "coordinate_transformation_mode", "half_pixel");
            string nearestMode = opset10 ? "floor" : String(node, "nearest_mode", "round_prefer_floor");
            if (Int(node, "antialias", 0) != 0) throw ResizeUnsupported(node, "antialias = 1");
            if (String(node, "keep_aspect_ratio_policy", "stretch") != "stretch") throw ResizeUnsupported(node, "keep_aspect_ratio_policy = " + String(node, "keep_aspect_ratio_policy", "stretch"));

            int axesOffset = 0;
            if (Ints(node, "axes") is { } axes)
            {
                bool spatial = axes.Count == 2 && (axes[0] == 2 || axes[0] == -2) && (axes[1] == 3 || axes[1] == -1);
                if (!spatial) throw Unsupported(node, $"axes = [{string.Join(", ", axes)}] (Axon resizes height and width: axes [2, 3])");
                axesOffset = 2;
            }

            int kind = ModeOf(node, mode, transform, nearestMode);
            int scale = opset10 ? ScaleFromScales(node, Constant(node, 1, "scales"), x, axesOffset) : ResizeScale(node, x, axesOffset);
            Bind(node, ApplyLayer(node, OpKind.Upsample, LayerName(node, null, "upsample"), new[] { scale, kind }, 0, x));
        }

        /// <summary>
        /// The deprecated Upsample (opsets 7–9): scales as an attribute (7) or an input (9). Its "nearest" is
        /// asymmetric with floor, Axon's nearest; its "linear" uses asymmetric coordinates, unlike PyTorch's bilinear.
        /// </summary>
        private void UpsampleOperator(OnnxNode node)
        {
            int x = Value(node, 0);
            string mode = String(node, "mode", "nearest");
            if (mode != "nearest") throw ResizeUnsupported(node, $"mode = {mode} (the Upsample operator's linear mode uses asymmetric coordinates, unlike PyTorch's bilinear)");
            int scale;
            if (node.Attributes.TryGetValue("scales", out var attribute))
            {
                var tensor = new OnnxTensor { Name = "scales", DataType = 1, Values = attribute.Floats.Select(f => (double)f).ToArray() };
                tensor.Dims.Add(attribute.Floats.Count);
                scale = ScaleFromScales(node, tensor, x, 0);
            }
            else
            {
                scale = ScaleFromScales(node, Constant(node, 1, "scales"), x, 0);
            }

            Bind(node, ApplyLayer(node, OpKind.Upsample, LayerName(node, null, "upsample"), new[] { scale, NearestMode }, 0, x));
        }

        /// <summary>The Axon mode of a Resize, or AXN126 naming the attributes Axon does not compute.</summary>
        private int ModeOf(OnnxNode node, string mode, string transform, string nearestMode)
        {
            bool halfPixel = transform == "half_pixel" || transform == "pytorch_half_pixel";
            if (mode == "nearest")
            {
                bool floorAsymmetric = transform == "asymmetric" && nearestMode == "floor";
                bool roundHalfPixel = halfPixel && (nearestMode == "round_prefer_floor" || nearestMode == "round_prefer_ceil");
                if (floorAsymmetric || roundHalfPixel) return NearestMode;
                throw ResizeUnsupported(node, $"mode = nearest, coordinate_transformation_mode = {transform}, nearest_mode = {nearestMode}");
            }

            if (mode == "linear" && halfPixel) return BilinearMode;
            string why = mode == "linear" && transform == "align_corners" ? " (PyTorch's align_corners=True)" : "";
            throw ResizeUnsupported(node, $"mode = {mode}, coordinate_transformation_mode = {transform}{why}");
        }

        /// <summary>The integer factor from Resize's scales (input 2) or sizes (input 3), whichever is given.</summary>
        private int ResizeScale(OnnxNode node, int x, int axesOffset)
        {
            bool hasSizes = node.Inputs.Count > 3 && node.Inputs[3].Length > 0;
            // Opsets 11 and 12 pass an empty scales tensor beside the sizes; later ones leave the input out.
            bool hasScales = node.Inputs.Count > 2 && node.Inputs[2].Length > 0 && !(hasSizes && Constant(node, 2, "scales").ElementCount == 0);
            if (hasScales == hasSizes) throw Unsupported(node, hasScales ? "both scales and sizes" : "neither scales nor sizes");
            if (hasScales) return ScaleFromScales(node, Constant(node, 2, "scales"), x, axesOffset);

            var sizes = Constant(node, 3, "sizes");
            var shape = _shapes[x];
            if (shape.Length != 3) throw Unsupported(node, $"an input of shape [N, {string.Join(", ", shape)}] (Axon upsamples [N, C, H, W])");
            var dims = sizes.Integers;
            var spatial = axesOffset == 2 ? dims : dims.Skip(2).ToArray();
            if ((axesOffset == 2 ? dims.Length != 2 : dims.Length != 4 || dims[1] != shape[0]) || spatial.Length != 2)
                throw Unsupported(node, $"sizes = [{string.Join(", ", dims)}] for an input [N, {string.Join(", ", shape)}]");
            if (spatial[0] % shape[1] != 0 || spatial[1] % shape[2] != 0 || spatial[0] / shape[1] != spatial[1] / shape[2] || spatial[0] < shape[1])
                throw Unsupported(node, $"sizes = [{string.Join(", ", dims)}], not the input [N, {string.Join(", ", shape)}] enlarged by one integer factor on height and width");
            return (int)(spatial[0] / shape[1]);
        }

        /// <summary>A constant [1, 1, s, s] (or [s, s] with axes) of one integer factor s ≥ 1 on height and width.</summary>
        private int ScaleFromScales(OnnxNode node, OnnxTensor scales, int x, int axesOffset)
        {
            var shape = _shapes[x];
            if (shape.Length != 3) throw Unsupported(node, $"an input of shape [N, {string.Join(", ", shape)}] (Axon upsamples [N, C, H, W])");
            var v = scales.Values;
            string text = "[" + string.Join(", ", v.Select(d => d.ToString("R", CultureInfo.InvariantCulture))) + "]";
            bool layout = axesOffset == 2 ? v.Length == 2 : v.Length == 4 && v[0] == 1 && v[1] == 1;
            if (!layout) throw Unsupported(node, $"scales = {text} (Axon scales height and width only: [1, 1, s, s])");
            double s = v[v.Length - 1];
            if (v[v.Length - 2] != s || s < 1 || s > 4096 || s != System.Math.Floor(s))
                throw Unsupported(node, $"scales = {text} (Axon upsamples by one integer factor on height and width)");
            return (int)s;
        }

        private MappingStopped ResizeUnsupported(OnnxNode node, string what) => Stop(DiagnosticDescriptors.OnnxResizeUnsupported, node.DisplayName, node.OpType, what);
    }
}
