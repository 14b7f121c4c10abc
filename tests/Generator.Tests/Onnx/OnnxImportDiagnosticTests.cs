using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using static Axon.Generator.Tests.Onnx.OnnxAttributeValue;

namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// One test per ONNX diagnostic (AXN120–AXN125) and the shape check on imported graphs: each names what is wrong,
/// points at the model class, and stops that model only. Truncated and corrupted files end in AXN121, never in a
/// generator exception.
/// </summary>
public sealed class OnnxImportDiagnosticTests
{
    private const string Model = """
        using Axon;
        namespace Imported;
        [Differentiable(Onnx = "net.onnx")]
        public partial class Net { }
        """;

    private static Diagnostic Single(GeneratorRun run, string id)
    {
        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.True(diagnostic.Id == id, OnnxHarness.Describe(run));
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("Net", run.LocationText(diagnostic));
        Assert.Empty(run.GeneratedSources);
        return diagnostic;
    }

    private static GeneratorRun RunWith(byte[] model) => OnnxHarness.Run(Model, OnnxHarness.Base64File("net.onnx", model));

    /// <summary>x [batch, 6] → one node of the given kind → y, with an fc weight [4, 6] available.</summary>
    private static OnnxModelBuilder OneNode(string op, string name, string[] inputs, params OnnxAttributeValue[] attributes)
        => new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", null, 4)
            .Initializer("fc.weight", new long[] { 4, 6 }, OnnxTestNetwork.Values(1, 24))
            .Node(op, name, inputs, new[] { "y" }, attributes);

    [Fact]
    public void AXN120_missing_file_names_the_file_and_how_to_list_it()
    {
        var diagnostic = Single(OnnxHarness.Run(Model), "AXN120");
        Assert.Contains("'net.onnx'", diagnostic.GetMessage());
        Assert.Contains("<AxonOnnx Include=\"net.onnx\" />", diagnostic.GetMessage());
    }

    [Fact]
    public void AXN120_a_binary_onnx_listed_as_an_additional_file_is_explained()
    {
        var diagnostic = Single(OnnxHarness.Run(Model, ("/project/net.onnx", "\u0008\u0008")), "AXN120");
        Assert.Contains("binary '/project/net.onnx'", diagnostic.GetMessage());
    }

    [Fact]
    public void AXN121_text_that_is_not_base64()
    {
        var diagnostic = Single(OnnxHarness.Run(Model, ("/project/obj/net.onnx.base64", "this is not base64!")), "AXN121");
        Assert.Contains("not base64", diagnostic.GetMessage());
    }

