using static Axon.Generator.Tests.Onnx.OnnxAttributeValue;

namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// The layer variants the later mappings cover: grouped and depthwise convolution, transposed convolution with
/// Resize (nearest and bilinear) and a SiLU exported as x · σ(x), a SwiGLU block, LSTM and GRU as PyTorch exports them
/// (with ONNX's gate order in the file and PyTorch's in <see cref="Weights"/>), and RMSNormalization.
/// </summary>
public sealed partial class OnnxTestNetwork
{
    /// <summary>Conv(4 → 4, 3×3, group 2, padding 1) → Relu → depthwise Conv(group 4, no bias) → Flatten → Gemm on 4×4×4.</summary>
    public static OnnxTestNetwork Grouped()
    {
        var w = new Dictionary<string, float[]>
        {
            ["grouped.weight"] = Values(71, 4 * 2 * 3 * 3),
            ["grouped.bias"] = Values(72, 4),
            ["depthwise.weight"] = Values(73, 4 * 1 * 3 * 3),
            ["fc.weight"] = Values(74, 3 * 16, 0.3),
            ["fc.bias"] = Values(75, 3),
        };
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 4, 4, 4 })
            .Output("y", null, 3)
            .Initializer("grouped.weight", new long[] { 4, 2, 3, 3 }, w["grouped.weight"])
            .Initializer("grouped.bias", new long[] { 4 }, w["grouped.bias"])
            .Initializer("depthwise.weight", new long[] { 4, 1, 3, 3 }, w["depthwise.weight"])
            .Initializer("fc.weight", new long[] { 3, 16 }, w["fc.weight"])
            .Initializer("fc.bias", new long[] { 3 }, w["fc.bias"])
            .Node("Conv", "/grouped/Conv", new[] { "x", "grouped.weight", "grouped.bias" }, new[] { "g" },
                Ints("dilations", 1, 1), Int("group", 2), Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 1, 1))
            .Node("Relu", "/act/Relu", new[] { "g" }, new[] { "r" })
            .Node("Conv", "/depthwise/Conv", new[] { "r", "depthwise.weight" }, new[] { "d" }, Int("group", 4), Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1))
            .Node("Flatten", "/flatten/Flatten", new[] { "d" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/fc/Gemm", new[] { "f", "fc.weight", "fc.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "grouped",
            Model = model,
            InputShape = "4, 4, 4",
            InputSize = 64,
            HandBody = "[Layer] readonly Conv2d grouped = new(4, 4, 3, padding: 1, groups: 2); [Layer] readonly ReLU act = new(); " +
                       "[Layer] readonly Conv2d depthwise = new(4, 4, 3, stride: 2, padding: 1, bias: false, groups: 4); [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense fc = new(16, 3);",
            Weights = w,
        };
    }

    /// <summary>
    /// A decoder: ConvTranspose(2 → 3, 3×3, stride 2, padding 1, output_padding 1) → SiLU as Sigmoid + Mul →
    /// Resize ×2 nearest (asymmetric, floor: nn.Upsample's "nearest", from scales) → Resize ×2 linear
    /// (pytorch_half_pixel: "bilinear", align_corners=False, from sizes) → Flatten → Gemm, on 2×2×2.
    /// </summary>
    public static OnnxTestNetwork Decoder()
    {
        var w = new Dictionary<string, float[]>
        {
            ["up.weight"] = Values(81, 2 * 3 * 3 * 3),
            ["up.bias"] = Values(82, 3),
            ["head.weight"] = Values(83, 2 * 3 * 16 * 16, 0.1),
            ["head.bias"] = Values(84, 2),
        };
        var model = new OnnxModelBuilder { Opset = 13 }
            .Input("x", 1, new long?[] { null, 2, 2, 2 })
            .Output("y", null, 2)
            .Initializer("up.weight", new long[] { 2, 3, 3, 3 }, w["up.weight"])
            .Initializer("up.bias", new long[] { 3 }, w["up.bias"])
            .Initializer("head.weight", new long[] { 2, 3 * 16 * 16 }, w["head.weight"])
            .Initializer("head.bias", new long[] { 2 }, w["head.bias"])
            .Initializer("/up1/Constant_output_0", new long[] { 4 }, new[] { 1f, 1f, 2f, 2f })
            .Int64Initializer("/up2/Constant_output_0", new long[] { 1, 3, 16, 16 })
            .Node("ConvTranspose", "/up/ConvTranspose", new[] { "x", "up.weight", "up.bias" }, new[] { "t" },
                Ints("dilations", 1, 1), Int("group", 1), Ints("kernel_shape", 3, 3), Ints("output_padding", 1, 1), Ints("pads", 1, 1, 1, 1), Ints("strides", 2, 2))
            .Node("Sigmoid", "/act/Sigmoid", new[] { "t" }, new[] { "s" })
            .Node("Mul", "/act/Mul", new[] { "t", "s" }, new[] { "a" })
            .Node("Resize", "/up1/Resize", new[] { "a", "", "/up1/Constant_output_0" }, new[] { "n" },
                String("coordinate_transformation_mode", "asymmetric"), Float("cubic_coeff_a", -0.75f), String("mode", "nearest"), String("nearest_mode", "floor"))
            .Node("Resize", "/up2/Resize", new[] { "n", "", "", "/up2/Constant_output_0" }, new[] { "b" },
                String("coordinate_transformation_mode", "pytorch_half_pixel"), String("mode", "linear"))
            .Node("Flatten", "/flatten/Flatten", new[] { "b" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/head/Gemm", new[] { "f", "head.weight", "head.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "decoder",
            Model = model,
            InputShape = "2, 2, 2",
            InputSize = 8,
            HandBody = "[Layer] readonly ConvTranspose2d up = new(2, 3, 3, stride: 2, padding: 1, outputPadding: 1); [Layer] readonly SiLU act = new(); " +
                       "[Layer] readonly Upsample up1 = new(2); [Layer] readonly Upsample up2 = new(2, Axon.Attribution.UpsampleMode.Bilinear); " +
                       "[Layer] readonly Flatten flatten = new(); [Layer] readonly Dense head = new(768, 2);",
            Weights = w,
        };
    }

    /// <summary>
    /// A SwiGLU feed-forward block as PyTorch exports w2(silu(w1 x) ⊙ w3 x) with bias-free Linears: MatMul weights
    /// transposed under "onnx::" names, the SiLU as Sigmoid + Mul, the gate as a Mul of two computed values.
    /// </summary>
    public static OnnxTestNetwork SwiGlu()
    {
        var w = new Dictionary<string, float[]>
        {
            ["w1.weight"] = Values(91, 8 * 6, 0.8),
            ["w3.weight"] = Values(92, 8 * 6, 0.8),
            ["w2.weight"] = Values(93, 3 * 8, 0.8),
        };
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", null, 3)
            .Initializer("onnx::MatMul_11", new long[] { 6, 8 }, Transposed(w["w1.weight"], 8, 6))
            .Initializer("onnx::MatMul_12", new long[] { 6, 8 }, Transposed(w["w3.weight"], 8, 6))
            .Initializer("onnx::MatMul_13", new long[] { 8, 3 }, Transposed(w["w2.weight"], 3, 8))
            .Node("MatMul", "/w1/MatMul", new[] { "x", "onnx::MatMul_11" }, new[] { "h1" })
            .Node("Sigmoid", "/act/Sigmoid", new[] { "h1" }, new[] { "s" })
            .Node("Mul", "/act/Mul", new[] { "h1", "s" }, new[] { "g" })
            .Node("MatMul", "/w3/MatMul", new[] { "x", "onnx::MatMul_12" }, new[] { "h3" })
            .Node("Mul", "/Mul", new[] { "g", "h3" }, new[] { "m" })
            .Node("MatMul", "/w2/MatMul", new[] { "m", "onnx::MatMul_13" }, new[] { "y" })
            .Build();
        return new OnnxTestNetwork
        {
            Name = "swiglu",
            Model = model,
            InputShape = "6",
            InputSize = 6,
            HandBody = """
                [Layer] readonly Dense w1 = new(6, 8, bias: false); [Layer] readonly Dense w3 = new(6, 8, bias: false);
                [Layer] readonly Dense w2 = new(8, 3, bias: false); [Layer] readonly SiLU act = new();
                Tensor Forward(Tensor x) => w2.Apply(act.Apply(w1.Apply(x)) * w3.Apply(x));
                """,
            Weights = w,
        };
    }

    /// <summary>
    /// nn.LSTM(3, 4, batch_first=True) as exported: Transpose → LSTM (a zero initial_h constant, initial_c from a
    /// dynamic batch's Shape → Gather → Concat → ConstantOfShape, Y_h and Y_c unread)
    /// → Squeeze(axes [1], opset 13 input) → Transpose → Flatten → Gemm, on sequences of 5.
    /// </summary>
    public static OnnxTestNetwork Lstm() => Recurrent("lstm", gates: 4, onnxBlocks: new[] { 0, 3, 1, 2 });

    /// <summary>nn.GRU(3, 4, batch_first=True) written with layout = 1 (batch-major): LSTM's test with one Squeeze(axes [2]) and no Transposes.</summary>
    public static OnnxTestNetwork Gru() => Recurrent("gru", gates: 3, onnxBlocks: new[] { 1, 0, 2 });

    /// <param name="onnxBlocks">For each ONNX gate block, the PyTorch block it holds: LSTM i, o, f, c ← i, o, f, g; GRU z, r, h ← z, r, n.</param>
    private static OnnxTestNetwork Recurrent(string name, int gates, int[] onnxBlocks)
    {
        const int input = 3, hidden = 4, sequence = 5;
        int rows = gates * hidden;
        var w = new Dictionary<string, float[]>
        {
            ["rnn.weight_ih_l0"] = Values(101, rows * input, 0.6),
            ["rnn.weight_hh_l0"] = Values(102, rows * hidden, 0.6),
            ["rnn.bias_ih_l0"] = Values(103, rows, 0.4),
            ["rnn.bias_hh_l0"] = Values(104, rows, 0.4),
            ["fc.weight"] = Values(105, 2 * sequence * hidden, 0.4),
            ["fc.bias"] = Values(106, 2),
        };
        float[] Onnx(float[] pytorch, int columns) => onnxBlocks.SelectMany(b => pytorch.Skip(b * hidden * columns).Take(hidden * columns)).ToArray();
        var builder = new OnnxModelBuilder { Opset = 14 }
            .Input("x", 1, new long?[] { null, sequence, input })
            .Output("y", null, 2)
            .Initializer("onnx::W", new long[] { 1, rows, input }, Onnx(w["rnn.weight_ih_l0"], input))
            .Initializer("onnx::R", new long[] { 1, rows, hidden }, Onnx(w["rnn.weight_hh_l0"], hidden))
            .Initializer("onnx::B", new long[] { 1, 2 * rows }, Onnx(w["rnn.bias_ih_l0"], 1).Concat(Onnx(w["rnn.bias_hh_l0"], 1)).ToArray())
            .Initializer("fc.weight", new long[] { 2, sequence * hidden }, w["fc.weight"])
            .Initializer("fc.bias", new long[] { 2 }, w["fc.bias"]);
        string body;
        if (gates == 4)
        {
            builder
                .Initializer("/rnn/Constant_output_0", new long[] { 1, 1, hidden }, new float[hidden])
                .Int64Initializer("/rnn/Constant_1_output_0", new long[] { 1 })
                .Int64Initializer("/rnn/Constant_2_output_0", new long[] { 0 })
                .Int64Initializer("/rnn/Constant_3_output_0", new long[] { 1 })
                .Int64Initializer("/rnn/Constant_4_output_0", new long[] { hidden })
                // initial_c as a dynamic-batch export sizes nn.LSTM's zero state: ConstantOfShape([1, batch, hidden]).
                .Node("Shape", "/rnn/Shape", new[] { "x" }, new[] { "shape" })
                .Node("Gather", "/rnn/Gather", new[] { "shape", "/rnn/Constant_2_output_0" }, new[] { "batch" }, Int("axis", 0))
                .Node("Concat", "/rnn/Concat", new[] { "/rnn/Constant_3_output_0", "batch", "/rnn/Constant_4_output_0" }, new[] { "stateShape" }, Int("axis", 0))
                .Node("ConstantOfShape", "/rnn/ConstantOfShape", new[] { "stateShape" }, new[] { "c0" })
                .Node("Transpose", "/rnn/Transpose", new[] { "x" }, new[] { "tx" }, Ints("perm", 1, 0, 2))
                .Node("LSTM", "/rnn/LSTM", new[] { "tx", "onnx::W", "onnx::R", "onnx::B", "", "/rnn/Constant_output_0", "c0" }, new[] { "ys", "yh", "yc" }, Int("hidden_size", hidden))
                .Node("Squeeze", "/rnn/Squeeze", new[] { "ys", "/rnn/Constant_1_output_0" }, new[] { "sq" })
                .Node("Transpose", "/rnn/Transpose_1", new[] { "sq" }, new[] { "seq" }, Ints("perm", 1, 0, 2));
            body = "[Layer] readonly LSTM rnn = new(3, 4);";
        }
        else
        {
            builder
                .Int64Initializer("/rnn/Constant_output_0", new long[] { 2 })
                .Node("GRU", "/rnn/GRU", new[] { "x", "onnx::W", "onnx::R", "onnx::B" }, new[] { "ys" }, Int("hidden_size", hidden), Int("linear_before_reset", 1), Int("layout", 1))
                .Node("Squeeze", "/rnn/Squeeze", new[] { "ys", "/rnn/Constant_output_0" }, new[] { "seq" });
            body = "[Layer] readonly GRU rnn = new(3, 4);";
        }

        var model = builder
            .Node("Flatten", "/flatten/Flatten", new[] { "seq" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/fc/Gemm", new[] { "f", "fc.weight", "fc.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = name,
            Model = model,
            InputShape = $"{sequence}, {input}",
            InputSize = sequence * input,
            HandBody = body + " [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense fc = new(20, 2);",
            Weights = w,
        };
    }

    /// <summary>Gemm(fc1) → RMSNormalization (opset 23, ε = 1e-4) → Relu → Gemm(fc2) → SimplifiedLayerNormalization (default ε).</summary>
    public static OnnxTestNetwork RmsNorm()
    {
        var w = new Dictionary<string, float[]>
        {
            ["fc1.weight"] = Values(111, 8 * 6),
            ["fc1.bias"] = Values(112, 8),
            ["norm.weight"] = Values(113, 8).Select(v => 1 + v).ToArray(),
            ["fc2.weight"] = Values(114, 4 * 8),
            ["fc2.bias"] = Values(115, 4),
            ["head_norm.weight"] = Values(116, 4).Select(v => 1 + v).ToArray(),
        };
        var model = new OnnxModelBuilder { Opset = 23 }
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", null, 4)
            .Initializer("fc1.weight", new long[] { 8, 6 }, w["fc1.weight"])
            .Initializer("fc1.bias", new long[] { 8 }, w["fc1.bias"])
            .Initializer("norm.weight", new long[] { 8 }, w["norm.weight"])
            .Initializer("fc2.weight", new long[] { 4, 8 }, w["fc2.weight"])
            .Initializer("fc2.bias", new long[] { 4 }, w["fc2.bias"])
            .Initializer("head_norm.weight", new long[] { 4 }, w["head_norm.weight"])
            .Node("Gemm", "/fc1/Gemm", new[] { "x", "fc1.weight", "fc1.bias" }, new[] { "h" }, Int("transB", 1))
            .Node("RMSNormalization", "/norm/RMSNormalization", new[] { "h", "norm.weight" }, new[] { "n" }, Int("axis", -1), Float("epsilon", 1e-4f))
            .Node("Relu", "/relu/Relu", new[] { "n" }, new[] { "r" })
            .Node("Gemm", "/fc2/Gemm", new[] { "r", "fc2.weight", "fc2.bias" }, new[] { "z" }, Int("transB", 1))
            .Node("SimplifiedLayerNormalization", "/head_norm/SimplifiedLayerNormalization", new[] { "z", "head_norm.weight" }, new[] { "y" }, Int("axis", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "rmsnorm",
            Model = model,
            InputShape = "6",
            InputSize = 6,
            HandBody = "[Layer] readonly Dense fc1 = new(6, 8); [Layer] readonly RMSNorm norm = new(8, epsilon: 1e-4f); [Layer] readonly ReLU relu = new(); " +
                       "[Layer] readonly Dense fc2 = new(8, 4); [Layer] readonly RMSNorm head_norm = new(4, epsilon: 1e-5f);",
            Weights = w,
        };
    }

    /// <summary>
    /// Self-attention with separate q/k/v Linears as torch.onnx.export writes it at opset 17 with fixed sizes (E = 4,
    /// 2 heads, L = 3): MatMul + Add per projection, Reshape [0, 3, 2, 2] and Transpose into heads (keys [0, 2, 3, 1]),
    /// MatMul of queries and keys, Div by √2 (or Mul by 1/√2), an optional Add of a constant mask, Softmax, MatMul with
    /// the values, Transpose and Reshape [0, 3, 4] back, the out projection (MatMul + Add); then a Linear over the
    /// sequence (MatMul + Add on [N, 3, 4]), Flatten and a Gemm head.
    /// <paramref name="mask"/>: "none", "zero", "causal" (−inf above the diagonal) or "random" (unsupported);
    /// <paramref name="packed"/>: one in-projection MatMul by [4, 12] and a Split, as nn.MultiheadAttention exports (imported as in_proj_weight);
    /// <paramref name="scale"/>: the divisor of the scores (√2 is the attention's).
    /// </summary>
    public static OnnxTestNetwork SelfAttention(string mask = "zero", bool packed = false, float scale = 1.4142135f, bool multiply = false, bool bias = true)
    {
        const int e = 4, length = 3;
        var w = new Dictionary<string, float[]>
        {
            ["attn.q_proj_weight"] = Values(121, e * e, 0.8),
            ["attn.k_proj_weight"] = Values(122, e * e, 0.8),
            ["attn.v_proj_weight"] = Values(123, e * e, 0.8),
            ["attn.out_proj.weight"] = Values(125, e * e, 0.8),
            ["ff.weight"] = Values(130, e * e, 0.8),
            ["ff.bias"] = Values(131, e, 0.3),
            ["head.weight"] = Values(127, 2 * length * e),
            ["head.bias"] = Values(128, 2),
        };
        if (bias)
        {
            w["attn.in_proj_bias"] = Values(124, 3 * e, 0.3);
            w["attn.out_proj.bias"] = Values(126, e, 0.3);
        }

        var builder = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, length, e })
            .Output("y", null, 2)
            .Initializer("/attn/Constant_output_0", new long[0], new[] { multiply ? 1 / scale : scale })
            .Initializer("onnx::MatMul_o", new long[] { e, e }, Transposed(w["attn.out_proj.weight"], e, e))
            .Initializer("head.weight", new long[] { 2, length * e }, w["head.weight"])
            .Initializer("head.bias", new long[] { 2 }, w["head.bias"])
            .Int64Initializer("/attn/heads", new long[] { 0, length, 2, 2 })
            .Int64Initializer("/attn/merged", new long[] { 0, length, e });
        if (bias) builder.Initializer("attn.out_proj.bias", new long[] { e }, w["attn.out_proj.bias"]);
        var roles = new[] { "q", "k", "v" };
        if (packed)
        {
            var stacked = roles.SelectMany(r => w[$"attn.{r}_proj_weight"]).ToArray();
            builder
                .Initializer("onnx::MatMul_in", new long[] { e, 3 * e }, Transposed(stacked, 3 * e, e))
                .Node("MatMul", "/attn/MatMul", new[] { "x", "onnx::MatMul_in" }, new[] { "qkv" })
                .Node("Split", "/attn/Split", new[] { "qkv" }, new[] { "q1", "k1", "v1" }, Int("axis", 2));
        }

        for (int i = 0; i < 3; i++)
        {
            string r = roles[i], suffix = i == 0 ? "" : "_" + i;
            if (!packed)
            {
                builder
                    .Initializer("onnx::MatMul_" + r, new long[] { e, e }, Transposed(w[$"attn.{r}_proj_weight"], e, e))
                    .Node("MatMul", "/attn/MatMul" + suffix, new[] { "x", "onnx::MatMul_" + r }, new[] { bias ? r + "0" : r + "1" });
                if (bias)
                {
                    builder
                        .Initializer("attn.in_proj_bias." + r, new long[] { e }, w["attn.in_proj_bias"].Skip(i * e).Take(e).ToArray())
                        .Node("Add", "/attn/Add" + suffix, new[] { "attn.in_proj_bias." + r, r + "0" }, new[] { r + "1" });
                }
            }

            builder
                .Node("Reshape", "/attn/Reshape" + suffix, new[] { r + "1", "/attn/heads" }, new[] { r + "2" })
                .Node("Transpose", "/attn/Transpose" + suffix, new[] { r + "2" }, new[] { r + "3" }, r == "k" ? Ints("perm", 0, 2, 3, 1) : Ints("perm", 0, 2, 1, 3));
        }

        builder
            .Node("MatMul", "/attn/MatMul_3", new[] { "q3", "k3" }, new[] { "s" })
            .Node(multiply ? "Mul" : "Div", multiply ? "/attn/Mul" : "/attn/Div", new[] { "s", "/attn/Constant_output_0" }, new[] { mask == "none" ? "sm" : "sd" });
        if (mask != "none")
        {
            var values = new float[length * length];
            var random = Values(129, values.Length);
            for (int i = 0; i < length; i++)
                for (int j = 0; j < length; j++)
                    values[i * length + j] = mask == "causal" ? (j > i ? float.NegativeInfinity : 0) : mask == "random" ? random[i * length + j] : 0;
            builder
                .Initializer("/attn/Constant_1_output_0", new long[] { 1, 1, length, length }, values)
                .Node("Add", "/attn/Add_3", new[] { "sd", "/attn/Constant_1_output_0" }, new[] { "sm" });
        }

        builder
            .Node("Softmax", "/attn/Softmax", new[] { "sm" }, new[] { "p" }, Int("axis", -1))
            .Node("MatMul", "/attn/MatMul_4", new[] { "p", "v3" }, new[] { "c" })
            .Node("Transpose", "/attn/Transpose_3", new[] { "c" }, new[] { "ct" }, Ints("perm", 0, 2, 1, 3))
            .Node("Reshape", "/attn/Reshape_3", new[] { "ct", "/attn/merged" }, new[] { "cr" })
            .Node("MatMul", "/attn/out_proj/MatMul", new[] { "cr", "onnx::MatMul_o" }, new[] { bias ? "o" : "a" });
        if (bias) builder.Node("Add", "/attn/out_proj/Add", new[] { "o", "attn.out_proj.bias" }, new[] { "a" });
        // A Linear over the sequence, as a transformer's feed-forward layer exports: MatMul over [N, L, E], then its bias.
        var model = builder
            .Initializer("onnx::MatMul_ff", new long[] { e, e }, Transposed(w["ff.weight"], e, e))
            .Initializer("ff.bias", new long[] { e }, w["ff.bias"])
            .Node("MatMul", "/ff/MatMul", new[] { "a", "onnx::MatMul_ff" }, new[] { "ff0" })
            .Node("Add", "/ff/Add", new[] { "ff0", "ff.bias" }, new[] { "ff1" })
            .Node("Flatten", "/flatten/Flatten", new[] { "ff1" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/head/Gemm", new[] { "f", "head.weight", "head.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "attention",
            Model = model,
            InputShape = $"{length}, {e}",
            InputSize = length * e,
            HandBody = $"[Layer] readonly MultiHeadAttention attn = new({e}, 2, bias: {(bias ? "true" : "false")}, causal: {(mask == "causal" ? "true" : "false")}, separateProjections: true); " +
                       $"[Layer] readonly Dense ff = new({e}, {e}); [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense head = new({length * e}, 2);",
            Weights = w,
        };
    }

    /// <summary>A [rows, columns] row-major matrix as [columns, rows]: a Linear weight as PyTorch passes it to MatMul.</summary>
    private static float[] Transposed(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < columns; c++) result[c * rows + r] = values[r * columns + c];
        return result;
    }
}
