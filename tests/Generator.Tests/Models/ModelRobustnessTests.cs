using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Tests.Models;

/// <summary>
/// Models whose names or values once broke the generated code (duplicate hint names, colliding node names,
/// keywords, literals a float cannot hold): each must now generate code that compiles without errors.
/// </summary>
public sealed class ModelRobustnessTests
{
    private const string Usings = "using System;\nusing Axon;\nusing Axon.Layers;\n";

    private static GeneratorRun RunClean(params string[] sources)
    {
        var run = GeneratorHarness.Run(sources.Select(s => Usings + s).ToArray());
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        return run;
    }

    [Fact]
    public void Models_with_the_same_name_in_different_namespaces_both_generate()
    {
        var run = RunClean(
            "namespace A { [Differentiable, InputShape(4)] public partial class Net { [Layer] Dense fc = new(4, 2); } }",
            "namespace B { [Differentiable, InputShape(4)] public partial class Net { [Layer] Dense fc = new(4, 3); } }");
        Assert.Equal(new[] { "A.Net.Axon.g.cs", "B.Net.Axon.g.cs" }, run.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Nested_models_with_the_same_name_get_distinct_hint_names()
    {
        var run = RunClean("""
            namespace A
            {
                public partial class Outer { [Differentiable, InputShape(4)] public partial class Net { [Layer] Dense fc = new(4, 2); } }
                [Differentiable, InputShape(4)] public partial class Net { [Layer] Dense fc = new(4, 2); }
            }
            """);
        Assert.Equal(new[] { "A.Net.Axon.g.cs", "A.Outer+Net.Axon.g.cs" }, run.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Models_whose_names_differ_only_in_case_both_generate()
    {
        // Hint names compare ignoring case: without a suffix the second model's AddSource would fail.
        var run = RunClean("""
            namespace A
            {
                [Differentiable, InputShape(4)] public partial class Net { [Layer] Dense fc = new(4, 2); }
                [Differentiable, InputShape(4)] public partial class NET { [Layer] Dense fc = new(4, 3); }
            }
            """);
        var names = run.GeneratedSources.Select(s => s.HintName).Where(n => n.EndsWith(".Axon.g.cs", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, names.Length);
        Assert.All(names, n => Assert.Matches(@"^A\.(Net|NET)\.[0-9a-f]{8}\.Axon\.g\.cs$", n));
    }

    [Fact]
    public void Layers_named_like_generated_nodes_do_not_collide()
    {
        var run = RunClean("""
            public static partial class Acts { [Differentiable] public static float Swish(float x) => x / (1 + MathF.Exp(-x)); }

            [Differentiable, InputShape(4)]
            public partial class Net
            {
                [Layer] Dense input = new(4, 4);
                [Layer] ReLU add1 = new();
                [Layer] Dense fc = new(4, 4);
                [Layer] Dense fc_2 = new(4, 4);
                [Layer] Tanh concat1 = new();
                [Layer] Dense swish1 = new(8, 2);

                Tensor Forward(Tensor x)
                {
                    var h = add1.Apply(input.Apply(x) + x);
                    var f = fc_2.Apply(fc.Apply(fc.Apply(h)));
                    return swish1.Apply(concat1.Apply(Tensor.Concat(f, x.Apply(Acts.Swish))));
                }
            }
            """);
        string source = run.Source("Net.Axon.g.cs");
        // The layers keep their names; the nodes the generator names step aside.
        Assert.Contains("LayerHandle input = new(typeof(global::Net), 1, \"input\");", source);
        Assert.Contains("LayerHandle fc_2 = new(typeof(global::Net), ", source);
        Assert.Contains("LayerHandle input_1 = new(typeof(global::Net), 0, \"input_1\");", source);
    }

    [Fact]
    public void Keywords_used_as_names_are_escaped()
    {
        var run = RunClean("""
            namespace Demo.@event
            {
                [Differentiable, InputShape(4)]
                public partial class @struct
                {
                    [Layer] Dense @class = new(4, 4);
                    [Layer] ReLU @int = new();
                    Tensor Forward(Tensor x) => @int.Apply(@class.Apply(x)) + x;
                }
            }
            """);
        string source = run.Source("struct.Axon.g.cs");
        Assert.Contains("LayerHandle @class = new(typeof(global::Demo.@event.@struct), 1, \"class\");", source);
        Assert.Contains("\"class\"", source);
    }

    [Theory]
    [InlineData("LeakyReLU slope = new(0.1);", "0.1f")]
    [InlineData("LeakyReLU slope = new(3.4028234663852886E+38);", "3.4028235E+38f")]
    [InlineData("LeakyReLU slope = new(1e-45);", "1E-45f")]
    public void Float_hyper_parameters_are_printed_as_valid_float_literals(string layer, string literal)
    {
        var run = RunClean($$"""
            [Differentiable, InputShape(4)]
            public partial class Net { [Layer] {{layer}} }
            """);
        Assert.Contains(literal, run.Source("Net.Axon.g.cs"));
    }

    [Fact]
    public void A_double_model_keeps_a_slope_beyond_the_float_range()
    {
        var run = RunClean("""
            [Differentiable(ElementType = ElementType.Double), InputShape(4)]
            public partial class Net { [Layer] LeakyReLU slope = new(1e39); }
            """);
        Assert.Contains("1E+39", run.Source("Net.Axon.g.cs"));
    }

    [Fact]
    public void A_large_but_valid_network_has_exact_sizes()
    {
        // Input and flattened copy: 2 × 1,073,697,800 activation values per sample, just under int.MaxValue.
        var run = RunClean("""
            [Differentiable, InputShape(23170, 46340)]
            public partial class Net { [Layer] Flatten flat = new(); }
            """);
        Assert.Contains("public const int InputSize = 1073697800;", run.Source("Net.Axon.g.cs"));
    }

    [Fact]
    public void A_layer_declared_in_another_partial_part_is_found()
    {
        RunClean(
            "[Differentiable, InputShape(4)] public partial class Net { [Layer] Dense a = new(4, 4); }",
            "public partial class Net { [Layer] Dense b = new(4, 2); }");
    }

    [Fact]
    public void Every_member_the_generated_code_declares_is_a_reserved_name()
    {
        // AXN013 protects exactly the names in GeneratedMembers; a generated member missing there could clash unreported.
        // A model with one input, and one with several (which adds the input descriptors).
        var declared = new HashSet<string>();
        foreach (var (source, name) in new[] { (ModelSources.Residual, "ResidualNet"), (MultiInput.MultiInputSources.ImageAndMeta, "ImageAndMeta") })
        {
            var run = GeneratorHarness.Run(source);
            var tree = run.GeneratedSources.Single(s => s.HintName.EndsWith(".Axon.g.cs", StringComparison.Ordinal)).SyntaxTree;
            var model = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax>().Single(t => t.Identifier.Text == name);
            declared.UnionWith(model.Members.SelectMany(MemberNames));
        }

        Assert.NotEmpty(declared);
        Assert.Equal(Axon.Generator.Model.GeneratedMembers.All.Order(StringComparer.Ordinal), declared.Order(StringComparer.Ordinal));
    }

    private static IEnumerable<string> MemberNames(Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax member) => member switch
    {
        Microsoft.CodeAnalysis.CSharp.Syntax.BaseFieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.Text),
        Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method => new[] { method.Identifier.Text },
        Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property => new[] { property.Identifier.Text },
        Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax type => new[] { type.Identifier.Text },
        _ => Array.Empty<string>(),
    };
}