    [Fact]
    public void AXN121_every_truncation_of_a_model_is_a_diagnostic_not_a_crash()
    {
        var bytes = OnnxTestNetwork.Cnn().Model;
        // Every length up to 64 bytes, then a spread of cut points through the weights and the trailing opset.
        var lengths = Enumerable.Range(0, 64).Concat(Enumerable.Range(1, 40).Select(i => (int)((long)bytes.Length * i / 41))).Distinct();
        foreach (int length in lengths)
        {
            var run = RunWith(bytes[..length]);
            Assert.Null(run.Exception);
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "AXN015");
            Assert.True(run.GeneratorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("AXN12", StringComparison.Ordinal)),
                $"a file cut at {length} of {bytes.Length} bytes gave: {OnnxHarness.Describe(run)}");
        }
    }

    [Fact]
    public void AXN121_a_tensor_whose_dimensions_overflow_is_refused_before_it_is_allocated()
    {
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", null, 4)
            .Initializer("fc.weight", new long[] { int.MaxValue, int.MaxValue, 4 }, new float[0])
            .Node("Gemm", "/fc/Gemm", new[] { "x", "fc.weight" }, new[] { "y" }, Int("transB", 1))
            .Build();
        Assert.Contains("more elements than an array can hold", Single(RunWith(model), "AXN121").GetMessage());
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    [InlineData("packed-sdpa")]
    [InlineData("padded-mha")]
    [InlineData("operator-4d")]
    public void Corrupted_bytes_give_diagnostics_or_a_valid_model_never_a_crash(string name)
    {
        var bytes = name switch
        {
            "mlp" => OnnxTestNetwork.Mlp().Model,
            "packed-sdpa" => OnnxTestNetwork.PackedAttention("sdpa").Model,
            "padded-mha" => OnnxTestNetwork.PaddedAttention("mha").Model,
            "operator-4d" => OnnxTestNetwork.AttentionOperator("4d").Model,
            _ => OnnxTestNetwork.Cnn().Model,
        };
        var random = new Random(2024);
        for (int trial = 0; trial < 40; trial++)
        {
            var copy = (byte[])bytes.Clone();
            for (int k = 0; k < 3; k++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
            var run = RunWith(copy);
            Assert.Null(run.Exception);
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "AXN015");
            if (!run.GeneratorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) Assert.Empty(run.GeneratedCodeDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        }
    }

    [Fact]
    public void AXN122_unsupported_operator_names_the_op_and_the_node()
    {
        var diagnostic = Single(RunWith(OneNode("Erf", "/act/Erf", new[] { "x" }).Build()), "AXN122");
        Assert.Contains("'/act/Erf'", diagnostic.GetMessage());
        Assert.Contains("'Erf'", diagnostic.GetMessage());
    }

    [Fact]
    public void AXN122_every_unsupported_node_is_reported_and_planned_layers_say_so()
    {
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", null, 6)
            .Node("MultiHeadAttention", "/attn/MultiHeadAttention", new[] { "x", "x", "x" }, new[] { "n" })
            .Node("Erf", "/Erf", new[] { "n" }, new[] { "y" })
            .Build();
        var run = RunWith(model);
        Assert.Null(run.Exception);
        Assert.Equal(new[] { "AXN122", "AXN122" }, run.GeneratorDiagnostics.Select(d => d.Id));
        Assert.Contains("MultiHeadAttention", run.GeneratorDiagnostics[0].GetMessage());
    }

    [Fact]
    public void AXN123_grouped_one_dimensional_convolution()
    {
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 4, 6 })
            .Output("y", null, 4, 4)
            .Initializer("conv.weight", new long[] { 4, 2, 3 }, OnnxTestNetwork.Values(1, 24))
            .Node("Conv", "/conv/Conv", new[] { "x", "conv.weight" }, new[] { "y" }, Int("group", 2), Ints("kernel_shape", 3))
            .Build();
        var diagnostic = Single(RunWith(model), "AXN123");
        Assert.Contains("group = 2 on a 1-D convolution", diagnostic.GetMessage());
        Assert.Contains("'/conv/Conv'", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData(new long[] { 4 })]          // a bias over the width alone: not after a MatMul, not a position table
    [InlineData(new long[] { 1, 2, 4 })]    // a position table for 2 positions added to 3
    [InlineData(new long[] { 2, 3, 4 })]    // one table per sample of a batch of 2
    public void AXN123_a_constant_added_that_is_neither_a_matmul_bias_nor_a_position_table(long[] dims)
    {
        var diagnostic = Single(RunWith(OnnxTestNetwork.ConstantAdd(dims)), "AXN123");
        Assert.Contains($"'offset' of shape [{string.Join(", ", dims)}] added to a sample of [3, 4]", diagnostic.GetMessage());
        Assert.Contains("[sequence, width] position table", diagnostic.GetMessage());
    }

    [Fact]
    public void AXN003_grouped_convolution_whose_channels_do_not_divide_is_a_diagnostic()
    {
        // A weight [6, 2, 3, 3] with group 2 reads 4 input channels, but the input has 3.
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 3, 6, 6 })
            .Output("y", null, 6, 4, 4)
            .Initializer("conv.weight", new long[] { 6, 2, 3, 3 }, OnnxTestNetwork.Values(1, 108))
            .Node("Conv", "/conv/Conv", new[] { "x", "conv.weight" }, new[] { "y" }, Int("group", 2), Ints("kernel_shape", 3, 3))
            .Build();
        var diagnostic = Single(RunWith(model), "AXN003");
        Assert.Contains("ONNX node '/conv/Conv'", diagnostic.GetMessage());
    }

    private static OnnxModelBuilder OneConvTranspose(params OnnxAttributeValue[] attributes)
        => new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 2, 3, 3 })
            .Output("y", null, 3, 7, 7)
            .Initializer("up.weight", new long[] { 2, 3, 3, 3 }, OnnxTestNetwork.Values(1, 54))
            .Node("ConvTranspose", "/up/ConvTranspose", new[] { "x", "up.weight" }, new[] { "y" }, attributes);

    [Theory]
    [InlineData("dilations", "dilations = [2, 2]")]
    [InlineData("group", "group = 3")]
    [InlineData("output_shape", "output_shape = [7, 7]")]
    [InlineData("pads", "pads = [1, 0, 1, 0]")]
    public void AXN123_transposed_convolution_attributes_axon_does_not_compute(string attribute, string expected)
    {
        var value = attribute switch
        {
            "dilations" => Ints("dilations", 2, 2),
            "group" => Int("group", 3),
            "output_shape" => Ints("output_shape", 7, 7),
            _ => Ints("pads", 1, 0, 1, 0),
        };
        var diagnostic = Single(RunWith(OneConvTranspose(Ints("strides", 2, 2), value).Build()), "AXN123");
        Assert.Contains(expected, diagnostic.GetMessage());
        Assert.Contains("'/up/ConvTranspose'", diagnostic.GetMessage());
    }

    [Fact]
    public void AXN123_output_padding_not_smaller_than_the_stride()
    {
        var diagnostic = Single(RunWith(OneConvTranspose(Ints("strides", 2, 2), Ints("output_padding", 2, 2)).Build()), "AXN123");
        Assert.Contains("outputPadding", diagnostic.GetMessage());
    }

    private static OnnxModelBuilder OneResize(float scale, params OnnxAttributeValue[] attributes)
        => new OnnxModelBuilder { Opset = 13 }
            .Input("x", 1, new long?[] { null, 2, 3, 3 })
            .Output("y", null, 2, 6, 6)
            .Initializer("scales", new long[] { 4 }, new[] { 1f, 1f, scale, scale })
            .Node("Resize", "/up/Resize", new[] { "x", "", "scales" }, new[] { "y" }, attributes);

    [Theory]
    [InlineData("linear", "align_corners", "", "coordinate_transformation_mode = align_corners (PyTorch's align_corners=True)")]
    [InlineData("cubic", "pytorch_half_pixel", "", "mode = cubic")]
    [InlineData("nearest", "half_pixel", "floor", "nearest_mode = floor")]
    [InlineData("nearest", "asymmetric", "round_prefer_floor", "coordinate_transformation_mode = asymmetric")]
    [InlineData("linear", "asymmetric", "", "mode = linear, coordinate_transformation_mode = asymmetric")]
    public void AXN126_resize_modes_axons_upsample_does_not_compute_are_named(string mode, string transform, string nearest, string expected)
    {
        var attributes = new List<OnnxAttributeValue> { String("mode", mode), String("coordinate_transformation_mode", transform) };
        if (nearest.Length > 0) attributes.Add(String("nearest_mode", nearest));
        var diagnostic = Single(RunWith(OneResize(2, attributes.ToArray()).Build()), "AXN126");
        Assert.Contains(expected, diagnostic.GetMessage());
        Assert.Contains("'/up/Resize'", diagnostic.GetMessage());
    }

    [Fact]
    public void AXN126_the_upsample_operators_linear_mode()
    {
        var model = new OnnxModelBuilder { Opset = 9 }
            .Input("x", 1, new long?[] { null, 2, 3, 3 })
            .Output("y", null, 2, 6, 6)
            .Initializer("scales", new long[] { 4 }, new[] { 1f, 1f, 2f, 2f })
            .Node("Upsample", "/up/Upsample", new[] { "x", "scales" }, new[] { "y" }, String("mode", "linear"))
            .Build();
        Assert.Contains("asymmetric coordinates", Single(RunWith(model), "AXN126").GetMessage());
    }

    [Fact]
    public void AXN123_a_fractional_resize_factor()
    {
        var diagnostic = Single(RunWith(OneResize(1.5f, String("mode", "nearest"), String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor")).Build()), "AXN123");
        Assert.Contains("scales = [1, 1, 1.5, 1.5]", diagnostic.GetMessage());
    }

    /// <summary>x [batch, 5, 3] → one GRU (layout 1, hidden 4) → Squeeze(axes [2]) → y, with the given change.</summary>
    private static byte[] OneGru(Func<OnnxModelBuilder, OnnxModelBuilder>? extra = null, string[]? inputs = null, string[]? outputs = null, params OnnxAttributeValue[] attributes)
    {
        var builder = new OnnxModelBuilder { Opset = 14 }
            .Input("x", 1, new long?[] { null, 5, 3 })
            .Output("y", null, 5, 4)
            .Initializer("W", new long[] { 1, 12, 3 }, OnnxTestNetwork.Values(1, 36))
            .Initializer("R", new long[] { 1, 12, 4 }, OnnxTestNetwork.Values(2, 48))
            .Int64Initializer("axes", new long[] { 2 });
        builder = extra?.Invoke(builder) ?? builder;
        var all = new List<OnnxAttributeValue> { Int("hidden_size", 4), Int("layout", 1) };
        all.AddRange(attributes);
        return builder
            .Node("GRU", "/rnn/GRU", inputs ?? new[] { "x", "W", "R" }, outputs ?? new[] { "ys" }, all.ToArray())
            .Node("Squeeze", "/rnn/Squeeze", new[] { "ys", "axes" }, new[] { "y" })
            .Build();
    }

    [Fact]
    public void A_gru_without_linear_before_reset_is_refused_by_name()
    {
        var diagnostic = Single(RunWith(OneGru()), "AXN127");
        Assert.Contains("linear_before_reset = 0", diagnostic.GetMessage());
        Assert.Contains("'/rnn/GRU'", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("bidirectional", "direction = bidirectional")]
    [InlineData("reverse", "direction = reverse")]
    public void AXN127_recurrent_directions_other_than_forward(string direction, string expected)
    {
        var diagnostic = Single(RunWith(OneGru(attributes: new[] { Int("linear_before_reset", 1), String("direction", direction) })), "AXN127");
        Assert.Contains(expected, diagnostic.GetMessage());
    }

    [Fact]
    public void AXN127_a_non_zero_initial_state()
    {
        var model = OneGru(b => b.Initializer("h0", new long[] { 1, 1, 4 }, new[] { 0f, 0.5f, 0f, 0f }), inputs: new[] { "x", "W", "R", "", "", "h0" }, attributes: Int("linear_before_reset", 1));
        Assert.Contains("non-zero initial_h 'h0'", Single(RunWith(model), "AXN127").GetMessage());
    }

    [Fact]
    public void AXN127_the_final_state_read()
    {
        var model = new OnnxModelBuilder { Opset = 14 }
            .Input("x", 1, new long?[] { null, 5, 3 })
            .Output("y", null, 4)
            .Initializer("W", new long[] { 1, 12, 3 }, OnnxTestNetwork.Values(1, 36))
            .Initializer("R", new long[] { 1, 12, 4 }, OnnxTestNetwork.Values(2, 48))
            .Node("GRU", "/rnn/GRU", new[] { "x", "W", "R" }, new[] { "ys", "y" }, Int("hidden_size", 4), Int("layout", 1), Int("linear_before_reset", 1))
            .Build();
        Assert.Contains("final state 'y'", Single(RunWith(model), "AXN127").GetMessage());
    }

    [Fact]
    public void AXN127_a_time_major_input_without_the_transpose()
    {
        var model = new OnnxModelBuilder { Opset = 14 }
            .Input("x", 1, new long?[] { null, 5, 3 })
            .Output("y", null, 5, 4)
            .Initializer("W", new long[] { 1, 16, 3 }, OnnxTestNetwork.Values(1, 48))
            .Initializer("R", new long[] { 1, 16, 4 }, OnnxTestNetwork.Values(2, 64))
            .Node("LSTM", "/rnn/LSTM", new[] { "x", "W", "R" }, new[] { "y" }, Int("hidden_size", 4))
            .Build();
        Assert.Contains("Transpose(perm = [1, 0, 2])", Single(RunWith(model), "AXN127").GetMessage());
    }

    [Theory]
    [InlineData("scale", "not 1/√2")]
    [InlineData("mask", "neither zero nor causal")]
    public void AXN128_an_attention_of_another_form_is_named_where_its_module_starts(string variant, string expected)
    {
        var model = OnnxTestNetwork.SelfAttention(mask: variant == "mask" ? "random" : "none", scale: variant == "scale" ? 3f : MathF.Sqrt(2)).Model;
        var run = RunWith(model);
        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        string message = diagnostic.GetMessage();
        Assert.Equal(variant == "mask" ? "AXN123" : "AXN128", diagnostic.Id);
        Assert.Contains(expected, message);
        if (variant != "mask")
        {
            Assert.StartsWith("The ONNX node '/attn/MatMul' (MatMul)", message);
            Assert.Contains("'/attn/MatMul_3'", message);
            Assert.Contains("'/attn/Softmax'", message);
            Assert.Contains("'/attn/MatMul_4'", message);
        }
    }

    [Fact]
    public void A_softmax_head_is_not_taken_for_attention()
    {
        // Softmax over logits followed by a MatMul with a constant (a classifier), not by a product of two computed values.
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", null, 4)
            .Initializer("fc.weight", new long[] { 6, 4 }, OnnxTestNetwork.Values(1, 24))
            .Node("Softmax", "/Softmax", new[] { "x" }, new[] { "p" }, Int("axis", 1))
            .Node("MatMul", "/fc/MatMul", new[] { "p", "fc.weight" }, new[] { "y" })
            .Build();
        var run = RunWith(model);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
    }

    [Fact]
    public void AXN123_recurrent_weights_of_two_directions()
    {
        var model = OneGru(b => b.Initializer("W2", new long[] { 2, 12, 3 }, OnnxTestNetwork.Values(1, 72)), inputs: new[] { "x", "W2", "R" }, attributes: Int("linear_before_reset", 1));
        Assert.Contains("(2 directions)", Single(RunWith(model), "AXN123").GetMessage());
    }

    [Fact]
    public void AXN123_gemm_with_a_scale()
    {
        var diagnostic = Single(RunWith(OneNode("Gemm", "/fc/Gemm", new[] { "x", "fc.weight" }, Float("alpha", 0.5f), Int("transB", 1)).Build()), "AXN123");
        Assert.Contains("alpha = 0.5", diagnostic.GetMessage());
    }

    [Fact]
    public void An_embedding_read_as_positions_by_channels_imports_as_the_embedding_transposed()
    {
        var model = new OnnxModelBuilder()
            .Input("tokens", 7, new long?[] { null, 5 })
            .Output("y", null, 5, 4)
            .Initializer("emb.weight", new long[] { 10, 4 }, OnnxTestNetwork.Values(1, 40))
            .Node("Gather", "/emb/Gather", new[] { "emb.weight", "tokens" }, new[] { "y" })
            .Build();
        var run = RunWith(model);
        Assert.Null(run.Exception);
        Assert.True(run.GeneratorDiagnostics.IsEmpty, OnnxHarness.Describe(run));
    }

    [Fact]
    public void AXN123_a_reshape_over_the_batch_axis()
    {
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 6 })
            .Output("y", 2, 3)
            .Int64Initializer("shape", new long[] { 2, 3 })
            .Node("Reshape", "/Reshape", new[] { "x", "shape" }, new[] { "y" })
            .Build();
        Assert.Contains("not the batch", Single(RunWith(model), "AXN123").GetMessage());
    }

    [Fact]
    public void AXN124_dynamic_feature_dimension()
    {
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, null }, symbol: "features")
            .Output("y", null, 4)
            .Node("Relu", "/Relu", new[] { "x" }, new[] { "y" })
            .Build();
        var diagnostic = Single(RunWith(model), "AXN124");
        Assert.Contains("dynamic dimension 'features' at axis 1", diagnostic.GetMessage());
    }

    [Fact]
    public void AXN124_two_inputs()
    {
        var model = new OnnxModelBuilder()
            .Input("a", 1, new long?[] { null, 4 })
            .Input("b", 1, new long?[] { null, 4 })
            .Output("y", null, 4)
            .Node("Add", "/Add", new[] { "a", "b" }, new[] { "y" })
            .Build();
        Assert.Contains("2 inputs", Single(RunWith(model), "AXN124").GetMessage());
    }

    [Fact]
    public void AXN125_a_model_from_onnx_cannot_declare_layers()
    {
        const string source = """
            using Axon;
            using Axon.Layers;
            namespace Imported;
            [Differentiable(Onnx = "net.onnx")]
            public partial class Net { [Layer] readonly Dense fc = new(6, 4); }
            """;
        var run = OnnxHarness.Run(source, OnnxHarness.Base64File("net.onnx", OnnxTestNetwork.Mlp().Model));
        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AXN125", diagnostic.Id);
        Assert.Contains("[Layer] member 'fc'", diagnostic.GetMessage());
        Assert.Equal("fc", run.LocationText(diagnostic));
    }

    [Fact]
    public void AXN003_shape_mismatch_inside_the_graph_names_the_onnx_node()
    {
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 5 })
            .Output("y", null, 4)
            .Initializer("fc.weight", new long[] { 4, 6 }, OnnxTestNetwork.Values(1, 24))
            .Node("Gemm", "/fc/Gemm", new[] { "x", "fc.weight" }, new[] { "y" }, Int("transB", 1))
            .Build();
        var diagnostic = Single(RunWith(model), "AXN003");
        Assert.Contains("ONNX node '/fc/Gemm'", diagnostic.GetMessage());
    }

    [Fact]
    public void A_broken_onnx_model_leaves_hand_written_models_generated()
    {
        const string source = Model + """

            [Differentiable, InputShape(4)]
            public partial class Other { [Axon.Layer] readonly Axon.Layers.Dense fc = new(4, 2); }
            """;
        var run = OnnxHarness.Run(source, OnnxHarness.Base64File("net.onnx", new byte[] { 0x3a, 0x7f }));
        Assert.Null(run.Exception);
        Assert.Equal("AXN121", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.NotNull(run.FindSource("Other.Axon.g.cs"));
    }
}
