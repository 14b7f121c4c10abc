using Axon.Generator.Onnx;

namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// The layout replay that attention matching rests on (OnnxLayoutTrace), checked element by element against index
/// arithmetic written here; the attentions the importer refuses, each named where its module starts or at the
/// Attention operator (AXN128); and the one padded pooling it refuses (AXN123).
/// </summary>
public sealed class OnnxAttentionImportTests
{
    [Fact]
    public void Transpose_moves_each_element_to_its_permuted_index()
    {
        var trace = OnnxLayoutTrace.Contiguous(2, 3, 4).Transpose(new long[] { 2, 0, 1 })!;
        Assert.Equal(new long[] { 4, 2, 3 }, trace.Dims);
        for (int c = 0; c < 4; c++)
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 3; b++)
                    Assert.Equal(a * 12 + b * 4 + c, trace.Source[c * 6 + a * 3 + b]);
    }

    [Fact]
    public void Reshape_keeps_the_order_and_resolves_zero_and_minus_one()
    {
        var swapped = OnnxLayoutTrace.Contiguous(2, 3, 4).Transpose(new long[] { 1, 0, 2 })!;
        var reshaped = swapped.Reshape(new long[] { 0, -1 })!;
        Assert.Equal(new long[] { 3, 8 }, reshaped.Dims);
        Assert.Equal(swapped.Source, reshaped.Source);
        Assert.Null(swapped.Reshape(new long[] { 5, -1 }));
        Assert.Null(swapped.Reshape(new long[] { -1, -1 }));
        Assert.Null(swapped.Reshape(new long[] { 4, 4 }));
    }

    [Fact]
    public void Narrow_pick_squeeze_and_unsqueeze_select_the_expected_elements()
    {
        var source = OnnxLayoutTrace.Contiguous(2, 3, 6);
        var narrow = source.Narrow(-1, 2, 3)!;
        Assert.Equal(new long[] { 2, 3, 3 }, narrow.Dims);
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 3; b++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(a * 18 + b * 6 + c + 2, narrow.Source[a * 9 + b * 3 + c]);
        Assert.Null(source.Narrow(2, 4, 3));

        var picked = source.Pick(1, -1, keepAxis: false)!;
        Assert.Equal(new long[] { 2, 6 }, picked.Dims);
        for (int a = 0; a < 2; a++)
            for (int c = 0; c < 6; c++)
                Assert.Equal(a * 18 + 2 * 6 + c, picked.Source[a * 6 + c]);
        Assert.Equal(new long[] { 2, 1, 6 }, source.Pick(1, 0, keepAxis: true)!.Dims);

        var unsqueezed = source.Unsqueeze(new long[] { 0, -1 })!;
        Assert.Equal(new long[] { 1, 2, 3, 6, 1 }, unsqueezed.Dims);
        Assert.Equal(new long[] { 2, 3, 6 }, unsqueezed.Squeeze(null)!.Dims);
        Assert.Equal(new long[] { 2, 3, 6, 1 }, unsqueezed.Squeeze(new long[] { 0 })!.Dims);
        Assert.Null(unsqueezed.Squeeze(new long[] { 1 }));
    }

    [Fact]
    public void A_row_wise_projection_needs_whole_rows_in_order()
    {
        // [L, B, E] from [B, L, E]: every row is still one whole input row, so the product is row-wise.
        var projected = OnnxLayoutTrace.Contiguous(2, 3, 4).Transpose(new long[] { 1, 0, 2 })!.Project(4, 12)!;
        Assert.Equal(new long[] { 3, 2, 12 }, projected.Dims);
        for (int l = 0; l < 3; l++)
            for (int b = 0; b < 2; b++)
                for (int c = 0; c < 12; c++)
                    Assert.Equal((b * 3 + l) * 12 + c, projected.Source[(l * 2 + b) * 12 + c]);

        // Rows made of columns of the input are not.
        Assert.Null(OnnxLayoutTrace.Contiguous(2, 3, 3).Transpose(new long[] { 0, 2, 1 })!.Project(3, 3));
    }

    [Theory]
    [InlineData("swap", "is not the query columns of one head")]
    [InlineData("half-scale", "in all, not 1/√2")]
    public void AXN128_a_packed_attention_of_another_function_is_named_where_its_module_starts(string defect, string expected)
    {
        var model = OnnxTestNetwork.PackedAttention(defect == "swap" ? "split" : "sdpa", defect: defect).Model;
        var run = OnnxHarness.Run(Source, OnnxHarness.Base64File("net.onnx", model));
        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AXN128", diagnostic.Id);
        string message = diagnostic.GetMessage();
        Assert.StartsWith(defect == "swap" ? "The ONNX node '/attn/MatMul' (MatMul)" : "The ONNX node '/attn/Transpose' (Transpose)", message);
        Assert.Contains(expected, message);
        Assert.Contains("'/attn/Softmax'", message);
    }

    [Theory]
    [InlineData("queries", "where MultiHeadAttention(padTokenId: 0")]
    [InlineData("small", "adds -1 to a score, neither 0 nor ≤ −10⁴")]
    public void AXN128_a_computed_mask_that_is_not_a_key_padding_mask(string spelling, string expected)
    {
        var run = OnnxHarness.Run(Source, OnnxHarness.Base64File("net.onnx", OnnxTestNetwork.PaddedAttention(spelling).Model));
        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AXN128", diagnostic.Id);
        Assert.Contains(expected, diagnostic.GetMessage());
    }

    [Fact]
    public void AXN128_grouped_query_attention_is_named_at_the_attention_operator()
    {
        var run = OnnxHarness.Run(Source, OnnxHarness.Base64File("net.onnx", OnnxTestNetwork.AttentionOperator("gqa").Model));
        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AXN128", diagnostic.Id);
        Assert.StartsWith("The ONNX node '/attn/Attention' (Attention)", diagnostic.GetMessage());
        Assert.Contains("grouped-query attention (q_num_heads = 2, kv_num_heads = 1)", diagnostic.GetMessage());
    }

    [Fact]
    public void AXN123_average_pooling_with_pads_that_leaves_the_padding_out_of_the_mean()
    {
        var run = OnnxHarness.Run(Source, OnnxHarness.Base64File("net.onnx", OnnxTestNetwork.PaddedPooling(countIncludePad: false).Model));
        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AXN123", diagnostic.Id);
        Assert.Contains("'/avgpool/AveragePool'", diagnostic.GetMessage());
        Assert.Contains("count_include_pad = 0", diagnostic.GetMessage());
    }

    private const string Source = """
        using Axon;
        namespace Imported;
        [Differentiable(Onnx = "net.onnx")]
        public partial class Net { }
        """;
}
