using System.Collections.Immutable;
using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Axon.Generator.Tests.Gpu;

/// <summary>The GPU pipeline and the transformer layers: attention gets kernels, in source and from a referenced assembly.</summary>
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
    public void Attention_gets_GPU_kernels_that_compile_and_a_referenced_model_gets_the_same()
    {
        const string declaration = "namespace Demo.Attention; [Axon.Gpu.GpuModel(typeof(Encoder))] public partial class EncoderGpu;";
        var compilation = CSharpCompilation.Create("Axon.Gpu.Transformer", new[] { GeneratorHarness.Parse(Model, "Encoder.cs"), GeneratorHarness.Parse(declaration, "EncoderGpu.cs") },
            References.Value, GeneratorHarness.CompilationOptions);
        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        string kernels = run.Source("Demo.Attention.EncoderGpu.AxonGpu.g.cs");
        // The attention's intermediates live in the workspace's scratch, whose size per row the constructor passes:
        // 8·L·E + 2·heads·L² = 8·4·8 + 2·2·16.
        Assert.Contains("base(model, device, 0, 320)", kernels);
        Assert.Contains("v.Scratch[", kernels);

        // From a referenced assembly, the network is rebuilt from the description stored on the model.
        var library = GeneratorHarness.Run(CSharpCompilation.Create("Axon.Gpu.TransformerModel", new[] { GeneratorHarness.Parse(Model, "Encoder.cs") },
            References.Value, GeneratorHarness.CompilationOptions));
        Assert.DoesNotContain(library.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var consumer = CSharpCompilation.Create("Axon.Gpu.TransformerConsumer", new[] { GeneratorHarness.Parse(declaration, "EncoderGpu.cs") },
            References.Value.Add(library.ToMetadataReference()), GeneratorHarness.CompilationOptions);
        var referenced = GeneratorHarness.Run(consumer);
        Assert.Empty(referenced.GeneratorDiagnostics);
        Assert.Equal(kernels, referenced.Source("Demo.Attention.EncoderGpu.AxonGpu.g.cs"));
    }
}
