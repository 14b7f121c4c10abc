using Axon.Generator.Model;

namespace Axon.Generator.Emit.Gpu
{
    // Padded pooling (PyTorch's MaxPool2d / AvgPool2d with padding): windows start `padding` rows and columns before the
    // image and are clipped to it. Max pads with −∞, so the clipped window's first maximum wins; the average divides by
    // kernel² (count_include_pad=True). Unpadded pooling keeps its own kernels, so its generated code is unchanged.
    internal sealed partial class GpuNodeKernels
    {
        /// <summary>The clipped window rows y0..y1 and columns x0..x1 (exclusive ends) of output (oy, ox).</summary>
        private static string ClippedWindow(int k, int s, int p, int h, int w) =>
            $"int y0 = oy * {s} - {p}, x0 = ox * {s} - {p};\n" +
            $"int y1 = global::System.Math.Min(y0 + {k}, {h}), x1 = global::System.Math.Min(x0 + {k}, {w});\n" +
            "y0 = global::System.Math.Max(y0, 0);\n" +
            "x0 = global::System.Math.Max(x0, 0);\n";

        private void AddPaddedMaxPoolForward(string name, NodeSpec node)
        {
            var x = In(node);
            int k = node.Hyper[0], s = node.Hyper[1], p = PoolingHyper.Padding(node.Hyper), h = x.Shape[1], w = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            AddElementwise(name, GpuPassKind.Forward, node, -1, Rows(node.Size),
                $"int b = i / {node.Size}, e = i - b * {node.Size};\n" +
                $"int c = e / {oh * ow}, r = e - c * {oh * ow}, oy = r / {ow}, ox = r - oy * {ow};\n" +
                ClippedWindow(k, s, p, h, w) +
                $"int best = c * {h * w} + y0 * {w} + x0;\n" +
                $"{_t} top = {A(x.Index, $"b * {x.Size} + best")};\n" +
                "for (int iy = y0; iy < y1; iy++)\n" +
                "for (int ix = x0; ix < x1; ix++)\n" +
                "{\n" +
                $"int at = c * {h * w} + iy * {w} + ix;\n" +
                $"{_t} value = {A(x.Index, $"b * {x.Size} + at")};\n" +
                "if (value > top) { top = value; best = at; }\n" +
                "}\n" +
                $"{A(node.Index, "i")} = top;\n" +
                $"{Ix(node.Index, "i")} = best;");
        }

        private void AddPaddedAvgPool(string name, GpuPassKind pass, NodeSpec node, System.Func<int, string, string> buffer)
        {
            var x = In(node);
            int k = node.Hyper[0], s = node.Hyper[1], p = PoolingHyper.Padding(node.Hyper), h = x.Shape[1], w = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            AddElementwise(name, pass, node, -1, Rows(node.Size),
                $"int b = i / {node.Size}, e = i - b * {node.Size};\n" +
                $"int c = e / {oh * ow}, r = e - c * {oh * ow}, oy = r / {ow}, ox = r - oy * {ow};\n" +
                ClippedWindow(k, s, p, h, w) +
                $"{_t} sum = 0;\n" +
                "for (int iy = y0; iy < y1; iy++)\n" +
                $"for (int ix = x0; ix < x1; ix++) sum += {buffer(x.Index, $"b * {x.Size} + c * {h * w} + iy * {w} + ix")};\n" +
                $"{buffer(node.Index, "i")} = sum / {Lit(k * k)};");
        }

        /// <summary>
        /// One thread per input element gathers from the outputs whose windows hold it (found in padded coordinates):
        /// max pooling adds the gradient of the windows it won, average pooling each window's gradient / kernel².
        /// </summary>
        private void AddPaddedPoolBackward(string name, NodeSpec node)
        {
            var x = In(node);
            bool max = node.Kind == OpKind.MaxPool2d;
            int k = node.Hyper[0], s = node.Hyper[1], p = PoolingHyper.Padding(node.Hyper), h = x.Shape[1], w = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            string o = $"b * {node.Size} + c * {oh * ow} + oy * {ow} + ox";
            AddElementwise(name, GpuPassKind.Backward, node, x.Index, Rows(x.Size),
                $"int b = i / {x.Size}, e = i - b * {x.Size};\n" +
                $"int c = e / {h * w}, r = e - c * {h * w}, iy = r / {w} + {p}, ix = r - (r / {w}) * {w} + {p};\n" +
                Windows(k, s, oh, ow) +
                $"{_t} sum = 0;\n" +
                "for (int oy = oy0; oy <= oy1; oy++)\n" +
                (max
                    ? $"for (int ox = ox0; ox <= ox1; ox++) {{ if ({Ix(node.Index, o)} == e) sum += {G(node.Index, o)}; }}\n" +
                      $"{G(x.Index, "i")} += sum;"
                    : $"for (int ox = ox0; ox <= ox1; ox++) sum += {G(node.Index, o)};\n" +
                      $"{G(x.Index, "i")} += sum / {Lit(k * k)};"));
        }
    }
}
