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
    public void Corrupted_bytes_give_diagnostics_or_a_valid_model_never_a_crash(string name)
    {
        var bytes = name == "mlp" ? OnnxTestNetwork.Mlp().Model : OnnxTestNetwork.Cnn().Model;
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
            .Node("GRU", "/rnn/GRU", new[] { "x" }, new[] { "n" })
            .Node("Erf", "/Erf", new[] { "n" }, new[] { "y" })
            .Build();
        var run = RunWith(model);
        Assert.Null(run.Exception);
        Assert.Equal(new[] { "AXN122", "AXN122" }, run.GeneratorDiagnostics.Select(d => d.Id));
        Assert.Contains("planned", run.GeneratorDiagnostics[0].GetMessage());
    }

    [Fact]
    public void AXN123_grouped_convolution()
    {
        var model = new OnnxModelBuilder()
            .Input("x", 1, new long?[] { null, 4, 6, 6 })
            .Output("y", null, 4, 4, 4)
            .Initializer("conv.weight", new long[] { 4, 2, 3, 3 }, OnnxTestNetwork.Values(1, 72))
            .Node("Conv", "/conv/Conv", new[] { "x", "conv.weight" }, new[] { "y" }, Int("group", 2), Ints("kernel_shape", 3, 3))
            .Build();
        var diagnostic = Single(RunWith(model), "AXN123");
        Assert.Contains("group = 2", diagnostic.GetMessage());
        Assert.Contains("'/conv/Conv'", diagnostic.GetMessage());
    }

    [Fact]
    public void AXN123_gemm_with_a_scale()
    {
        var diagnostic = Single(RunWith(OneNode("Gemm", "/fc/Gemm", new[] { "x", "fc.weight" }, Float("alpha", 0.5f), Int("transB", 1)).Build()), "AXN123");
        Assert.Contains("alpha = 0.5", diagnostic.GetMessage());
    }

    [Fact]
    public void AXN123_an_embedding_read_as_tokens_by_channels_is_explained()
    {
        var model = new OnnxModelBuilder()
            .Input("tokens", 7, new long?[] { null, 5 })
            .Output("y", null, 5, 4)
            .Initializer("emb.weight", new long[] { 10, 4 }, OnnxTestNetwork.Values(1, 40))
            .Node("Gather", "/emb/Gather", new[] { "emb.weight", "tokens" }, new[] { "y" })
            .Build();
        var diagnostic = Single(RunWith(model), "AXN123");
        Assert.Contains("Transpose(perm = [0, 2, 1])", diagnostic.GetMessage());
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
