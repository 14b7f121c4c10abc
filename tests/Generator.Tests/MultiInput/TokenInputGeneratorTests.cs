using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Axon.Generator.Tests.MultiInput;

/// <summary>
/// An Embedding may read one Forward parameter of a model with several inputs (its token ids); applied to anything
/// computed, it still gets AXN003 at the application.
/// </summary>
public sealed class TokenInputGeneratorTests
{
    private const string Usings = "using System;\nusing Axon;\nusing Axon.Layers;\n";

    [Fact]
    public void An_embedding_of_one_input_among_several_generates_and_compiles_cleanly()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(Usings + """
            namespace Demo;

            [Differentiable]
            public partial class TokensAndMeta
            {
                [Layer] Embedding embedding = new(10, 4);
                [Layer] Dense tokenFc = new(64, 2);
                [Layer] Dense metaFc = new(3, 2);

                Tensor Forward([InputShape(16)] Tensor tokens, [InputShape(3)] Tensor meta)
                    => tokenFc.Apply(embedding.Apply(tokens).Flatten()) + metaFc.Apply(meta);
            }
            """, "TokensAndMeta.cs") }, GeneratorHarness.StrictCompilationOptions);
        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedCodeDiagnostics);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        string source = run.Source("Demo.TokensAndMeta.Axon.g.cs");
        Assert.Contains("ModelInput tokens = new(typeof(global::Demo.TokensAndMeta), 0, \"tokens\", 0, new int[] { 16 }, 19, false);", source);
        Assert.Contains("EmbeddingKernel.Forward<float>(", source);
    }

    [Fact]
    public void AXN003_an_embedding_of_a_computed_value()
    {
        var run = GeneratorHarness.Run(Usings + """
            [Differentiable]
            public partial class Net
            {
                [Layer] Embedding embedding = new(10, 4);
                [Layer] Dense metaFc = new(3, 3);
                [Layer] Dense head = new(12, 1);

                Tensor Forward([InputShape(16)] Tensor tokens, [InputShape(3)] Tensor meta)
                    => head.Apply(embedding.Apply(metaFc.Apply(meta)).Flatten());
            }
            """);
        Assert.Null(run.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics, d => d.Id == "AXN003");
        Assert.Contains("one of the Forward parameters", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.EndsWith(".Axon.g.cs", StringComparison.Ordinal));
    }
}
