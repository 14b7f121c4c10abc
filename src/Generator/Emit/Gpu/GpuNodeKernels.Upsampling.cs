using System.Globalization;
using Axon.Generator.Model;

namespace Axon.Generator.Emit.Gpu
{
    // Transposed convolution and upsampling: one thread per value, each gathering what it needs, so no atomics.
    internal sealed partial class GpuNodeKernels
    {
        /// <summary>
        /// ConvTranspose2d forward or tangent (without the bias) at one output value: it gathers the input positions
        /// (r + padding − i)/stride that land on it. Hyper [inC, outC, kernel, stride, padding, outputPadding, bias].
        /// </summary>
        private void AddConvTransposeForward(string name, GpuPassKind pass, NodeSpec node)
        {
            bool tangent = pass == GpuPassKind.Tangent;
            System.Func<int, string, string> buffer = tangent ? Tn : A;
            var x = In(node);
            var h = node.Hyper;
            int inC = h[0], outC = h[1], k = h[2], s = h[3], p = h[4], height = x.Shape[1], width = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            int weight = ParamOffset(node, 0);
            string start = !tangent && h[6] != 0 ? P(ParamOffset(node, 1), "o") : "0";
            AddElementwise(name, pass, node, -1, Rows(node.Size),
                $"int b = i / {node.Size}, e = i - b * {node.Size};\n" +
                $"int o = e / {oh * ow}, r = e - o * {oh * ow}, oy = r / {ow}, ox = r - oy * {ow};\n" +
                $"{_t} sum = {start};\n" +
                $"for (int ky = 0; ky < {k}; ky++)\n" +
                $"for (int kx = 0; kx < {k}; kx++)\n" +
                "{\n" +
                $"int py = oy + {p} - ky, px = ox + {p} - kx;\n" +
                $"if (py < 0 || px < 0 || py % {s} != 0 || px % {s} != 0) continue;\n" +
                $"int iy = py / {s}, ix = px / {s};\n" +
                $"if (iy >= {height} || ix >= {width}) continue;\n" +
                $"for (int c = 0; c < {inC}; c++) sum += {P(weight, $"((c * {outC} + o) * {k} + ky) * {k} + kx")} * {buffer(x.Index, $"b * {x.Size} + (c * {height} + iy) * {width} + ix")};\n" +
                "}\n" +
                $"{buffer(node.Index, "i")} = sum;");
        }

        /// <summary>The input gradient (one thread per input value), the weight gradient (one per weight) and the bias gradient.</summary>
        private void AddConvTransposeBackward(string name, NodeSpec node)
        {
            var x = In(node);
            var h = node.Hyper;
            int inC = h[0], outC = h[1], k = h[2], s = h[3], p = h[4], height = x.Shape[1], width = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            int weight = ParamOffset(node, 0), y = node.Index;
            AddElementwise(name, GpuPassKind.Backward, node, x.Index, Rows(x.Size),
                $"int b = i / {x.Size}, e = i - b * {x.Size};\n" +
                $"int c = e / {height * width}, r = e - c * {height * width}, iy = r / {width}, ix = r - iy * {width};\n" +
                $"{_t} sum = 0;\n" +
                $"for (int ky = 0; ky < {k}; ky++)\n" +
                $"for (int kx = 0; kx < {k}; kx++)\n" +
                "{\n" +
                $"int oy = iy * {s} - {p} + ky, ox = ix * {s} - {p} + kx;\n" +
                $"if (oy < 0 || oy >= {oh} || ox < 0 || ox >= {ow}) continue;\n" +
                $"for (int o = 0; o < {outC}; o++) sum += {P(weight, $"((c * {outC} + o) * {k} + ky) * {k} + kx")} * {G(y, $"b * {node.Size} + (o * {oh} + oy) * {ow} + ox")};\n" +
                "}\n" +
                $"{G(x.Index, "i")} += sum;");

            int weights = inC * outC * k * k;
            AddElementwise("WeightGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, weights.ToString(CultureInfo.InvariantCulture),
                $"int c = i / {outC * k * k}, rest = i - c * {outC * k * k}, o = rest / {k * k}, kk = rest - o * {k * k}, ky = kk / {k}, kx = kk - ky * {k};\n" +
                $"{_t} sum = 0;\n" +
                "for (int b = 0; b < v.Batch; b++)\n" +
                $"for (int iy = 0; iy < {height}; iy++)\n" +
                $"for (int ix = 0; ix < {width}; ix++)\n" +
                "{\n" +
                $"int oy = iy * {s} - {p} + ky, ox = ix * {s} - {p} + kx;\n" +
                $"if (oy < 0 || oy >= {oh} || ox < 0 || ox >= {ow}) continue;\n" +
                $"sum += {G(y, $"b * {node.Size} + (o * {oh} + oy) * {ow} + ox")} * {A(x.Index, $"b * {x.Size} + (c * {height} + iy) * {width} + ix")};\n" +
                "}\n" +
                $"{Pg(weight, "i")} += sum;");
            if (h[6] != 0)
            {
                int positions = oh * ow;
                AddElementwise("BiasGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, outC.ToString(CultureInfo.InvariantCulture),
                    $"{_t} sum = 0;\nfor (int b = 0; b < v.Batch; b++)\nfor (int q = 0; q < {positions}; q++) sum += {G(y, $"b * {node.Size} + i * {positions} + q")};\n{Pg(ParamOffset(node, 1), "i")} += sum;");
            }
        }

