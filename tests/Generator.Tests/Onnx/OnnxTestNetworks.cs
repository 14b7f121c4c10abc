using static Axon.Generator.Tests.Onnx.OnnxAttributeValue;

namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// Small networks as torch.onnx.export writes them (node names "/module/Op", parameters under their state_dict
/// names, a MatMul weight under an "onnx::" name), each beside the same network declared by hand in C#.
/// Weights are seeded, so every run builds the same bytes.
/// </summary>
public sealed partial class OnnxTestNetwork
{
    public required string Name { get; init; }

    public required byte[] Model { get; init; }

    /// <summary>The hand-declared model's class body (layers and, where needed, Forward).</summary>
    public required string HandBody { get; init; }

    /// <summary>The hand model's [InputShape] arguments.</summary>
    public required string InputShape { get; init; }

    public required int InputSize { get; init; }

    /// <summary>Every weight by its PyTorch name, in PyTorch's layout.</summary>
    public required Dictionary<string, float[]> Weights { get; init; }

    public static float[] Values(int seed, int count, double scale = 0.5)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    /// <summary>x → Gemm(fc1) → Relu → Gemm(fc2): nn.Sequential(Linear(6, 8), ReLU(), Linear(8, 3)) with named modules.</summary>
    public static OnnxTestNetwork Mlp(bool floatData = false)
    {
        var w = new Dictionary<string, float[]>
        {
            ["fc1.weight"] = Values(1, 8 * 6),
            ["fc1.bias"] = Values(2, 8),
            ["fc2.weight"] = Values(3, 3 * 8),
            ["fc2.bias"] = Values(4, 3),
        };
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", null, 3)
            .Initializer("fc1.weight", new long[] { 8, 6 }, w["fc1.weight"], raw: !floatData)
            .Initializer("fc1.bias", new long[] { 8 }, w["fc1.bias"], raw: !floatData)
            .Initializer("fc2.weight", new long[] { 3, 8 }, w["fc2.weight"], raw: !floatData)
            .Initializer("fc2.bias", new long[] { 3 }, w["fc2.bias"], raw: !floatData)
            .Node("Gemm", "/fc1/Gemm", new[] { "x", "fc1.weight", "fc1.bias" }, new[] { "/fc1/Gemm_output_0" }, Float("alpha", 1), Float("beta", 1), Int("transB", 1))
            .Node("Relu", "/relu/Relu", new[] { "/fc1/Gemm_output_0" }, new[] { "/relu/Relu_output_0" })
            .Node("Gemm", "/fc2/Gemm", new[] { "/relu/Relu_output_0", "fc2.weight", "fc2.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "mlp",
            Model = model,
            InputShape = "6",
            InputSize = 6,
            HandBody = "[Layer] readonly Dense fc1 = new(6, 8); [Layer] readonly ReLU relu = new(); [Layer] readonly Dense fc2 = new(8, 3);",
            Weights = w,
        };
    }

    /// <summary>Conv(1→4, 3×3, padding 1) → Relu → MaxPool(2) → Flatten → Gemm(64 → 5) on 1×8×8 images.</summary>
    public static OnnxTestNetwork Cnn()
    {
        var w = new Dictionary<string, float[]>
        {
            ["conv1.weight"] = Values(11, 4 * 1 * 3 * 3),
            ["conv1.bias"] = Values(12, 4),
            ["fc.weight"] = Values(13, 5 * 64, 0.2),
            ["fc.bias"] = Values(14, 5),
        };
        var model = new OnnxModelBuilder()
            .Input("image", 1, new long?[] { null, 1, 8, 8 })
            .Output("logits", null, 5)
            .Initializer("conv1.weight", new long[] { 4, 1, 3, 3 }, w["conv1.weight"])
            .Initializer("conv1.bias", new long[] { 4 }, w["conv1.bias"])
            .Initializer("fc.weight", new long[] { 5, 64 }, w["fc.weight"])
            .Initializer("fc.bias", new long[] { 5 }, w["fc.bias"])
            .Node("Conv", "/conv1/Conv", new[] { "image", "conv1.weight", "conv1.bias" }, new[] { "c1" },
                Ints("dilations", 1, 1), Int("group", 1), Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", 1, 1))
            .Node("Relu", "/act/Relu", new[] { "c1" }, new[] { "r1" })
            .Node("MaxPool", "/pool/MaxPool", new[] { "r1" }, new[] { "p1" }, Int("ceil_mode", 0), Ints("kernel_shape", 2, 2), Ints("pads", 0, 0, 0, 0), Ints("strides", 2, 2))
            .Node("Flatten", "/flatten/Flatten", new[] { "p1" }, new[] { "f1" }, Int("axis", 1))
            .Node("Gemm", "/fc/Gemm", new[] { "f1", "fc.weight", "fc.bias" }, new[] { "logits" }, Float("alpha", 1), Float("beta", 1), Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "cnn",
            Model = model,
            InputShape = "1, 8, 8",
            InputSize = 64,
            HandBody = "[Layer] readonly Conv2d conv1 = new(1, 4, 3, 1, 1); [Layer] readonly ReLU act = new(); [Layer] readonly MaxPool2d pool = new(2); [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense fc = new(64, 5);",
            Weights = w,
        };
    }

    /// <summary>
    /// A residual block: fc1 (Gemm) → Relu → fc2 as MatMul + Add (how PyTorch exports a Linear on some inputs, with
    /// its weight transposed under an "onnx::" name) → Add(x) → fc3 (Gemm).
    /// </summary>
    public static OnnxTestNetwork Residual()
    {
        var w = new Dictionary<string, float[]>
        {
            ["fc1.weight"] = Values(21, 6 * 6),
            ["fc1.bias"] = Values(22, 6),
            ["fc2.weight"] = Values(23, 6 * 6),
            ["fc2.bias"] = Values(24, 6),
            ["fc3.weight"] = Values(25, 2 * 6),
            ["fc3.bias"] = Values(26, 2),
        };
        var transposed = new float[36];
        for (int o = 0; o < 6; o++) for (int i = 0; i < 6; i++) transposed[i * 6 + o] = w["fc2.weight"][o * 6 + i];
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", null, 2)
            .Initializer("fc1.weight", new long[] { 6, 6 }, w["fc1.weight"])
            .Initializer("fc1.bias", new long[] { 6 }, w["fc1.bias"])
            .Initializer("onnx::MatMul_31", new long[] { 6, 6 }, transposed)
            .Initializer("fc2.bias", new long[] { 6 }, w["fc2.bias"])
            .Initializer("fc3.weight", new long[] { 2, 6 }, w["fc3.weight"])
            .Initializer("fc3.bias", new long[] { 2 }, w["fc3.bias"])
            .Node("Gemm", "/fc1/Gemm", new[] { "x", "fc1.weight", "fc1.bias" }, new[] { "h1" }, Int("transB", 1))
            .Node("Relu", "/relu/Relu", new[] { "h1" }, new[] { "h2" })
            .Node("MatMul", "/fc2/MatMul", new[] { "h2", "onnx::MatMul_31" }, new[] { "m" })
            .Node("Add", "/fc2/Add", new[] { "fc2.bias", "m" }, new[] { "h3" })
            .Node("Add", "/Add", new[] { "h3", "x" }, new[] { "sum" })
            .Node("Gemm", "/fc3/Gemm", new[] { "sum", "fc3.weight", "fc3.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "residual",
            Model = model,
            InputShape = "6",
            InputSize = 6,
            HandBody = """
                [Layer] readonly Dense fc1 = new(6, 6); [Layer] readonly ReLU relu = new(); [Layer] readonly Dense fc2 = new(6, 6); [Layer] readonly Dense fc3 = new(6, 2);
                Tensor Forward(Tensor x) => fc3.Apply(fc2.Apply(relu.Apply(fc1.Apply(x))) + x);
                """,
            Weights = w,
        };
    }

    /// <summary>
    /// Conv → BatchNormalization → Relu → AveragePool(2, stride 1) → GlobalAveragePool → Reshape([-1, 4]) (x.view(-1, 4)) → Gemm → Softmax, with
    /// a Dropout and an Identity on the way, and the conv without bias (as before a BatchNorm).
    /// </summary>
    public static OnnxTestNetwork BatchNormPool()
    {
        var w = new Dictionary<string, float[]>
        {
            ["conv.weight"] = Values(31, 4 * 2 * 3 * 3),
            ["bn.weight"] = Values(32, 4).Select(v => 1 + v).ToArray(),
            ["bn.bias"] = Values(33, 4),
            ["bn.running_mean"] = Values(34, 4, 0.1),
            ["bn.running_var"] = Values(35, 4).Select(v => 1 + v).ToArray(),
            ["head.weight"] = Values(36, 3 * 4),
            ["head.bias"] = Values(37, 3),
        };
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 2, 5, 5 })
            .Output("probabilities", null, 3)
            .Initializer("conv.weight", new long[] { 4, 2, 3, 3 }, w["conv.weight"])
            .Initializer("bn.weight", new long[] { 4 }, w["bn.weight"])
            .Initializer("bn.bias", new long[] { 4 }, w["bn.bias"])
            .Initializer("bn.running_mean", new long[] { 4 }, w["bn.running_mean"])
            .Initializer("bn.running_var", new long[] { 4 }, w["bn.running_var"])
            .Initializer("head.weight", new long[] { 3, 4 }, w["head.weight"])
            .Initializer("head.bias", new long[] { 3 }, w["head.bias"])
            .Int64Initializer("/Constant_output_0", new long[] { -1, 4 })
            .Node("Conv", "/conv/Conv", new[] { "x", "conv.weight" }, new[] { "c" }, Ints("kernel_shape", 3, 3), Ints("strides", 1, 1), Ints("pads", 0, 0, 0, 0))
            .Node("BatchNormalization", "/bn/BatchNormalization", new[] { "c", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var" }, new[] { "b" }, Float("epsilon", 1e-5f), Float("momentum", 0.9f))
            .Node("Relu", "/act/Relu", new[] { "b" }, new[] { "r" })
            .Node("Dropout", "/drop/Dropout", new[] { "r" }, new[] { "d" })
            .Node("AveragePool", "/avg/AveragePool", new[] { "d" }, new[] { "a" }, Ints("kernel_shape", 2, 2), Ints("strides", 1, 1))
            .Node("GlobalAveragePool", "/gap/GlobalAveragePool", new[] { "a" }, new[] { "g" })
            .Node("Reshape", "/Reshape", new[] { "g", "/Constant_output_0" }, new[] { "v" })
            .Node("Identity", "/id/Identity", new[] { "v" }, new[] { "v2" })
            .Node("Gemm", "/head/Gemm", new[] { "v2", "head.weight", "head.bias" }, new[] { "logits" }, Int("transB", 1))
            .Node("Softmax", "/softmax/Softmax", new[] { "logits" }, new[] { "probabilities" }, Int("axis", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "bnpool",
            Model = model,
            InputShape = "2, 5, 5",
            InputSize = 50,
            HandBody = "[Layer] readonly Conv2d conv = new(2, 4, 3, bias: false); [Layer] readonly BatchNorm bn = new(4, 1e-5); [Layer] readonly ReLU act = new(); [Layer] readonly AvgPool2d avg = new(2, 1); [Layer] readonly GlobalAvgPool gap = new(); [Layer] readonly Dense head = new(4, 3); [Layer] readonly Softmax softmax = new();",
            Weights = w,
        };
    }

    /// <summary>Two branches joined by Concat(axis 1): LeakyRelu(Gemm(x)) and Tanh(Gemm(x)), then Sigmoid and a head.</summary>
    public static OnnxTestNetwork Branches()
    {
        var w = new Dictionary<string, float[]>
        {
            ["left.weight"] = Values(41, 4 * 6),
            ["left.bias"] = Values(42, 4),
            ["right.weight"] = Values(43, 3 * 6),
            ["right.bias"] = Values(44, 3),
            ["head.weight"] = Values(45, 2 * 7),
            ["head.bias"] = Values(46, 2),
        };
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", null, 2)
            .Initializer("left.weight", new long[] { 4, 6 }, w["left.weight"])
            .Initializer("left.bias", new long[] { 4 }, w["left.bias"])
            .Initializer("right.weight", new long[] { 3, 6 }, w["right.weight"])
            .Initializer("right.bias", new long[] { 3 }, w["right.bias"])
            .Initializer("head.weight", new long[] { 2, 7 }, w["head.weight"])
            .Initializer("head.bias", new long[] { 2 }, w["head.bias"])
            .Node("Gemm", "/left/Gemm", new[] { "x", "left.weight", "left.bias" }, new[] { "l" }, Int("transB", 1))
            .Node("LeakyRelu", "/leaky/LeakyRelu", new[] { "l" }, new[] { "l2" }, Float("alpha", 0.2f))
            .Node("Gemm", "/right/Gemm", new[] { "x", "right.weight", "right.bias" }, new[] { "r" }, Int("transB", 1))
            .Node("Tanh", "/tanh/Tanh", new[] { "r" }, new[] { "r2" })
            .Node("Concat", "/Concat", new[] { "l2", "r2" }, new[] { "c" }, Int("axis", 1))
            .Node("Sigmoid", "/gate/Sigmoid", new[] { "c" }, new[] { "s" })
            .Node("Gemm", "/head/Gemm", new[] { "s", "head.weight", "head.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "branches",
            Model = model,
            InputShape = "6",
            InputSize = 6,
            HandBody = """
                [Layer] readonly Dense left = new(6, 4); [Layer] readonly LeakyReLU leaky = new(0.2f); [Layer] readonly Dense right = new(6, 3);
                [Layer] readonly Tanh tanh = new(); [Layer] readonly Sigmoid gate = new(); [Layer] readonly Dense head = new(7, 2);
                Tensor Forward(Tensor x) => head.Apply(gate.Apply(Tensor.Concat(leaky.Apply(left.Apply(x)), tanh.Apply(right.Apply(x)))));
                """,
            Weights = w,
        };
    }

    /// <summary>
    /// A token model: Gather(emb.weight, token ids) → Transpose(0, 2, 1) (x.transpose(1, 2)) → Conv1d(4 → 3, kernel 2)
    /// → Relu → Flatten → Gemm, on int64 ids of length 5.
    /// </summary>
    public static OnnxTestNetwork Tokens()
    {
        var w = new Dictionary<string, float[]>
        {
            ["emb.weight"] = Values(51, 10 * 4, 1.0),
            ["conv.weight"] = Values(52, 3 * 4 * 2),
            ["conv.bias"] = Values(53, 3),
            ["fc.weight"] = Values(54, 2 * 12),
            ["fc.bias"] = Values(55, 2),
        };
        var model = new OnnxModelBuilder()
            .Input("tokens", 7, new long?[] { null, 5 })
            .Output("y", null, 2)
            .Initializer("emb.weight", new long[] { 10, 4 }, w["emb.weight"])
            .Initializer("conv.weight", new long[] { 3, 4, 2 }, w["conv.weight"])
            .Initializer("conv.bias", new long[] { 3 }, w["conv.bias"])
            .Initializer("fc.weight", new long[] { 2, 12 }, w["fc.weight"])
            .Initializer("fc.bias", new long[] { 2 }, w["fc.bias"])
            .Node("Gather", "/emb/Gather", new[] { "emb.weight", "tokens" }, new[] { "e" })
            .Node("Transpose", "/Transpose", new[] { "e" }, new[] { "t" }, Ints("perm", 0, 2, 1))
            .Node("Conv", "/conv/Conv", new[] { "t", "conv.weight", "conv.bias" }, new[] { "c" }, Ints("kernel_shape", 2), Ints("strides", 1), Ints("pads", 0, 0))
            .Node("Relu", "/act/Relu", new[] { "c" }, new[] { "r" })
            .Node("Flatten", "/Flatten", new[] { "r" }, new[] { "f" }, Int("axis", 1))
            .Node("Gemm", "/fc/Gemm", new[] { "f", "fc.weight", "fc.bias" }, new[] { "y" }, Int("transB", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "tokens",
            Model = model,
            InputShape = "5",
            InputSize = 5,
            HandBody = "[Layer] readonly Embedding emb = new(10, 4); [Layer] readonly Conv1d conv = new(4, 3, 2); [Layer] readonly ReLU act = new(); [Layer] readonly Flatten flatten = new(); [Layer] readonly Dense fc = new(12, 2);",
            Weights = w,
        };
    }

    /// <summary>Gemm(fc1) → LayerNormalization(ln, ε = 1e-3) → Relu → Gemm(fc2) → LayerNormalization(head_norm, no bias): nn.LayerNorm as exported at opset 17.</summary>
    public static OnnxTestNetwork LayerNorm()
    {
        var w = new Dictionary<string, float[]>
        {
            ["fc1.weight"] = Values(41, 8 * 6),
            ["fc1.bias"] = Values(42, 8),
            ["ln.weight"] = Values(43, 8).Select(v => 1 + v).ToArray(),
            ["ln.bias"] = Values(44, 8),
            ["fc2.weight"] = Values(45, 4 * 8),
            ["fc2.bias"] = Values(46, 4),
            ["head_norm.weight"] = Values(47, 4).Select(v => 1 + v).ToArray(),
        };
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", null, 4)
            .Initializer("fc1.weight", new long[] { 8, 6 }, w["fc1.weight"])
            .Initializer("fc1.bias", new long[] { 8 }, w["fc1.bias"])
            .Initializer("ln.weight", new long[] { 8 }, w["ln.weight"])
            .Initializer("ln.bias", new long[] { 8 }, w["ln.bias"])
            .Initializer("fc2.weight", new long[] { 4, 8 }, w["fc2.weight"])
            .Initializer("fc2.bias", new long[] { 4 }, w["fc2.bias"])
            .Initializer("head_norm.weight", new long[] { 4 }, w["head_norm.weight"])
            .Node("Gemm", "/fc1/Gemm", new[] { "x", "fc1.weight", "fc1.bias" }, new[] { "h" }, Int("transB", 1))
            .Node("LayerNormalization", "/ln/LayerNormalization", new[] { "h", "ln.weight", "ln.bias" }, new[] { "n" }, Int("axis", -1), Float("epsilon", 1e-3f))
            .Node("Relu", "/relu/Relu", new[] { "n" }, new[] { "r" })
            .Node("Gemm", "/fc2/Gemm", new[] { "r", "fc2.weight", "fc2.bias" }, new[] { "z" }, Int("transB", 1))
            .Node("LayerNormalization", "/head_norm/LayerNormalization", new[] { "z", "head_norm.weight" }, new[] { "y" }, Int("axis", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "layernorm",
            Model = model,
            InputShape = "6",
            InputSize = 6,
            HandBody = "[Layer] readonly Dense fc1 = new(6, 8); [Layer] readonly LayerNorm ln = new(8, epsilon: 1e-3f); [Layer] readonly ReLU relu = new(); " +
                       "[Layer] readonly Dense fc2 = new(8, 4); [Layer] readonly LayerNorm head_norm = new(4, bias: false);",
            Weights = w,
        };
    }

    /// <summary>Softplus and exact Gelu branches, a gate Mul, a Sub, a Mul by a scalar constant, a head and LogSoftmax.</summary>
    public static OnnxTestNetwork Gating()
    {
        var w = new Dictionary<string, float[]>
        {
            ["f1.weight"] = Values(61, 4 * 6),
            ["f1.bias"] = Values(62, 4),
            ["f2.weight"] = Values(63, 4 * 6),
            ["f2.bias"] = Values(64, 4),
            ["head.weight"] = Values(65, 3 * 4),
            ["head.bias"] = Values(66, 3),
        };
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", null, 3)
            .Initializer("f1.weight", new long[] { 4, 6 }, w["f1.weight"])
            .Initializer("f1.bias", new long[] { 4 }, w["f1.bias"])
            .Initializer("f2.weight", new long[] { 4, 6 }, w["f2.weight"])
            .Initializer("f2.bias", new long[] { 4 }, w["f2.bias"])
            .Initializer("head.weight", new long[] { 3, 4 }, w["head.weight"])
            .Initializer("head.bias", new long[] { 3 }, w["head.bias"])
            .Initializer("/Constant_output_0", new long[0], new[] { 0.5f })
            .Node("Gemm", "/f1/Gemm", new[] { "x", "f1.weight", "f1.bias" }, new[] { "a0" }, Int("transB", 1))
            .Node("Softplus", "/sp/Softplus", new[] { "a0" }, new[] { "a" })
            .Node("Gemm", "/f2/Gemm", new[] { "x", "f2.weight", "f2.bias" }, new[] { "b0" }, Int("transB", 1))
            .Node("Gelu", "/gelu/Gelu", new[] { "b0" }, new[] { "b" }, OnnxAttributeValue.String("approximate", "none"))
            .Node("Mul", "/Mul", new[] { "a", "b" }, new[] { "m" })
            .Node("Sub", "/Sub", new[] { "m", "a" }, new[] { "d" })
            .Node("Mul", "/Mul_1", new[] { "d", "/Constant_output_0" }, new[] { "s" })
            .Node("Gemm", "/head/Gemm", new[] { "s", "head.weight", "head.bias" }, new[] { "logits" }, Int("transB", 1))
            .Node("LogSoftmax", "/lsm/LogSoftmax", new[] { "logits" }, new[] { "y" }, Int("axis", 1))
            .Build();
        return new OnnxTestNetwork
        {
            Name = "gating",
            Model = model,
            InputShape = "6",
            InputSize = 6,
            HandBody = """
                [Layer] readonly Dense f1 = new(6, 4); [Layer] readonly Softplus sp = new(); [Layer] readonly Dense f2 = new(6, 4);
                [Layer] readonly Gelu gelu = new(); [Layer] readonly Dense head = new(4, 3); [Layer] readonly LogSoftmax lsm = new();
                Tensor Forward(Tensor x)
                {
                    var a = sp.Apply(f1.Apply(x));
                    var b = gelu.Apply(f2.Apply(x));
                    return lsm.Apply(head.Apply((a * b - a) * 0.5));
                }
                """,
            Weights = w,
        };
    }
}
