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
        => GeneratorHarness.Run(CreateDriver(files.Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text)).ToArray()), GeneratorHarness.CreateCompilation(source));

    /// <summary>A driver with step tracking over these additional files (replace one with GeneratorDriver.ReplaceAdditionalText).</summary>
    public static GeneratorDriver CreateDriver(params AdditionalText[] texts)
        => CSharpGeneratorDriver.Create(
            new[] { new AxonGenerator().AsSourceGenerator() },
            texts,
            GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary><see cref="Base64File"/> as an additional text.</summary>
    public static AdditionalText Text(string name, byte[] model)
    {
        var (path, text) = Base64File(name, model);
        return new InMemoryAdditionalText(path, text);
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
