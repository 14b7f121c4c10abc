using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Tests.MultiInput;

/// <summary>
/// Models with several inputs: the generated source of a two-input model with a fixed third input (snapshot), the packed
/// layout it declares, and one test per diagnostic of AXN030–AXN034 with its location.
/// </summary>
public sealed class MultiInputGeneratorTests
{
    private const string Usings = "using System;\nusing Axon;\nusing Axon.Layers;\n";

    [Fact]
    public void Generated_source_matches_the_checked_in_file_and_compiles_cleanly()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(MultiInputSources.ImageAndMeta, "ImageAndMeta.cs") }, GeneratorHarness.StrictCompilationOptions);
        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedCodeDiagnostics);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        SnapshotFiles.AssertMatches(run.Source("Demo.ImageAndMeta.Axon.g.cs"), "Models", "Demo.ImageAndMeta.Axon.cs");
    }

    [Fact]
    public void Inputs_are_packed_in_parameter_order_and_each_parameter_names_its_node()
    {
        var run = GeneratorHarness.Run(MultiInputSources.ImageAndMeta);
        string source = run.Source("Demo.ImageAndMeta.Axon.g.cs");

        Assert.Contains("public const int InputSize = 24;", source);
        Assert.Contains("ModelInput image = new(typeof(global::Demo.ImageAndMeta), 0, \"image\", 0, new int[] { 1, 4, 4 }, 24, false);", source);
        Assert.Contains("ModelInput meta = new(typeof(global::Demo.ImageAndMeta), 1, \"meta\", 16, new int[] { 4 }, 24, false);", source);
        Assert.Contains("ModelInput mask = new(typeof(global::Demo.ImageAndMeta), 2, \"mask\", 20, new int[] { 4 }, 24, true);", source);
        // The image is its slice of the row reshaped to its shape; a flat input is the slice itself.
        Assert.Contains("LayerHandle image_packed = new(typeof(global::Demo.ImageAndMeta), 1, \"image_packed\");", source);
        Assert.Contains("LayerHandle image = new(typeof(global::Demo.ImageAndMeta), 2, \"image\");", source);
        Assert.Contains("LayerHandle meta = new(", source);
    }

    private static void AssertDiagnostic(string source, string id, string locationText, string messagePart, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        var run = GeneratorHarness.Run(Usings + source);
        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(locationText, run.LocationText(diagnostic));
        Assert.Contains(messagePart, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        if (severity == DiagnosticSeverity.Error)
            Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.EndsWith(".Axon.g.cs", StringComparison.Ordinal));
        else
            Assert.Contains(run.GeneratedSources, s => s.HintName.EndsWith(".Axon.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void AXN030_one_input_without_a_shape()
        => AssertDiagnostic("""
            [Differentiable]
            public partial class Net
            {
                [Layer] Dense a = new(4, 2);
                [Layer] Dense b = new(3, 2);
                Tensor Forward([InputShape(4)] Tensor x, Tensor meta) => a.Apply(x) + b.Apply(meta);
            }
            """, "AXN030", "meta", "Input 'meta'");

    [Fact]
    public void AXN030_a_shape_with_a_non_positive_dimension()
        => AssertDiagnostic("""
            [Differentiable]
            public partial class Net
            {
                [Layer] Dense a = new(4, 2);
                [Layer] Dense b = new(3, 2);
                Tensor Forward([InputShape(4)] Tensor x, [InputShape(0)] Tensor meta) => a.Apply(x) + b.Apply(meta);
            }
            """, "AXN030", "meta", "positive dimensions");

    [Fact]
    public void AXN031_shape_on_the_class_and_on_the_parameters()
        => AssertDiagnostic("""
            [Differentiable, InputShape(4)]
            public partial class Net
            {
                [Layer] Dense a = new(4, 2);
                [Layer] Dense b = new(3, 2);
                Tensor Forward([InputShape(4)] Tensor x, [InputShape(3)] Tensor meta) => a.Apply(x) + b.Apply(meta);
            }
            """, "AXN031", "InputShape(4)", "on the class and on Forward's parameters");

    [Fact]
    public void AXN032_every_input_fixed()
        => AssertDiagnostic("""
            [Differentiable]
            public partial class Net
            {
                [Layer] Dense a = new(4, 2);
                [Layer] Dense b = new(3, 2);
                Tensor Forward([InputShape(4), Fixed] Tensor x, [InputShape(3), Fixed] Tensor meta) => a.Apply(x) + b.Apply(meta);
            }
            """, "AXN032", "Net", "nothing to attribute");

    [Fact]
    public void AXN032_the_only_input_fixed()
        => AssertDiagnostic("""
            [Differentiable]
            public partial class Net
            {
                [Layer] Dense a = new(4, 2);
                Tensor Forward([InputShape(4), Fixed] Tensor x) => a.Apply(x);
            }
            """, "AXN032", "Net", "'Net'");

    [Fact]
    public void AXN013_an_input_named_like_the_generated_Inputs_class()
        => AssertDiagnostic("""
            [Differentiable]
            public partial class Net
            {
                [Layer] Dense a = new(4, 2);
                [Layer] Dense b = new(3, 2);
                Tensor Forward([InputShape(4)] Tensor Inputs, [InputShape(3)] Tensor other) => a.Apply(Inputs) + b.Apply(other);
            }
            """, "AXN013", "Inputs", "'Inputs'");

    [Fact]
    public void AXN033_a_parameter_that_is_not_a_tensor()
        => AssertDiagnostic("""
            [Differentiable]
            public partial class Net
            {
                [Layer] Dense a = new(4, 2);
                Tensor Forward([InputShape(4)] Tensor x, int k) => a.Apply(x);
            }
            """, "AXN033", "k", "'int'");

    [Fact]
    public void AXN034_an_input_the_output_does_not_read_is_a_warning_and_keeps_its_place()
    {
        const string source = """
            [Differentiable]
            public partial class Net
            {
                [Layer] Dense a = new(4, 2);
                Tensor Forward([InputShape(4)] Tensor x, [InputShape(3)] Tensor unused) => a.Apply(x);
            }
            """;
        AssertDiagnostic(source, "AXN034", "unused", "Input 'unused'", DiagnosticSeverity.Warning);
        var run = GeneratorHarness.Run(Usings + source);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "AXN016");
        string generated = run.Source("Net.Axon.g.cs");
        Assert.Contains("public const int InputSize = 7;", generated);
        Assert.Contains("\"unused\", 4, new int[] { 3 }, 7, false);", generated);
    }

    [Fact]
    public void A_single_input_may_declare_its_shape_on_the_parameter()
    {
        var run = GeneratorHarness.Run(Usings + """
            [Differentiable]
            public partial class Net
            {
                [Layer] Dense a = new(4, 2);
                Tensor Forward([InputShape(4)] Tensor x) => a.Apply(x);
            }
            """);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        string generated = run.Source("Net.Axon.g.cs");
        Assert.Contains("public const int InputSize = 4;", generated);
        Assert.DoesNotContain("ModelInput", generated);
    }
}
