using System.Collections.Immutable;
using Axon.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Axon.Generator.Tests.Onnx;

/// <summary>
/// Runs the generator over C# sources plus additional files, as a project with &lt;AxonOnnx Include="..."/&gt;
/// items compiles: each ONNX model arrives as its base64 text under obj/…/name.onnx.base64.
/// </summary>
public static class OnnxHarness
{
    public static GeneratorRun Run(string source, params (string Path, string Text)[] files)
    {
        var texts = files.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)).ToImmutableArray();
        var driver = CSharpGeneratorDriver.Create(
            new[] { new AxonGenerator().AsSourceGenerator() },
            texts,
            GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        return GeneratorHarness.Run(driver, GeneratorHarness.CreateCompilation(source));
    }

    /// <summary>The additional file the build writes for &lt;AxonOnnx Include="<paramref name="name"/>"/&gt;.</summary>
    public static (string Path, string Text) Base64File(string name, byte[] model)
        => ("/project/obj/Debug/axon-onnx/" + name + ".base64", Convert.ToBase64String(model));

    /// <summary>The generator's errors and warnings, as "ID: message" lines for assertion messages.</summary>
    public static string Describe(GeneratorRun run)
        => string.Join("\n", run.GeneratorDiagnostics.Select(d => d.Id + ": " + d.GetMessage()));

    private sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
