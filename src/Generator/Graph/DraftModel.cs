using Axon.Generator.Diagnostics;
using Axon.Generator.Model;

namespace Axon.Generator.Graph
{
    /// <summary>
    /// A parsed model, ready for shape checking: where the class is, its element type, input shape (packed, for several inputs) and inputs, its
    /// [Layer] members in declaration order and its network (input first, output last).
    /// </summary>
    /// <param name="Location">The class identifier, for diagnostics about the model as a whole.</param>
    internal sealed record DraftModel(
        ModelIdentity Identity,
        ElementKind Element,
        EquatableArray<int> InputShape,
        EquatableArray<InputSpec> Inputs,
        EquatableArray<LayerDeclaration> Layers,
        EquatableArray<DraftNode> Nodes,
        LocationInfo? Location);
}
