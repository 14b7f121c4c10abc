using Axon.IO;

namespace Axon.Samples.Text;

/// <summary>The trained weights shipped as samples/Assets/text-classifier.safetensors, embedded in this assembly.</summary>
public static class ShippedWeights
{
    /// <summary>The manifest resource name (and file name) of the weights.</summary>
    public const string ResourceName = "text-classifier.safetensors";

    /// <summary>A classifier with the shipped weights.</summary>
    /// <exception cref="InvalidOperationException">The assembly was built without the weights file (run <c>--train</c> first).</exception>
    public static TextClassifier Load()
    {
        // Manifest resources survive NativeAOT: no reflection over types, no file next to the binary.
        using var stream = typeof(ShippedWeights).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The text sample was built without samples/Assets/{ResourceName}; run `dotnet run --project samples/TextAttribution/App -- --train` and rebuild.");
        var content = new byte[stream.Length];
        stream.ReadExactly(content);
        var model = new TextClassifier();
        ModelWeights.Load(model, content, $"{ResourceName} (embedded)");
        return model;
    }
}
