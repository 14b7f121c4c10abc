using Axon.Generator.Tests.Infrastructure;

namespace Axon.Generator.Tests.Models;

/// <summary>The generated source of a small transformer encoder, compared exactly with Expected/Models and compiled strictly.</summary>
public sealed class TransformerSnapshotTests
{
    public const string Encoder = """
        using Axon;
        using Axon.Layers;

        namespace Demo;

        /// <summary>A pre-norm encoder block over 4 positions of width 8, then a classifier head.</summary>
        [Differentiable, InputShape(4, 8)]
        public partial class Encoder
        {
            [Layer] private readonly PositionalEmbedding positions = new(4, 8);
            [Layer] private readonly SinusoidalPositionalEncoding sinusoid = new(4, 8);
            [Layer] private readonly LayerNorm ln1 = new(8);
            [Layer] private readonly MultiHeadAttention attn = new(8, 2, causal: true);
            [Layer] private readonly Dropout drop = new(0.1);
            [Layer] private readonly RMSNorm ln2 = new(8);
            [Layer] private readonly Dense up = new(8, 16);
            [Layer] private readonly SiLU silu = new();
            [Layer] private readonly Dense down = new(16, 8);
            [Layer] private readonly Identity keep = new();
            [Layer] private readonly Flatten flatten = new();
            [Layer] private readonly Dense head = new(32, 2);

            private Tensor Forward(Tensor x)
            {
                var p = sinusoid.Apply(positions.Apply(x));
                var a = p + drop.Apply(attn.Apply(ln1.Apply(p)));
                var b = a + down.Apply(silu.Apply(up.Apply(ln2.Apply(a))));
                return head.Apply(flatten.Apply(keep.Apply(b)));
            }
        }
        """;

    [Fact]
    public void Generated_encoder_matches_the_checked_in_file_and_compiles_cleanly()
    {
        const string hintName = "Demo.Encoder.Axon.g.cs";
        var compilation = GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(Encoder, "Encoder.cs") }, GeneratorHarness.StrictCompilationOptions);
        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedCodeDiagnostics);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        SnapshotFiles.AssertMatches(run.Source(hintName), "Models", hintName.Replace(".g.cs", ".cs"));
    }
}
