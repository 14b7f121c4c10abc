using System.Collections;
using System.Reflection;
using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Axon.Generator.Tests.Differentiation;

/// <summary>
/// The incremental cache: edits that do not touch a [Differentiable] function leave its spec and its generated
/// file cached; an edit of its body recomputes both. Steps are named by <see cref="TrackingNames"/>.
/// </summary>
public sealed class ScalarFunctionIncrementalTests
{
    private const string Functions = """
        using System;
        using Axon;

        namespace Demo;

        public static partial class Activations
        {
            [Differentiable] public static float Swish(float x) => x / (1 + MathF.Exp(-x));

            [Differentiable] public static double Mish(double x) { var sp = Math.Log(1 + Math.Exp(x)); return x * Math.Tanh(sp); }

            [Differentiable] public static float Broken(float x) => x % 2f;
        }
        """;

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
            GeneratorHarness.Parse(Functions, "Activations.cs"),
            GeneratorHarness.Parse(Unrelated, "Service.cs"),
        });
        var run = GeneratorHarness.Run(compilation);
        Assert.Null(run.Exception);
        Assert.Equal(2, run.GeneratedSources.Length);
        Assert.Single(run.GeneratorDiagnostics);
        return (compilation, run);
    }

    private static CSharpCompilation Edit(CSharpCompilation compilation, string path, Func<string, string> edit)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        string text = tree.GetText().ToString();
        var edited = tree.WithChangedText(SourceText.From(edit(text)));
        return compilation.ReplaceSyntaxTree(tree, edited);
    }

    [Fact]
    public void AddingAnUnrelatedFileRegeneratesNothing()
    {
        var (compilation, first) = FirstRun();

        var second = GeneratorHarness.Run(first.Driver, compilation.AddSyntaxTrees(GeneratorHarness.Parse("namespace Demo; public static class Extra { public const int N = 1; }", "Extra.cs")));

        AssertNothingRegenerated(first, second);
    }

    [Fact]
    public void EditingAnUnrelatedFileRegeneratesNothing()
    {
        var (compilation, first) = FirstRun();

        var second = GeneratorHarness.Run(first.Driver, Edit(compilation, "Service.cs", text => text.Replace("=> 42;", "=> 41 + 1;\n    public string Name => \"svc\";")));

        AssertNothingRegenerated(first, second);
    }

    [Fact]
    public void EditingTheFunctionsFileOutsideTheFunctionsRegeneratesNothing()
    {
        var (compilation, first) = FirstRun();

        // Appended after every function: no location moves, so even the diagnostics are unchanged.
        var second = GeneratorHarness.Run(first.Driver, Edit(compilation, "Activations.cs", text => text + "\npublic static class Helpers { public static int Twice(int v) => 2 * v; }\n"));

        AssertNothingRegenerated(first, second);
    }

    [Fact]
    public void MovingAFunctionUpdatesOnlyTheDiagnosticLocations()
    {
        var (compilation, first) = FirstRun();

        // A line inserted above the functions moves every location: the specs hold none and stay cached.
        var second = GeneratorHarness.Run(first.Driver, Edit(compilation, "Activations.cs", text => text.Replace("namespace Demo;", "namespace Demo;\n// a comment")));

        Assert.All(second.StepOutputs(TrackingNames.ScalarFunctionSpecs), o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        Assert.All(second.SourceOutputsOf(TrackingNames.ScalarFunctionSpecs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.Contains(second.StepOutputs(TrackingNames.ScalarFunctionDiagnostics), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(first.GeneratorDiagnostics[0].Location.GetLineSpan().StartLinePosition.Line + 1, second.GeneratorDiagnostics[0].Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void EditingAFunctionBodyRegeneratesThatFunctionOnly()
    {
        var (compilation, first) = FirstRun();

        var second = GeneratorHarness.Run(first.Driver, Edit(compilation, "Activations.cs", text => text.Replace("x / (1 + MathF.Exp(-x))", "x / (1 + MathF.Exp(-2 * x))")));

        var specs = second.StepOutputs(TrackingNames.ScalarFunctionSpecs).ToArray();
        Assert.Single(specs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(specs, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        var outputs = second.SourceOutputsOf(TrackingNames.ScalarFunctionSpecs).ToArray();
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Cached);

        Assert.NotEqual(first.Source("Demo.Activations.Swish.Derivative.g.cs"), second.Source("Demo.Activations.Swish.Derivative.g.cs"));
        Assert.Contains("2f * x", second.Source("Demo.Activations.Swish.Derivative.g.cs"));
        Assert.Equal(first.Source("Demo.Activations.Mish.Derivative.g.cs"), second.Source("Demo.Activations.Mish.Derivative.g.cs"));
    }

    [Fact]
    public void AddingAFunctionAddsOneOutput()
    {
        var (compilation, first) = FirstRun();

        var second = GeneratorHarness.Run(first.Driver, Edit(compilation, "Activations.cs", text => text.Replace(
            "[Differentiable] public static float Broken",
            "[Differentiable] public static float Square(float x) => x * x;\n\n    [Differentiable] public static float Broken")));

        Assert.Equal(3, second.GeneratedSources.Length);
        Assert.Single(second.StepOutputs(TrackingNames.ScalarFunctionSpecs), o => o.Reason == IncrementalStepRunReason.New);
        Assert.Equal(2, second.StepOutputs(TrackingNames.ScalarFunctionSpecs).Count(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    [Fact]
    public void FixingABrokenFunctionRemovesItsDiagnosticAndEmitsIt()
    {
        var (compilation, first) = FirstRun();

        var second = GeneratorHarness.Run(first.Driver, Edit(compilation, "Activations.cs", text => text.Replace("x % 2f", "x * 2f")));

        Assert.Empty(second.GeneratorDiagnostics);
        Assert.Equal(3, second.GeneratedSources.Length);
        Assert.Contains(second.StepOutputs(TrackingNames.ScalarFunctionDiagnostics), o => o.Reason == IncrementalStepRunReason.Removed);
    }

    [Fact]
    public void PipelineOutputsHoldNoRoslynObjects()
    {
        var (_, run) = FirstRun();

        foreach (var step in new[] { TrackingNames.ScalarFunctionResults, TrackingNames.ScalarFunctionSpecs, TrackingNames.ScalarFunctionDiagnostics })
        {
            var outputs = run.StepOutputs(step).ToArray();
            Assert.NotEmpty(outputs);
            foreach (var (value, _) in outputs) AssertNoRoslynObjects(value, step, new HashSet<object>(ReferenceEqualityComparer.Instance));
        }
    }

    private static void AssertNothingRegenerated(GeneratorRun first, GeneratorRun second)
    {
        Assert.Null(second.Exception);
        Assert.All(second.StepOutputs(TrackingNames.ScalarFunctionResults), o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        var specs = second.StepOutputs(TrackingNames.ScalarFunctionSpecs).ToArray();
        Assert.Equal(2, specs.Length);
        Assert.All(specs, o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        Assert.All(second.StepOutputs(TrackingNames.ScalarFunctionDiagnostics), o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));

        // The source outputs did not run again.
        var outputs = second.SourceOutputsOf(TrackingNames.ScalarFunctionSpecs).ToArray();
        Assert.Equal(2, outputs.Length);
        Assert.All(outputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        Assert.All(second.SourceOutputsOf(TrackingNames.ScalarFunctionDiagnostics), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));

        Assert.Equal(first.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())), second.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())));
        Assert.Equal(first.GeneratorDiagnostics.Select(d => d.ToString()), second.GeneratorDiagnostics.Select(d => d.ToString()));
    }

    /// <summary>Symbols, syntax, semantic models and compilations in a cached output would keep old compilations alive and defeat caching.</summary>
    private static void AssertNoRoslynObjects(object? value, string path, HashSet<object> visited)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum || value is decimal) return;
        if (!value.GetType().IsValueType && !visited.Add(value)) return;

        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Compilation), typeof(Location), typeof(AttributeData) };
        var type = value.GetType();
        Assert.False(forbidden.Any(f => f.IsAssignableFrom(type)) || type == typeof(SyntaxToken), $"{path} holds a {type.Name}");

        // Descriptors are immutable singletons: safe to hold, as the runtime's generators do.
        if (value is DiagnosticDescriptor) return;

        if (value is IEnumerable sequence)
        {
            int i = 0;
            foreach (var item in sequence) AssertNoRoslynObjects(item, $"{path}[{i++}]", visited);
            return;
        }

        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                AssertNoRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
        }
    }
}
