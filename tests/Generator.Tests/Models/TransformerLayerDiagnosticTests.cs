using Axon.Generator.Tests.Infrastructure;

namespace Axon.Generator.Tests.Models;

/// <summary>The transformer layers' invalid declarations and shape mismatches: ID, exact location, message.</summary>
public sealed class TransformerLayerDiagnosticTests
{
    private const string Usings = "using System;\nusing Axon;\nusing Axon.Layers;\n";

    private static void AssertError(string source, string id, string locationText, string messagePart)
    {
        var run = GeneratorHarness.Run(Usings + source);
        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == id);
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(locationText, run.LocationText(diagnostic));
        Assert.Contains(messagePart, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.EndsWith(".Axon.g.cs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("LayerNorm norm = new(5)", "norm = new(5)", "trailing dimensions [5] but receives [3, 4]")]
    [InlineData("RMSNorm norm = new(new[] { 4, 4 })", "norm = new(new[] { 4, 4 })", "trailing dimensions [4, 4] but receives [3, 4]")]
    [InlineData("LayerNorm norm = new(new[] { 2, 3, 4 })", "norm = new(new[] { 2, 3, 4 })", "trailing dimensions [2, 3, 4] but receives [3, 4]")]
    public void AXN003_a_normalisation_whose_dimensions_do_not_end_the_input(string member, string location, string problem)
        => AssertError($"[Differentiable, InputShape(3, 4)]\npublic partial class Net {{ [Layer] {member}; }}", "AXN003", location, problem);

    [Theory]
    [InlineData("LayerNorm norm = new(4, epsilon: 0)", "new(4, epsilon: 0)", "epsilon must be positive")]
    [InlineData("LayerNorm norm = new(0)", "new(0)", "normalizedShape dimensions must be positive, not 0")]
    [InlineData("RMSNorm norm = new(new int[] { })", "new(new int[] { })", "normalizedShape needs at least one dimension")]
    [InlineData("RMSNorm norm = new(4, epsilon: -1)", "new(4, epsilon: -1)", "epsilon must be 0 (the machine epsilon) or positive")]
    [InlineData("Dropout drop = new(1.5)", "new(1.5)", "p must be a probability in [0, 1], not 1.5")]
    [InlineData("Dropout drop = new(double.NaN)", "new(double.NaN)", "p must be a probability")]
    public void AXN008_invalid_normalisation_or_dropout_constants(string member, string location, string problem)
        => AssertError($"[Differentiable, InputShape(3, 4)]\npublic partial class Net {{ [Layer] {member}; }}", "AXN008", location, problem);

    [Fact]
    public void AXN007_a_normalised_shape_that_is_not_constant()
        => AssertError("""
            [Differentiable, InputShape(3, 4)]
            public partial class Net
            {
                static int width = 4;
                [Layer] LayerNorm norm = new(width);
            }
            """, "AXN007", "width", "constant integer dimensions for 'normalizedShape'");

    [Theory]
    [InlineData("MultiHeadAttention attn = new(6, 4)", "new(6, 4)", "embedDim (6) must be divisible by numHeads (4)")]
    [InlineData("MultiHeadAttention attn = new(8, 0)", "new(8, 0)", "numHeads must be positive, not 0")]
    [InlineData("MultiHeadAttention attn = new(8, 2, padTokenId: -2)", "new(8, 2, padTokenId: -2)", "padTokenId must be a token id (0 or more) or -1")]
    public void AXN008_invalid_attention_constants(string member, string location, string problem)
        => AssertError($"[Differentiable, InputShape(3, 8)]\npublic partial class Net {{ [Layer] {member}; }}", "AXN008", location, problem);

    [Theory]
    [InlineData("InputShape(3, 6)", "MultiHeadAttention attn = new(8, 2)", "it attends over [sequence, 8] (rank 2, width 8) but receives [3, 6]")]
    [InlineData("InputShape(24)", "MultiHeadAttention attn = new(8, 2)", "it attends over [sequence, 8] (rank 2, width 8) but receives [24]")]
    [InlineData("InputShape(3, 8)", "MultiHeadAttention attn = new(8, 2, padTokenId: 0)", "its padding mask (padTokenId 0) reads the model input as 3 token ids, but the model input is [3, 8]")]
    public void AXN003_attention_shapes(string shape, string member, string problem)
        => AssertError($"[Differentiable, {shape}]\npublic partial class Net {{ [Layer] {member}; }}", "AXN003", member.Substring(member.IndexOf(' ') + 1), problem);

    [Fact]
    public void AXN003_dense_over_the_last_dimension_must_match_it()
        => AssertError("[Differentiable, InputShape(3, 8)]\npublic partial class Net { [Layer] Dense fc = new(6, 2); }", "AXN003", "fc = new(6, 2)", "expects 6 input features");

    [Theory]
    [InlineData("PositionalEmbedding positions = new(5, 8)", "positions = new(5, 8)", "it adds a [5, 8] position table but receives [3, 8]")]
    [InlineData("SinusoidalPositionalEncoding positions = new(3, 6)", "positions = new(3, 6)", "it adds a [3, 6] position table but receives [3, 8]")]
    public void AXN003_a_position_table_of_another_shape(string member, string location, string problem)
        => AssertError($"[Differentiable, InputShape(3, 8)]\npublic partial class Net {{ [Layer] {member}; }}", "AXN003", location, problem);

    [Fact]
    public void AXN008_a_sinusoidal_encoding_of_odd_width()
        => AssertError("[Differentiable, InputShape(3, 7)]\npublic partial class Net { [Layer] SinusoidalPositionalEncoding positions = new(3, 7); }", "AXN008", "new(3, 7)", "width must be even");
}
