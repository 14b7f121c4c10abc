using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Tests.Models;

/// <summary>The diagnostics of the issue-15 convolution and pooling variants: each names the problem at the layer's initializer.</summary>
public sealed class ConvSeqDiagnosticTests
{
    private const string Usings = "using System;\nusing Axon;\nusing Axon.Attribution;\nusing Axon.Layers;\n";

    private static void AssertDiagnostic(string source, string id, string locationText, string messagePart)
    {
        var run = GeneratorHarness.Run(Usings + source);
        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(locationText, run.LocationText(diagnostic));
        Assert.Contains(messagePart, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.EndsWith(".Axon.g.cs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("MaxPool2d pool = new(3, stride: 2, padding: 2)", "new(3, stride: 2, padding: 2)", "padding must be at most half the kernel (3 / 2), as in PyTorch, not 2")]
    [InlineData("AvgPool2d pool = new(2, padding: -1)", "new(2, padding: -1)", "padding must be 0 or more, not -1")]
    public void AXN008_pooling_padding_out_of_range(string member, string location, string problem)
        => AssertDiagnostic($$"""
            [Differentiable, InputShape(1, 8, 8)]
            public partial class Net { [Layer] {{member}}; }
            """, "AXN008", location, problem);

    [Fact]
    public void AXN003_padded_window_that_does_not_fit_names_the_padding()
        => AssertDiagnostic("""
            [Differentiable, InputShape(1, 2, 2)]
            public partial class Net { [Layer] MaxPool2d pool = new(5, stride: 1, padding: 1); }
            """, "AXN003", "pool = new(5, stride: 1, padding: 1)", "a 5×5 window with padding 1 does not fit a 2×2 input");

    [Theory]
    [InlineData("Conv2d conv = new(4, 6, kernel: 3, groups: 4)", "new(4, 6, kernel: 3, groups: 4)", "inChannels (4) and outChannels (6) must both be divisible by groups (4)")]
    [InlineData("Conv2d conv = new(4, 6, kernel: 3, groups: 0)", "new(4, 6, kernel: 3, groups: 0)", "groups must be positive, not 0")]
    public void AXN008_groups_that_do_not_divide_the_channels(string member, string location, string problem)
        => AssertDiagnostic($$"""
            [Differentiable, InputShape(4, 8, 8)]
            public partial class Net { [Layer] {{member}}; }
            """, "AXN008", location, problem);

    [Fact]
    public void AXN003_grouped_convolution_fed_the_wrong_channels()
        => AssertDiagnostic("""
            [Differentiable, InputShape(2, 8, 8)]
            public partial class Net { [Layer] Conv2d conv = new(4, 4, kernel: 3, groups: 4); }
            """, "AXN003", "conv = new(4, 4, kernel: 3, groups: 4)", "expects 4 input channels but receives 2");

    [Fact]
    public void Grouped_convolution_is_its_own_kind_and_groups_1_is_the_ordinary_convolution()
    {
        var run = GeneratorHarness.Run(Usings + """
            [Differentiable, InputShape(4, 8, 8)]
            public partial class Net
            {
                [Layer] Conv2d grouped = new(4, 4, kernel: 3, groups: 2);
                [Layer] Conv2d plain = new(4, 2, kernel: 3, groups: 1);
            }
            """);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        string code = Assert.Single(run.GeneratedSources, s => s.HintName.EndsWith(".Axon.g.cs", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("global::Axon.Model.LayerKind.GroupedConv2d", code);
        Assert.Contains("GroupedConv2dKernel.Forward<float>(", code);
        Assert.Contains("global::Axon.Kernels.Conv2dKernel.Forward<float>(", code);
        Assert.Contains("new int[] { 4, 4, 3, 1, 0, 1, 2 }", code);
        Assert.Contains("new int[] { 4, 2, 3, 1, 0, 1 }", code);
    }

    [Theory]
    [InlineData("InputShape(5, 2)", "LSTM rnn = new(3, 4)", "rnn = new(3, 4)", "expects 3 features per time step but receives 2")]
    [InlineData("InputShape(15)", "GRU rnn = new(3, 4)", "rnn = new(3, 4)", "expects [sequence, features] (rank 2), not rank 1")]
    [InlineData("InputShape(1, 4, 4)", "ConvTranspose2d up = new(1, 2, kernel: 1, padding: 2)", "up = new(1, 2, kernel: 1, padding: 2)", "padding 2 removes more than a 1×1 transposed kernel produces from a 4×4 input")]
    [InlineData("InputShape(8)", "Upsample up = new(2)", "up = new(2)", "expects [channels, height, width] (rank 3), not rank 1")]
    public void AXN003_recurrent_and_upsampling_shapes(string shape, string member, string location, string problem)
        => AssertDiagnostic($$"""
            [Differentiable, {{shape}}]
            public partial class Net { [Layer] {{member}}; }
            """, "AXN003", location, problem);

    [Theory]
    [InlineData("ConvTranspose2d up = new(2, 2, kernel: 3, stride: 2, outputPadding: 2)", "new(2, 2, kernel: 3, stride: 2, outputPadding: 2)", "outputPadding must be 0 or more and smaller than the stride (2), as in PyTorch, not 2")]
    [InlineData("Upsample up = new(0)", "new(0)", "scale must be positive, not 0")]
    [InlineData("Upsample up = new(2, (UpsampleMode)5)", "new(2, (UpsampleMode)5)", "mode must be UpsampleMode.Nearest or UpsampleMode.Bilinear, not 5")]
    [InlineData("LSTM rnn = new(2, 0)", "new(2, 0)", "hiddenSize must be positive, not 0")]
    public void AXN008_decoder_and_recurrent_hyper_parameters(string member, string location, string problem)
        => AssertDiagnostic($$"""
            [Differentiable, InputShape(2, 4, 4)]
            public partial class Net { [Layer] {{member}}; }
            """, "AXN008", location, problem);

    [Fact]
    public void Padded_pooling_generates_the_padded_kernels_and_unpadded_pooling_the_original_ones()
    {
        var run = GeneratorHarness.Run(Usings + """
            [Differentiable, InputShape(1, 8, 8)]
            public partial class Net
            {
                [Layer] MaxPool2d padded = new(3, stride: 2, padding: 1);
                [Layer] AvgPool2d plain = new(2);
            }
            """);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        string code = Assert.Single(run.GeneratedSources, s => s.HintName.EndsWith(".Axon.g.cs", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("PaddedMaxPool2dKernel.Forward<float>(", code);
        Assert.Contains(", 1, 8, 8, 3, 2, 1)", code);
        Assert.Contains("global::Axon.Kernels.AvgPool2dKernel.Forward<float>(", code);
        Assert.DoesNotContain("PaddedAvgPool2dKernel", code);
    }
}