        /// <summary>
        /// The source row (or column) <c>dst</c> reads and its weights, as the CPU's UpsampleKernel computes them: nearest
        /// reads ⌊dst / scale⌋; bilinear src = (dst + ½)/scale − ½ clamped at 0, mixing ⌊src⌋ and the next (within the image).
        /// </summary>
        private string UpsampleTap(string dst, string prefix, int size, int scale, bool bilinear)
        {
            if (!bilinear) return $"int {prefix}0 = {dst} / {scale}, {prefix}1 = {prefix}0;\n{_t} {prefix}w0 = 1, {prefix}w1 = 0;\n";
            return $"double {prefix}s = ({dst} + 0.5) / {scale}.0 - 0.5;\nif ({prefix}s < 0) {prefix}s = 0;\n" +
                   $"int {prefix}0 = (int){prefix}s, {prefix}1 = {prefix}0 < {size - 1} ? {prefix}0 + 1 : {prefix}0;\n" +
                   $"{_t} {prefix}w1 = ({_t})({prefix}s - {prefix}0), {prefix}w0 = ({_t})(1.0 - ({prefix}s - {prefix}0));\n";
        }

        private void AddUpsample(string name, GpuPassKind pass, NodeSpec node, System.Func<int, string, string> buffer)
        {
            var x = In(node);
            int scale = node.Hyper[0], height = x.Shape[1], width = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            bool bilinear = node.Hyper[1] == 1;
            string at(string row, string column) => buffer(x.Index, $"b * {x.Size} + c * {height * width} + {row} * {width} + {column}");
            AddElementwise(name, pass, node, -1, Rows(node.Size),
                $"int b = i / {node.Size}, e = i - b * {node.Size};\n" +
                $"int c = e / {oh * ow}, r = e - c * {oh * ow}, oy = r / {ow}, ox = r - oy * {ow};\n" +
                UpsampleTap("oy", "y", height, scale, bilinear) +
                UpsampleTap("ox", "x", width, scale, bilinear) +
                $"{buffer(node.Index, "i")} = yw0 * (xw0 * {at("y0", "x0")} + xw1 * {at("y0", "x1")}) + yw1 * (xw0 * {at("y1", "x0")} + xw1 * {at("y1", "x1")});");
        }

        /// <summary>One thread per input value gathers from the outputs near it (scale·(iy − 1) to scale·(iy + 2)) whose taps read it.</summary>
        private void AddUpsampleBackward(string name, NodeSpec node)
        {
            var x = In(node);
            int scale = node.Hyper[0], height = x.Shape[1], width = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            bool bilinear = node.Hyper[1] == 1;
            AddElementwise(name, GpuPassKind.Backward, node, x.Index, Rows(x.Size),
                $"int b = i / {x.Size}, e = i - b * {x.Size};\n" +
                $"int c = e / {height * width}, r = e - c * {height * width}, iy = r / {width}, ix = r - iy * {width};\n" +
                $"int oyFrom = global::System.Math.Max((iy - 1) * {scale}, 0), oyTo = global::System.Math.Min((iy + 2) * {scale}, {oh});\n" +
                $"int oxFrom = global::System.Math.Max((ix - 1) * {scale}, 0), oxTo = global::System.Math.Min((ix + 2) * {scale}, {ow});\n" +
                $"{_t} sum = 0;\n" +
                "for (int oy = oyFrom; oy < oyTo; oy++)\n" +
                "{\n" +
                UpsampleTap("oy", "y", height, scale, bilinear) +
                $"{_t} wy = (y0 == iy ? yw0 : 0) + (y1 == iy ? yw1 : 0);\n" +
                "if (wy == 0) continue;\n" +
                "for (int ox = oxFrom; ox < oxTo; ox++)\n" +
                "{\n" +
                UpsampleTap("ox", "x", width, scale, bilinear) +
                $"{_t} wx = (x0 == ix ? xw0 : 0) + (x1 == ix ? xw1 : 0);\n" +
                $"sum += wy * wx * {G(node.Index, $"b * {node.Size} + c * {oh * ow} + oy * {ow} + ox")};\n" +
                "}\n" +
                "}\n" +
                $"{G(x.Index, "i")} += sum;");
        }
    }
}
