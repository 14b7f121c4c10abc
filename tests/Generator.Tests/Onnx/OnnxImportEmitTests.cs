using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// The generated source of an imported model, compared with Expected/Onnx (AXON_UPDATE_SNAPSHOTS=1 rewrites it); the
/// names it declares beyond a hand-written model's; and the cache: an unchanged file re-emits nothing, an edited
/// ONNX file re-emits only the imported model.
/// </summary>
public sealed class OnnxImportEmitTests
{
    private const string Source = """
        using Axon;
        namespace Demo;
        /// <summary>An MLP exported from PyTorch.</summary>
        [Differentiable(Onnx = "mlp.onnx")]
        public partial class ImportedMlp { }
        """;

    [Fact]
    public void Generated_source_matches_the_checked_in_file_and_compiles_cleanly_with_documentation_checked()
    {
        var texts = OnnxHarness.Base64File("mlp.onnx", OnnxTestNetwork.Mlp().Model);
        var run = OnnxHarness.Run(Source, texts);
        Assert.Null(run.Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        var strict = run.OutputCompilation.WithOptions(GeneratorHarness.StrictCompilationOptions);
        Assert.Empty(strict.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        SnapshotFiles.AssertMatches(run.Source("Demo.ImportedMlp.Axon.g.cs"), "Onnx", "Demo.ImportedMlp.Axon.cs");
    }

    [Fact]
    public void Every_member_an_imported_model_adds_is_reserved_or_a_layer()
    {
        var run = OnnxHarness.Run(Source, OnnxHarness.Base64File("mlp.onnx", OnnxTestNetwork.Mlp().Model));
        var tree = run.GeneratedSources.Single().SyntaxTree;
        var model = tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().Single(t => t.Identifier.Text == "ImportedMlp");
        var declared = model.Members.OfType<FieldDeclarationSyntax>().SelectMany(f => f.Declaration.Variables.Select(v => v.Identifier.Text))
            .Concat(model.Members.OfType<MethodDeclarationSyntax>().Where(m => m.ExplicitInterfaceSpecifier is null).Select(m => m.Identifier.Text))
            .Concat(model.Members.OfType<PropertyDeclarationSyntax>().Where(p => p.ExplicitInterfaceSpecifier is null).Select(p => p.Identifier.Text))
            .Concat(model.Members.OfType<BaseTypeDeclarationSyntax>().Select(t => t.Identifier.Text))
            .ToHashSet();
        // AXN013 covers every name but the layer fields, which the graph names (a user member of that name is CS0102).
        var allowed = Axon.Generator.Model.GeneratedMembers.All.Concat(Axon.Generator.Model.GeneratedMembers.ImportedOnly).Concat(new[] { "fc1", "relu", "fc2" }).ToHashSet();
        Assert.Empty(declared.Where(name => !allowed.Contains(name)));
        Assert.Superset(Axon.Generator.Model.GeneratedMembers.ImportedOnly.Concat(new[] { "fc1", "relu", "fc2" }).ToHashSet(), declared);
    }

    [Fact]
    public void A_user_member_named_like_an_imported_member_is_AXN013()
    {
        const string source = """
            using Axon;
            [Differentiable(Onnx = "mlp.onnx")]
            public partial class Net { const string ImportedWeights = ""; }
            """;
        var run = OnnxHarness.Run(source, OnnxHarness.Base64File("mlp.onnx", OnnxTestNetwork.Mlp().Model));
        Assert.Equal("AXN013", Assert.Single(run.GeneratorDiagnostics).Id);
    }

    [Fact]
    public void Editing_the_onnx_file_re_emits_only_the_imported_model_and_only_when_the_network_changed()
    {
        const string source = Source + """

            [Differentiable, InputShape(4)]
            public partial class Other { [Layer] readonly Axon.Layers.Dense fc = new(4, 2); }
            """;
        var original = OnnxHarness.Text("mlp.onnx", OnnxTestNetwork.Mlp().Model);
        var compilation = GeneratorHarness.CreateCompilation(source);
        var first = GeneratorHarness.Run(OnnxHarness.CreateDriver(original), compilation);
        Assert.Empty(first.GeneratorDiagnostics);

        // The same weights written as float_data instead of raw_data: other bytes, same network, nothing re-emitted.
        var sameNetwork = OnnxHarness.Text("mlp.onnx", OnnxTestNetwork.Mlp(floatData: true).Model);
        var second = GeneratorHarness.Run(first.Driver.ReplaceAdditionalText(original, sameNetwork), compilation);
        Assert.Empty(second.GeneratorDiagnostics);
        Assert.DoesNotContain(second.SourceOutputsOf(TrackingNames.ModelSpecs), o => o.Reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New);

        // Another network in the file: only the imported model's source is written again.
        var otherNetwork = OnnxHarness.Text("mlp.onnx", OnnxTestNetwork.Residual().Model);
        var third = GeneratorHarness.Run(second.Driver.ReplaceAdditionalText(sameNetwork, otherNetwork), compilation);
        Assert.Empty(third.GeneratorDiagnostics);
        // One output per model: the imported one rewritten (its source changed), the hand-written one cached.
        var reasons = third.SourceOutputsOf(TrackingNames.ModelSpecs).Select(o => o.Reason).Order().ToList();
        Assert.Equal(new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Modified }.Order(), reasons);
        Assert.NotEqual(second.Source("Demo.ImportedMlp.Axon.g.cs"), third.Source("Demo.ImportedMlp.Axon.g.cs"));
        Assert.Equal(second.Source("Demo.Other.Axon.g.cs"), third.Source("Demo.Other.Axon.g.cs"));
    }
}
