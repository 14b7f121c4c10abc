using Axon.Generator.Model;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// What an ONNX-imported model adds to its <see cref="ModelSpec"/>: the file it came from, the layer
    /// descriptors the class would otherwise declare (for GetLayerDescriptors) and the initializers as the
    /// starting parameter vector, base64 of little-endian values of the model's element type.
    /// </summary>
    internal sealed record ImportedModel(string Source, EquatableArray<ImportedLayer> Layers, string Weights);

    /// <summary>One layer descriptor field: its name, its Axon.Layers type and the constructor arguments as C#.</summary>
    internal sealed record ImportedLayer(string Name, string TypeName, string Arguments);
}
