using Axon.Generator.Tests.Infrastructure;

namespace Axon.Generator.Tests.Models;

/// <summary>
/// x.Transpose() in Forward: a rank other than 2 is AXN003 at the call, arguments are AXN002, and a token
/// transformer that transposes its embedding generates source that matches the checked-in file.
/// </summary>
public sealed class TransposeGeneratorTests
{
    private const string Usings = "using System;\nusing Axon;\nusing Axon.Layers;\n";

    public const string TokenEncoder = """
        using Axon;
        using Axon.Layers;

        namespace Demo;

        /// <summary>Token ids → channels-first embedding → [positions, width] for attention → mean over positions → head.</summary>
        [Differentiable, InputShape(5)]
        public partial class TokenEncoder
        {
            [Layer] private readonly Embedding tokens = new(12, 8);
            [Layer] private readonly PositionalEmbedding positions = new(5, 8);
            [Layer] private readonly MultiHeadAttention attn = new(8, 2, padTokenId: 0);
            [Layer] private readonly GlobalAvgPool mean = new();
            [Layer] private readonly Dense head = new(8, 2);

            private Tensor Forward(Tensor x)
            {
                var h = positions.Apply(tokens.Apply(x).Transpose());
                var a = h + attn.Apply(h);
                return head.Apply(mean.Apply(a.Transpose()));
            }
        }
        """;

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
    [InlineData("InputShape(12)", "[12] (rank 1)")]
    [InlineData("InputShape(2, 3, 2)", "[2, 3, 2] (rank 3)")]
    public void AXN003_transpose_needs_a_rank_2_value(string shape, string received)
        => AssertError($$"""
            [Differentiable, {{shape}}]
            public partial class Net
            {
                [Layer] Flatten flatten = new();
                [Layer] Dense head = new(12, 2);
                Tensor Forward(Tensor x) => head.Apply(flatten.Apply(x.Transpose()));
            }
            """, "AXN003", "x.Transpose()", "Transpose swaps the two axes of a rank-2 [rows, columns] value but receives " + received);

    [Fact]
    public void AXN003_after_a_transpose_names_the_swapped_shape()
        => AssertError("""
            [Differentiable, InputShape(3, 4)]
            public partial class Net
            {
                [Layer] MultiHeadAttention attn = new(4, 2);
                [Layer] Flatten flatten = new();
                [Layer] Dense head = new(12, 2);
                Tensor Forward(Tensor x) => head.Apply(flatten.Apply(attn.Apply(x.Transpose())));
            }
            """, "AXN003", "attn.Apply(x.Transpose())", "it attends over [sequence, 4] (rank 2, width 4) but receives [4, 3]");

    [Fact]
    public void AXN002_transpose_takes_no_axes()
        => AssertError("""
            [Differentiable, InputShape(3, 4)]
            public partial class Net
            {
                [Layer] Flatten flatten = new();
                [Layer] Dense head = new(12, 2);
                Tensor Forward(Tensor x) => head.Apply(flatten.Apply(x.Transpose(1, 0)));
            }
            """, "AXN002", "x.Transpose(1, 0)", "x.Transpose(1, 0)");

    [Fact]
    public void Generated_token_encoder_matches_the_checked_in_file_and_compiles_cleanly()
    {
        const string hintName = "Demo.TokenEncoder.Axon.g.cs";
        var compilation = GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(TokenEncoder, "TokenEncoder.cs") }, GeneratorHarness.StrictCompilationOptions);
        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedCodeDiagnostics);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        var source = run.Source(hintName);
        Assert.Contains("TransposeKernel.Forward<float>", source);
        Assert.Contains("TransposeKernel.Backward<float>", source);
        Assert.Contains("global::Axon.Model.LayerKind.Transpose", source);
        SnapshotFiles.AssertMatches(source, "Models", hintName.Replace(".g.cs", ".cs"));
    }
}
