using System.Collections.Immutable;
using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Axon.Generator.Tests.Gpu;

/// <summary>
/// The GPU pipeline: the emitted kernels' source (snapshot), that it compiles, that a model from a referenced
/// assembly gets exactly the kernels it would get in source, its diagnostics, and its incremental cache.
/// </summary>
public sealed class GpuGeneratorTests
{
    private const string HintName = "Demo.Gpu.Kernels.SmallCnnGpu.AxonGpu.g.cs";

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
        GeneratorHarness.References.AddRange(new[]
        {
            typeof(Axon.Gpu.GpuModelAttribute).Assembly.Location,
            typeof(ILGPU.Context).Assembly.Location,
            typeof(ILGPU.Algorithms.XMath).Assembly.Location,
        }.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))));

    private static CSharpCompilation Compile(params (string Source, string Path)[] sources) =>
        CSharpCompilation.Create("Axon.Gpu.Generated" + Guid.NewGuid().ToString("N"), sources.Select(s => GeneratorHarness.Parse(s.Source, s.Path)), References.Value, GeneratorHarness.CompilationOptions);

    [Fact]
    public void Generated_kernels_match_the_checked_in_file_and_compile()
    {
        var run = GeneratorHarness.Run(Compile((GpuSources.SmallCnn, "SmallCnn.cs"), (GpuSources.SmallCnnGpu, "SmallCnnGpu.cs")));

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        SnapshotFiles.AssertMatches(run.Source(HintName), "Gpu", "SmallCnnGpu.cs");
    }

    [Fact]
    public void A_model_from_a_referenced_assembly_gets_the_same_kernels_as_in_source()
    {
        var inSource = GeneratorHarness.Run(Compile((GpuSources.SmallCnn, "SmallCnn.cs"), (GpuSources.SmallCnnGpu, "SmallCnnGpu.cs")));
        var modelAssembly = GeneratorHarness.Run(Compile((GpuSources.SmallCnn, "SmallCnn.cs")));
        Assert.DoesNotContain(modelAssembly.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);

        var consumer = CSharpCompilation.Create("Consumer", new[] { GeneratorHarness.Parse(GpuSources.SmallCnnGpu, "SmallCnnGpu.cs") },
            References.Value.Add(modelAssembly.ToMetadataReference()), GeneratorHarness.CompilationOptions);
        var referenced = GeneratorHarness.Run(consumer);

        Assert.Empty(referenced.GeneratorDiagnostics);
        Assert.DoesNotContain(referenced.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(inSource.Source(HintName), referenced.Source(HintName));
    }

    [Fact]
    public void Kernels_for_subtraction_constant_factors_gating_and_channels_compile()
    {
        const string declaration = "namespace Demo.Gpu.Kernels; [Axon.Gpu.GpuModel(typeof(Demo.GatedOps))] public partial class GatedOpsGpu;";
        var run = GeneratorHarness.Run(Compile((Models.ModelSources.Ops, "GatedOps.cs"), (declaration, "GatedOpsGpu.cs")));

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        string kernels = run.Source("Demo.Gpu.Kernels.GatedOpsGpu.AxonGpu.g.cs");
        Assert.Contains("0.5f *", kernels);
    }

    [Theory]
    [InlineData("[GpuModel(typeof(Service))] public partial class Wrong;", "AXN100")]
    [InlineData("[GpuModel(typeof(Demo.Gpu.SmallCnn))] public class NotPartial { }", "AXN101")]
    [InlineData("[GpuModel(typeof(Demo.Gpu.SmallCnn))] public partial class Generic<T> { }", "AXN101")]
    [InlineData("[GpuModel(typeof(Demo.Gpu.SmallCnn))] public static partial class Static { }", "AXN101")]
    public void Invalid_declarations_get_a_diagnostic_with_a_location(string declaration, string id)
    {
        string source = "using Axon.Gpu;\nnamespace Demo.Other;\npublic sealed class Service { }\n" + declaration;
        var run = GeneratorHarness.Run(Compile((GpuSources.SmallCnn, "SmallCnn.cs"), (source, "Declaration.cs")));

        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal("Declaration.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.EndsWith(".AxonGpu.g.cs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("LSTM rnn = new(3, 4)")]
    [InlineData("GRU rnn = new(3, 4)")]
    public void A_recurrent_layer_gets_one_step_kernel_launch_per_time_step(string layer)
    {
        string model = $"using Axon;\nusing Axon.Layers;\nnamespace Demo.Gpu;\n[Differentiable, InputShape(5, 3)]\npublic partial class Rnn {{ [Layer] {layer}; [Layer] Flatten flat = new(); }}\n";
        string declaration = "using Axon.Gpu;\nnamespace Demo.Gpu;\n[GpuModel(typeof(Rnn))] public partial class RnnGpu;\n";
        var run = GeneratorHarness.Run(Compile((model, "Rnn.cs"), (declaration, "RnnGpu.cs")));

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        string kernels = run.Source("Demo.Gpu.RnnGpu.AxonGpu.g.cs");
        // Forward and tangent run the 5 steps forwards, the reverse pass backwards.
        Assert.Contains("for (int step = 0; step < 5; step++) LaunchStep(_forward1, (long)pass.Batch * 4, pass, step);", kernels);
        Assert.Contains("for (int step = 0; step < 5; step++) LaunchStep(_tangent1, (long)pass.Batch * 4, pass, step);", kernels);
        Assert.Contains("for (int step = 4; step >= 0; step--) LaunchStep(_backward1_Steps, (long)pass.Batch * 4, pass, step);", kernels);
    }

    [Fact]
    public void AXN040_every_op_of_this_version_has_GPU_kernels_and_an_op_without_them_gets_a_reason()
    {
        // No layer of this version lacks GPU kernels, so no model can raise AXN040 today; the check still stands
        // between an op added later without kernels and the emitter, which would take it for an activation.
        foreach (var kind in Enum.GetValues<Axon.Generator.Model.OpKind>())
        {
            Assert.Null(Axon.Generator.Emit.Gpu.GpuNodeKernels.Unsupported(Node(kind)));
        }

        var unknown = (Axon.Generator.Model.OpKind)(Enum.GetValues<Axon.Generator.Model.OpKind>().Max(k => (int)k) + 1);
        Assert.Contains("no kernels for op", Axon.Generator.Emit.Gpu.GpuNodeKernels.Unsupported(Node(unknown)));
    }

    private static Axon.Generator.Model.NodeSpec Node(Axon.Generator.Model.OpKind kind) =>
        new(1, "layer", kind, new Axon.Generator.Model.EquatableArray<int>(new[] { 0 }), new Axon.Generator.Model.EquatableArray<int>(new[] { 4 }),
            Axon.Generator.Model.EquatableArray<int>.Empty, 0, 0, "", false);

    [Theory]
    [InlineData("1;0;garbage")]
    [InlineData("2;Float;0|input|Input||4|||0||1;#")]
    [InlineData("1;Float;0|input|Input||4|||0||1;1|fc|Dense|2|4|4,4,1|0|-1||1;#")] // reads a later node: not topological
    [InlineData("1;Float;0|input|Input||4|||0||1;1|fc|Bogus|0|4|4,4,1|0|-1||1;#")] // an op this version does not know
    public void A_stored_description_this_version_cannot_read_is_AXN102_not_a_crash(string description)
    {
        var library = CSharpCompilation.Create("Library", new[] { GeneratorHarness.Parse($"[Axon.Model.GeneratedNetwork(\"{description}\")] public sealed class Stored {{ }}", "Stored.cs") },
            References.Value, GeneratorHarness.CompilationOptions);
        var consumer = CSharpCompilation.Create("Consumer", new[] { GeneratorHarness.Parse("using Axon.Gpu;\n[GpuModel(typeof(Stored))] public partial class Unreadable;", "Declaration.cs") },
            References.Value.Add(Image(library)), GeneratorHarness.CompilationOptions);
        var run = GeneratorHarness.Run(consumer);

        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("AXN102", diagnostic.Id);
        Assert.Equal("Declaration.cs", diagnostic.Location.GetLineSpan().Path);
    }

    [Theory]
    [InlineData(nameof(Models.ModelSources.Mlp))]
    [InlineData(nameof(Models.ModelSources.Residual))]
    [InlineData(nameof(Models.ModelSources.Cnn))]
    [InlineData(nameof(Models.ModelSources.Text))]
    [InlineData(nameof(Models.ModelSources.Ops))]
    public void The_stored_description_round_trips_every_node_and_parameter(string model)
    {
        string source = (string)typeof(Models.ModelSources).GetField(model)!.GetValue(null)!;
        var run = GeneratorHarness.Run(source);
        var spec = (Model.ModelSpec)Assert.Single(run.StepOutputs(TrackingNames.ModelSpecs)).Value!;

        var decoded = Model.NetworkDescriptionCodec.TryDecode(Model.NetworkDescriptionCodec.Encode(spec), spec.Namespace, spec.ContainingTypes, spec.ClassName, spec.TypeKeyword);

        Assert.NotNull(decoded);
        Assert.Equal(spec.Element, decoded.Element);
        // Custom activations' vector forms are CPU code, not part of the description the GPU pipeline reads.
        Assert.Equal(spec.Nodes.Select(n => n with { VectorForm = null }), decoded.Nodes);
        Assert.Equal(spec.Parameters, decoded.Parameters);
    }

    private static MetadataReference Image(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return MetadataReference.CreateFromImage(stream.ToArray());
    }

    [Fact]
    public void Editing_an_unrelated_file_re_emits_no_kernels()
    {
        const string unrelated = "namespace Demo; public sealed class Service { public int Answer() => 42; }";
        var compilation = Compile((GpuSources.SmallCnn, "SmallCnn.cs"), (GpuSources.SmallCnnGpu, "SmallCnnGpu.cs"), (unrelated, "Service.cs"));
        var first = GeneratorHarness.Run(compilation);
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "Service.cs");
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(unrelated.Replace("=> 42;", "=> 40 + 2;"))));
        var second = GeneratorHarness.Run(first.Driver, edited);

        var outputs = second.StepOutputs(TrackingNames.GpuSpecs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.Equal(first.Source(HintName), second.Source(HintName));
    }

    [Fact]
    public void Changing_the_network_re_emits_its_kernels()
    {
        var compilation = Compile((GpuSources.SmallCnn, "SmallCnn.cs"), (GpuSources.SmallCnnGpu, "SmallCnnGpu.cs"));
        var first = GeneratorHarness.Run(compilation);
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == "SmallCnn.cs");
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(GpuSources.SmallCnn.Replace("new(18, 3)", "new(18, 4)"))));
        var second = GeneratorHarness.Run(first.Driver, edited);

        Assert.Contains(second.StepOutputs(TrackingNames.GpuSpecs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("18 * 4", second.Source(HintName).Replace("bc * 18 + bk", "18 * 4"));
        Assert.NotEqual(first.Source(HintName), second.Source(HintName));
    }
}
