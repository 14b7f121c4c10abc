using System.Collections.Immutable;
using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Axon.Generator.Tests.Gpu;

/// <summary>The GPU pipeline and the transformer layers: a layer without GPU kernels is AXN040 at the declaration, never a crash.</summary>
public sealed class GpuTransformerTests
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        GeneratorHarness.References.AddRange(new[]
        {
            typeof(Axon.Gpu.GpuModelAttribute).Assembly.Location,
            typeof(ILGPU.Context).Assembly.Location,
            typeof(ILGPU.Algorithms.XMath).Assembly.Location,
        }.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))));

    private const string Model = """
        using Axon;
        using Axon.Layers;
        namespace Demo.Attention;
        [Differentiable, InputShape(4, 8)]
        public partial class Encoder
        {
            [Layer] LayerNorm norm = new(8);
            [Layer] MultiHeadAttention attn = new(8, 2);
            [Layer] Dense mlp = new(8, 8);
            [Layer] Flatten flatten = new();
            [Layer] Dense head = new(32, 2);
        }
        """;

    [Fact]
    public void AXN040_attention_has_no_GPU_kernels_and_nothing_is_emitted()
    {
        const string declaration = "namespace Demo.Attention; [Axon.Gpu.GpuModel(typeof(Encoder))] public partial class EncoderGpu;";
        var compilation = CSharpCompilation.Create("Axon.Gpu.Transformer", new[] { GeneratorHarness.Parse(Model, "Encoder.cs"), GeneratorHarness.Parse(declaration, "EncoderGpu.cs") },
            References.Value, GeneratorHarness.CompilationOptions);
        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AXN040", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("EncoderGpu.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Contains("Layer 'attn' (MultiHeadAttention) of model 'Encoder'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.EndsWith(".AxonGpu.g.cs", StringComparison.Ordinal));
        Assert.Contains(run.GeneratedSources, s => s.HintName.EndsWith(".Axon.g.cs", StringComparison.Ordinal));
    }
}
