using Axon.Generator.Tests.Infrastructure;

namespace Axon.Generator.Tests.Models;

/// <summary>
/// The generated source of the Fashion-MNIST CNN, where both ReLU + 2×2 max-pooling pairs are fused, compared exactly
/// with Expected/Models/FashionCnn.Axon.cs (update deliberately with AXON_UPDATE_SNAPSHOTS=1) and compiled cleanly.
/// </summary>
public sealed class FusedReluPoolSnapshotTests
{
    public const string FashionCnn = """
        using Axon;
        using Axon.Layers;

        [Differentiable, InputShape(1, 28, 28)]
        public partial class FashionCnn
        {
            [Layer] private readonly Conv2d conv1 = new(1, 8, kernel: 3, padding: 1);
            [Layer] private readonly ReLU relu1 = new();
            [Layer] private readonly MaxPool2d pool1 = new(2);
            [Layer] private readonly Conv2d conv2 = new(8, 16, kernel: 3, padding: 1);
            [Layer] private readonly ReLU relu2 = new();
            [Layer] private readonly MaxPool2d pool2 = new(2);
            [Layer] private readonly Flatten flatten = new();
            [Layer] private readonly Dense fc1 = new(784, 64);
            [Layer] private readonly ReLU relu3 = new();
            [Layer] private readonly Dense fc2 = new(64, 10);
        }
        """;

    [Fact]
    public void Generated_source_of_the_fused_cnn_matches_the_checked_in_file_and_compiles_cleanly()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(FashionCnn, "FashionCnn.cs") }, GeneratorHarness.StrictCompilationOptions);
        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedCodeDiagnostics);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        string source = run.Source("FashionCnn.Axon.g.cs");
        Assert.Contains("ReluMaxPoolKernel.Forward<float>(ws.ActivationFor(1, batch), ws.ActivationFor(2, batch), ws.ActivationFor(3, batch), ws.IndicesFor(3, batch), batch, 8, 28, 28);", source);
        Assert.Contains("ReluMaxPoolKernel.Backward<float>(ws.GradientFor(6, batch), ws.IndicesFor(6, batch), ws.ActivationFor(4, batch), ws.GradientFor(5, batch), ws.GradientFor(4, batch), batch, 16, 14, 14, global::Axon.Kernels.GradientMode.Overwrite, global::Axon.Kernels.GradientMode.Overwrite);", source);
        // First writers: relu1 and relu2 (their inputs, conv1's and conv2's outputs), the poolings (the ReLUs'),
        // relu3 (fc1's) and the flatten (pool2's, a copy); the input and the dense inputs are cleared.
        Assert.Contains("s_firstGradientWriters = new int[] { -1, 2, 3, -1, 5, 6, 7, -1, 9, -1, -1 };", source);
        Assert.Contains("ElementwiseKernel.Copy<float>(ws.GradientFor(7, batch), ws.GradientFor(6, batch));", source);
        SnapshotFiles.AssertMatches(source, "Models", "FashionCnn.Axon.cs");
    }
}
