using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Axon.Generator.Tests.Models;

/// <summary>
/// The model pipeline's cache (steps <see cref="TrackingNames.ModelParse"/> and <see cref="TrackingNames.ModelSpecs"/>):
/// edits elsewhere do not re-emit a model; an edit of the network does, and only of that model.
/// </summary>
public sealed class ModelIncrementalTests
{
    private const string Unrelated = """
        namespace Demo;

        public sealed class Service
        {
            public int Answer() => 42;
        }
        """;

    private static (CSharpCompilation Compilation, GeneratorRun Run) FirstRun()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[]
        {
            GeneratorHarness.Parse(ModelSources.Mlp, "Mlp.cs"),
            GeneratorHarness.Parse(ModelSources.Cnn, "Cnn.cs"),
            GeneratorHarness.Parse(Unrelated, "Service.cs"),
        });
        var run = GeneratorHarness.Run(compilation);
        Assert.Null(run.Exception);
        Assert.Equal(2, run.GeneratedSources.Length);
        return (compilation, run);
    }

    private static CSharpCompilation Edit(CSharpCompilation compilation, string path, Func<string, string> edit)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(SourceText.From(edit(tree.GetText().ToString()))));
    }

    private static bool Reused(IncrementalStepRunReason reason) => reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged;

    [Fact]
    public void Editing_an_unrelated_file_re_emits_nothing()
    {
        var (compilation, first) = FirstRun();
        var second = GeneratorHarness.Run(first.Driver, Edit(compilation, "Service.cs", t => t.Replace("=> 42;", "=> 40 + 2;")));

        Assert.All(second.StepOutputs(TrackingNames.ModelSpecs), o => Assert.True(Reused(o.Reason), o.Reason.ToString()));
        Assert.All(second.SourceOutputsOf(TrackingNames.ModelSpecs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.Equal(first.GeneratedSources.Select(s => s.SourceText.ToString()), second.GeneratedSources.Select(s => s.SourceText.ToString()));
    }

    [Fact]
    public void Moving_a_model_within_its_file_re_emits_nothing()
    {
        var (compilation, first) = FirstRun();
        var second = GeneratorHarness.Run(first.Driver, Edit(compilation, "Mlp.cs", t => t.Replace("namespace Demo;", "namespace Demo;\n\n// a comment that moves every location")));

        // The parse step re-ran on the changed tree (Unchanged: recomputed, equal), and the location-free spec is
        // equal, so nothing is re-emitted.
        Assert.Contains(second.StepOutputs(TrackingNames.ModelParse), o => o.Reason == IncrementalStepRunReason.Unchanged);
        Assert.All(second.StepOutputs(TrackingNames.ModelSpecs), o => Assert.True(Reused(o.Reason), o.Reason.ToString()));
        Assert.All(second.SourceOutputsOf(TrackingNames.ModelSpecs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Changing_a_layer_re_emits_that_model_only()
    {
        var (compilation, first) = FirstRun();
        var second = GeneratorHarness.Run(first.Driver, Edit(compilation, "Mlp.cs", t => t.Replace("new(784, 128)", "new(784, 64)").Replace("new(128, 10)", "new(64, 10)")));

        var outputs = second.SourceOutputsOf(TrackingNames.ModelSpecs).ToArray();
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Cached);
        Assert.Contains("ParameterCount = " + (784 * 64 + 64 + 640 + 10), second.Source("Mlp.Axon.g.cs"));
        Assert.Equal(first.Source("Cnn.Axon.g.cs"), second.Source("Cnn.Axon.g.cs"));
    }

    [Fact]
    public void Pipeline_outputs_hold_no_roslyn_objects()
    {
        var (_, run) = FirstRun();
        foreach (var (value, _) in run.StepOutputs(TrackingNames.ModelSpecs))
        {
            AssertPlainValues(value, TrackingNames.ModelSpecs, 0);
        }
    }

    private static void AssertPlainValues(object? value, string path, int depth)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || depth > 12) return;
        var type = value.GetType();
        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Compilation), typeof(Location) };
        Assert.False(forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} holds a {type.Name}");
        if (value is System.Collections.IEnumerable sequence)
        {
            int i = 0;
            foreach (var item in sequence) AssertPlainValues(item, $"{path}[{i++}]", depth + 1);
            return;
        }

        foreach (var property in type.GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            AssertPlainValues(property.GetValue(value), path + "." + property.Name, depth + 1);
        }
    }
}
