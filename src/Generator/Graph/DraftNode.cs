using Axon.Generator.Diagnostics;
using Axon.Generator.Model;

namespace Axon.Generator.Graph
{
    /// <summary>
    /// A node of the network as parsed, before shapes are known; it carries its source location for diagnostics.
    /// The shape checker turns a list of these into <see cref="NodeSpec"/>s.
    /// </summary>
    /// <param name="Layer">The layer this node applies, when it applies one (its parameters belong to the layer).</param>
    internal sealed record DraftNode(
        OpKind Kind,
        string Name,
        EquatableArray<int> Inputs,
        EquatableArray<int> Hyper,
        double Scalar,
        string Function,
        LayerDeclaration? Layer,
        LocationInfo? Location)
    {
        public static DraftNode Input(string name) => new DraftNode(OpKind.Input, name, EquatableArray<int>.Empty, EquatableArray<int>.Empty, 0, "", null, null);

        public static DraftNode Apply(LayerDeclaration layer, string name, int input, LocationInfo? location)
            => new DraftNode(layer.Kind, name, new[] { input }.ToEquatableArray(), layer.Hyper, layer.Scalar, layer.Function, layer, location) { VectorForm = layer.VectorForm };

        /// <summary>For an Activation node: its function's vector form, or null when the function keeps the scalar kernel.</summary>
        public Differentiation.VectorForm? VectorForm { get; init; }
    }
}
