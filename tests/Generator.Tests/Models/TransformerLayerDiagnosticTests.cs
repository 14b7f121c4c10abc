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
}
