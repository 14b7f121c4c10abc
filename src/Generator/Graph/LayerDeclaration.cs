using Axon.Generator.Diagnostics;
using Axon.Generator.Model;

namespace Axon.Generator.Graph
{
    /// <summary>A [Layer] member as declared: its op, constant hyper-parameters and where it is.</summary>
    /// <param name="Name">The member's name as the symbol spells it (no '@'; escape it when writing code).</param>
    /// <param name="Function">For <see cref="OpKind.Activation"/>: the fully qualified function, e.g. global::N.Acts.Swish.</param>
    internal sealed record LayerDeclaration(
        string Name,
        OpKind Kind,
        EquatableArray<int> Hyper,
        double Scalar,
        string Function,
        LocationInfo? Location)
    {
        /// <summary>For an Activation layer: its function's vector form, or null when the function keeps the scalar kernel.</summary>
        public Differentiation.VectorForm? VectorForm { get; init; }
    }
}
