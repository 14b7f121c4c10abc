using Axon.Generator.Tests.Infrastructure;

namespace Axon.Generator.Tests.Models;

/// <summary>
/// The generated source of sample models, compared exactly with Expected/Models (update deliberately with
/// AXON_UPDATE_SNAPSHOTS=1), and proof that the output compiles cleanly, with documentation warnings on.
/// </summary>
public sealed class ModelSnapshotTests
{
    [Theory]
    [InlineData(nameof(ModelSources.Mlp), "Demo.Mlp.Axon.g.cs")]
    [InlineData(nameof(ModelSources.Residual), "Demo.Nested.Outer+ResidualNet.Axon.g.cs")]
    [InlineData(nameof(ModelSources.Cnn), "Cnn.Axon.g.cs")]
    [InlineData(nameof(ModelSources.Text), "TextCnn.Axon.g.cs")]
    [InlineData(nameof(ModelSources.Ops), "Demo.GatedOps.Axon.g.cs")]
    public void Generated_source_matches_the_checked_in_file_and_compiles_cleanly(string model, string hintName)
    {
        string source = (string)typeof(ModelSources).GetField(model)!.GetValue(null)!;
        var compilation = GeneratorHarness.CreateCompilation(new[] { GeneratorHarness.Parse(source, model + ".cs") }, GeneratorHarness.StrictCompilationOptions);
        var run = GeneratorHarness.Run(compilation);

        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedCodeDiagnostics);
        Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
        SnapshotFiles.AssertMatches(run.Source(hintName), "Models", hintName.Replace(".g.cs", ".cs"));
    }
}
