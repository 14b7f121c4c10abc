using System.Linq;
using Axon.Generator.Model;

namespace Axon.Generator.Analysis
{
    /// <summary>
    /// One input axis of a node's receptive field: for the neuron coordinate p along the same axis of the field's
    /// geometry, the window is [max(First, ⌊(Stride·p + Offset) / Divisor⌋), min(Limit, ⌊(Stride·p + Offset + Extent) / Divisor⌋)).
    /// Mirrors the runtime's <c>Axon.Model.FieldAxis</c>.
    /// </summary>
    internal sealed record AxisSpec(int Stride, int Offset, int Extent, int First, int Limit, int Divisor = 1)
    {
        /// <summary>The window start of coordinate <paramref name="p"/>.</summary>
        public int Start(int p) => System.Math.Max(First, FloorDivide(Stride * p + Offset, Divisor));

        /// <summary>One past the window's last position for coordinate <paramref name="p"/>.</summary>
        public int End(int p) => System.Math.Min(Limit, FloorDivide(Stride * p + Offset + Extent, Divisor));

        /// <summary>
        /// The field of an output coordinate o that reads this axis's coordinates o·step − pad … o·step − pad + span − 1
        /// of a node with <paramref name="count"/> positions (a convolution's or pooling's sliding window; padded positions
        /// read nothing).
        /// </summary>
        public AxisSpec Slide(int span, int step, int pad, int count) => Gather(step, -pad, span, 1, count)!;

        /// <summary>
        /// The field of an output coordinate o that reads this axis's coordinates [⌊(a·o + b) / d⌋, ⌊(a·o + b + e) / d⌋)
        /// of a node with <paramref name="count"/> positions, clipped to them: a sliding window (d = 1), a transposed
        /// convolution or an upsampling (d the scale). Exact because Start and End are monotone: the union over the
        /// clipped coordinates [q₀, q₁) is [Start(max(0, q₀)), End(min(count, q₁) − 1)), and the nested floors fold into
        /// one (⌊(⌊x/d⌋ + c) / D⌋ = ⌊(x + c·d) / (d·D)⌋). Null where they do not fold (a strided field read through a divisor).
        /// </summary>
        public AxisSpec? Gather(int a, int b, int e, int d, int count)
        {
            int first = Start(0), limit = End(count - 1);
            if (Stride == 0) return this with { First = first, Limit = limit };
            if (d == 1) return new AxisSpec(Stride * a, Stride * b + Offset, Stride * (e - 1) + Extent, first, limit, Divisor);
            if (Stride != 1) return null;
            return new AxisSpec(a, b + Offset * d, e + (Extent - 1) * d, first, limit, Divisor * d);
        }

        /// <summary>Every coordinate 0..count − 1 at once (a global pooling along this axis, or all channels).</summary>
        public AxisSpec All(int count) => new(0, Start(0), End(count - 1) - Start(0), Start(0), End(count - 1));

        /// <summary>A box that holds both windows at every coordinate (the union of two operands; same stride and divisor only).</summary>
        public AxisSpec? Union(AxisSpec other)
        {
            if (other.Stride != Stride || other.Divisor != Divisor) return null;
            int offset = System.Math.Min(Offset, other.Offset);
            int end = System.Math.Max(Offset + Extent, other.Offset + other.Extent);
            return new AxisSpec(Stride, offset, end - offset, System.Math.Min(First, other.First), System.Math.Max(Limit, other.Limit), Divisor);
        }

        private static int FloorDivide(int numerator, int divisor)
        {
            if (divisor <= 1) return numerator;
            int quotient = numerator / divisor;
            return numerator % divisor < 0 ? quotient - 1 : quotient;
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
