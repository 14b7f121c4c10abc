using Axon.Generator.Model;

namespace Axon.Generator.Emit.Gpu
{
    // Grouped convolution (Conv2d with groups > 1): one thread per value, gathering over its group's channels and the
    // kernel window, so no kernel needs atomics. Hyper [inC, outC, kernel, stride, padding, bias, groups].
    internal sealed partial class GpuNodeKernels
    {
        /// <summary>y (or the tangent, without the bias) at one output value.</summary>
        private void AddGroupedConvForward(string name, GpuPassKind pass, NodeSpec node)
        {
            bool tangent = pass == GpuPassKind.Tangent;
            System.Func<int, string, string> buffer = tangent ? Tn : A;
            var x = In(node);
            var h = node.Hyper;
            int inPer = h[0] / h[6], outPer = h[1] / h[6], k = h[2], s = h[3], p = h[4], height = x.Shape[1], width = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            int weight = ParamOffset(node, 0);
            string start = !tangent && h[5] != 0 ? P(ParamOffset(node, 1), "o") : "0";
            AddElementwise(name, pass, node, -1, Rows(node.Size),
                $"int b = i / {node.Size}, e = i - b * {node.Size};\n" +
                $"int o = e / {oh * ow}, r = e - o * {oh * ow}, oy = r / {ow}, ox = r - oy * {ow};\n" +
                $"int g = o / {outPer};\n" +
                $"{_t} sum = {start};\n" +
                $"for (int ci = 0; ci < {inPer}; ci++)\n" +
                $"for (int ky = 0; ky < {k}; ky++)\n" +
                $"for (int kx = 0; kx < {k}; kx++)\n" +
                "{\n" +
                $"int iy = oy * {s} - {p} + ky, ix = ox * {s} - {p} + kx;\n" +
                $"if (iy < 0 || iy >= {height} || ix < 0 || ix >= {width}) continue;\n" +
                $"sum += {P(weight, $"((o * {inPer} + ci) * {k} + ky) * {k} + kx")} * {buffer(x.Index, $"b * {x.Size} + ((g * {inPer} + ci) * {height} + iy) * {width} + ix")};\n" +
                "}\n" +
                $"{buffer(node.Index, "i")} = sum;");
        }

        /// <summary>The input gradient (one thread per input value), the weight gradient (one per weight) and the bias gradient (one per channel).</summary>
        private void AddGroupedConvBackward(string name, NodeSpec node)
        {
            var x = In(node);
            var h = node.Hyper;
            int inPer = h[0] / h[6], outPer = h[1] / h[6], k = h[2], s = h[3], p = h[4], height = x.Shape[1], width = x.Shape[2], oh = node.Shape[1], ow = node.Shape[2];
            int weight = ParamOffset(node, 0), y = node.Index;
            string dy = $"b * {node.Size} + (o * {oh} + oy) * {ow} + ox";
            AddElementwise(name, GpuPassKind.Backward, node, x.Index, Rows(x.Size),
                $"int b = i / {x.Size}, e = i - b * {x.Size};\n" +
                $"int c = e / {height * width}, r = e - c * {height * width}, iy = r / {width}, ix = r - iy * {width};\n" +
                $"int g = c / {inPer}, ci = c - g * {inPer};\n" +
                $"{_t} sum = 0;\n" +
                $"for (int ky = 0; ky < {k}; ky++)\n" +
                $"for (int kx = 0; kx < {k}; kx++)\n" +
                "{\n" +
                $"int py = iy + {p} - ky, px = ix + {p} - kx;\n" +
                $"if (py < 0 || px < 0 || py % {s} != 0 || px % {s} != 0) continue;\n" +
                $"int oy = py / {s}, ox = px / {s};\n" +
                $"if (oy >= {oh} || ox >= {ow}) continue;\n" +
                $"for (int oo = 0; oo < {outPer}; oo++)\n" +
                "{\n" +
                $"int o = g * {outPer} + oo;\n" +
                $"sum += {P(weight, $"((o * {inPer} + ci) * {k} + ky) * {k} + kx")} * {G(y, dy)};\n" +
                "}\n" +
                "}\n" +
                $"{G(x.Index, "i")} += sum;");

            int weights = h[1] * inPer * k * k;
            AddElementwise("WeightGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, weights.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"int o = i / {inPer * k * k}, rest = i - o * {inPer * k * k}, ci = rest / {k * k}, kk = rest - ci * {k * k}, ky = kk / {k}, kx = kk - ky * {k};\n" +
                $"int c = (o / {outPer}) * {inPer} + ci;\n" +
                $"{_t} sum = 0;\n" +
                "for (int b = 0; b < v.Batch; b++)\n" +
                $"for (int oy = 0; oy < {oh}; oy++)\n" +
                $"for (int ox = 0; ox < {ow}; ox++)\n" +
                "{\n" +
                $"int iy = oy * {s} - {p} + ky, ix = ox * {s} - {p} + kx;\n" +
                $"if (iy < 0 || iy >= {height} || ix < 0 || ix >= {width}) continue;\n" +
                $"sum += {G(y, dy)} * {A(x.Index, $"b * {x.Size} + (c * {height} + iy) * {width} + ix")};\n" +
                "}\n" +
                $"{Pg(weight, "i")} += sum;");
            if (h[5] != 0)
            {
                int positions = oh * ow;
                AddElementwise("BiasGradient" + node.Index, GpuPassKind.ParameterGradient, node, -1, h[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"{_t} sum = 0;\nfor (int b = 0; b < v.Batch; b++)\nfor (int q = 0; q < {positions}; q++) sum += {G(y, $"b * {node.Size} + i * {positions} + q")};\n{Pg(ParamOffset(node, 1), "i")} += sum;");
            }
        }
    }
}
