using System.Linq;
using Axon.Generator.Model;

namespace Axon.Generator.Analysis
{
    /// <summary>
    /// One input axis of a node's receptive field: for the neuron coordinate p along the same axis of the field's
    /// geometry, the window is [max(First, Stride·p + Offset), min(Limit, Stride·p + Offset + Extent)). Mirrors the
    /// runtime's <c>Axon.Model.FieldAxis</c>.
    /// </summary>
    internal sealed record AxisSpec(int Stride, int Offset, int Extent, int First, int Limit)
    {
        /// <summary>The window start of coordinate <paramref name="p"/>.</summary>
        public int Start(int p) => System.Math.Max(First, Stride * p + Offset);

        /// <summary>One past the window's last position for coordinate <paramref name="p"/>.</summary>
        public int End(int p) => System.Math.Min(Limit, Stride * p + Offset + Extent);

        /// <summary>
        /// The field of an output coordinate o that reads this axis's coordinates o·step − pad … o·step − pad + span − 1
        /// of a node with <paramref name="count"/> positions (a convolution's or pooling's sliding window; padded positions
        /// read nothing). Exact because Start and End are monotone: the union over the clipped coordinate range is
        /// [Start(max(0, o·step − pad)), End(min(count − 1, o·step − pad + span − 1))).
        /// </summary>
        public AxisSpec Slide(int span, int step, int pad, int count) =>
            new(Stride * step, Offset - Stride * pad, Stride * (span - 1) + Extent, Start(0), End(count - 1));

        /// <summary>Every coordinate 0..count − 1 at once (a global pooling along this axis, or all channels).</summary>
        public AxisSpec All(int count) => new(0, Start(0), End(count - 1) - Start(0), Start(0), End(count - 1));

        /// <summary>A box that holds both windows at every coordinate (the union of two operands; same stride only).</summary>
        public AxisSpec? Union(AxisSpec other)
        {
            if (other.Stride != Stride) return null;
            int offset = System.Math.Min(Offset, other.Offset);
            int end = System.Math.Max(Offset + Extent, other.Offset + other.Extent);
            return new AxisSpec(Stride, offset, end - offset, System.Math.Min(First, other.First), System.Math.Max(Limit, other.Limit));
        }
    }

    /// <summary>
    /// A node's receptive field over the network's input: <see cref="Geometry"/> splits a neuron index into one
    /// coordinate per input axis, and <see cref="Axes"/> gives the window along each input axis. Mirrors the runtime's
    /// <c>Axon.Model.ReceptiveField</c>.
    /// </summary>
    internal sealed record FieldSpec(EquatableArray<int> Geometry, EquatableArray<AxisSpec> Axes)
    {
        /// <summary>Every neuron reads the whole input (the dense fallback).</summary>
        public static FieldSpec Whole(int size, EquatableArray<int> inputShape) => new(
            inputShape.Select((_, a) => a == 0 ? size : 1).ToEquatableArray(),
            inputShape.Select(d => new AxisSpec(0, 0, d, 0, d)).ToEquatableArray());

        /// <summary>Each neuron reads itself (the input node).</summary>
        public static FieldSpec Identity(EquatableArray<int> inputShape) => new(
            inputShape, inputShape.Select(d => new AxisSpec(1, 0, 1, 0, d)).ToEquatableArray());

        /// <summary>True when every neuron's window is the whole input.</summary>
        public bool IsWhole(EquatableArray<int> inputShape) =>
            Axes.Select((axis, a) => axis.Stride == 0 && axis.Start(0) == 0 && axis.End(0) == inputShape[a]).All(x => x);
    }
}
