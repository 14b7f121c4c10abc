using System.Collections.Generic;
using System.Linq;

namespace Axon.Generator.Onnx
{
    /// <summary>
    /// Where each element of a tensor came from: its shape, and for every element (row-major) the position it holds in
    /// one flat source buffer. An exported attention moves its projections through Reshape, Transpose, Split, Gather,
    /// Squeeze and Unsqueeze in whatever order the exporter version chose (batch first or sequence first, heads merged
    /// with the batch or kept apart); instead of matching each order by name, the importer replays those operators on
    /// concrete sizes and asks only what matters: which row and column of a projection each query, key and value
    /// element is. Every operation returns a new trace, or null where the operator cannot apply (sizes that do not fit).
    /// The sizes are small at compile time (a batch of one or two, one sequence), so the explicit index is affordable.
    /// </summary>
    internal sealed class OnnxLayoutTrace
    {
        public OnnxLayoutTrace(long[] dims, int[] source)
        {
            Dims = dims;
            Source = source;
        }

        public long[] Dims { get; }

        /// <summary>For every element in row-major order, its index in the source buffer.</summary>
        public int[] Source { get; }

        public int Rank => Dims.Length;

        /// <summary>A buffer of this shape read in its own order.</summary>
        public static OnnxLayoutTrace Contiguous(params long[] dims)
        {
            long count = 1;
            foreach (long d in dims) count *= d;
            return new OnnxLayoutTrace(dims, Enumerable.Range(0, (int)count).ToArray());
        }

        /// <summary>Whether this is the source buffer itself, seen with exactly these dimensions.</summary>
        public bool IsContiguous(params long[] dims)
        {
            if (!Dims.SequenceEqual(dims)) return false;
            for (int i = 0; i < Source.Length; i++)
            {
                if (Source[i] != i) return false;
            }

            return true;
        }

        /// <summary>ONNX Reshape (allowzero = 0): a 0 keeps the input's dimension, one −1 takes what is left.</summary>
        public OnnxLayoutTrace? Reshape(IReadOnlyList<long> target)
        {
            var dims = new long[target.Count];
            int inferred = -1;
            long known = 1;
            for (int i = 0; i < dims.Length; i++)
            {
                long d = target[i];
                if (d == 0)
                {
                    if (i >= Rank) return null;
                    d = Dims[i];
                }

                if (d == -1)
                {
                    if (inferred >= 0) return null;
                    inferred = i;
                    continue;
                }

                // Every dimension is at least 1, so a product past the element count can never come back to it.
                if (d <= 0 || d > Source.Length) return null;
                dims[i] = d;
                known *= d;
                if (known > Source.Length) return null;
            }

            if (inferred >= 0)
            {
                if (known == 0 || Source.Length % known != 0) return null;
                dims[inferred] = Source.Length / known;
            }
            else if (known != Source.Length)
            {
                return null;
            }

            return new OnnxLayoutTrace(dims, Source);
        }

        /// <summary>ONNX Transpose; no permutation reverses the axes, as the operator's default does.</summary>
        public OnnxLayoutTrace? Transpose(IReadOnlyList<long>? permutation)
        {
            var perm = permutation?.ToArray() ?? Enumerable.Range(0, Rank).Select(i => (long)(Rank - 1 - i)).ToArray();
            if (perm.Length != Rank || perm.Distinct().Count() != Rank || perm.Any(p => p < 0 || p >= Rank)) return null;
            var dims = perm.Select(p => Dims[p]).ToArray();
            var inputStrides = Strides(Dims);
            var source = new int[Source.Length];
            var index = new long[Rank];
            for (int flat = 0; flat < source.Length; flat++)
            {
                long offset = 0;
                for (int a = 0; a < Rank; a++) offset += index[a] * inputStrides[perm[a]];
                source[flat] = Source[offset];
                Increment(index, dims);
            }

            return new OnnxLayoutTrace(dims, source);
        }

        /// <summary>The elements whose index along <paramref name="axis"/> lies in [start, start + length): Split and Slice.</summary>
        public OnnxLayoutTrace? Narrow(long axis, long start, long length)
        {
            if (!Axis(ref axis) || start < 0 || length <= 0 || start + length > Dims[axis]) return null;
            var dims = (long[])Dims.Clone();
            dims[axis] = length;
            return Select(dims, (index, strides) =>
            {
                long offset = 0;
                for (int a = 0; a < Rank; a++) offset += (a == axis ? index[a] + start : index[a]) * strides[a];
                return offset;
            });
        }

        /// <summary>Gather with one constant index along <paramref name="axis"/>: the axis dropped (a scalar index) or kept with size 1.</summary>
        public OnnxLayoutTrace? Pick(long axis, long position, bool keepAxis)
        {
            if (!Axis(ref axis)) return null;
            if (position < 0) position += Dims[axis];
            var narrowed = Narrow(axis, position, 1);
            if (narrowed is null || keepAxis) return narrowed;
            return new OnnxLayoutTrace(Dims.Where((_, a) => a != axis).ToArray(), narrowed.Source);
        }

        /// <summary>Squeeze: the named axes (all of size 1), or every axis of size 1 when none are named.</summary>
        public OnnxLayoutTrace? Squeeze(IReadOnlyList<long>? axes)
        {
            var drop = new HashSet<long>();
            if (axes is null || axes.Count == 0)
            {
                for (long a = 0; a < Rank; a++)
                {
                    if (Dims[a] == 1) drop.Add(a);
                }
            }
            else
            {
                foreach (long raw in axes)
                {
                    long a = raw;
                    if (!Axis(ref a) || Dims[a] != 1) return null;
                    drop.Add(a);
                }
            }

            return new OnnxLayoutTrace(Dims.Where((_, a) => !drop.Contains(a)).ToArray(), Source);
        }

        /// <summary>Unsqueeze: axes of size 1 inserted at the named positions of the result.</summary>
        public OnnxLayoutTrace? Unsqueeze(IReadOnlyList<long> axes)
        {
            int rank = Rank + axes.Count;
            var inserted = new HashSet<long>();
            foreach (long raw in axes)
            {
                long a = raw < 0 ? raw + rank : raw;
                if (a < 0 || a >= rank || !inserted.Add(a)) return null;
            }

            var dims = new List<long>();
            int next = 0;
            for (long a = 0; a < rank; a++) dims.Add(inserted.Contains(a) ? 1 : Dims[next++]);
            return new OnnxLayoutTrace(dims.ToArray(), Source);
        }

        /// <summary>
        /// A row-wise product (MatMul by a constant [width, columns]) of this trace: each last-axis row must be one whole
        /// source row of <paramref name="width"/> consecutive elements; the result points into a buffer of the same rows,
        /// <paramref name="columns"/> wide. Null where a row is not a whole source row.
        /// </summary>
        public OnnxLayoutTrace? Project(long width, long columns)
        {
            if (Rank < 2 || Dims[Rank - 1] != width) return null;
            int rows = (int)(Source.Length / width);
            var source = new int[rows * columns];
            for (int r = 0; r < rows; r++)
            {
                int first = Source[r * width];
                if (first % width != 0) return null;
                for (int c = 1; c < width; c++)
                {
                    if (Source[r * width + c] != first + c) return null;
                }

                long row = first / width;
                for (int c = 0; c < columns; c++) source[r * columns + c] = (int)(row * columns + c);
            }

            var dims = (long[])Dims.Clone();
            dims[Rank - 1] = columns;
            return new OnnxLayoutTrace(dims, source);
        }

        private OnnxLayoutTrace Select(long[] dims, System.Func<long[], long[], long> offsetOf)
        {
            long count = 1;
            foreach (long d in dims) count *= d;
            var strides = Strides(Dims);
            var source = new int[count];
            var index = new long[dims.Length];
            for (int flat = 0; flat < source.Length; flat++)
            {
                source[flat] = Source[offsetOf(index, strides)];
                Increment(index, dims);
            }

            return new OnnxLayoutTrace(dims, source);
        }

        private bool Axis(ref long axis)
        {
            if (axis < 0) axis += Rank;
            return axis >= 0 && axis < Rank;
        }

        public static long[] Strides(long[] dims)
        {
            var strides = new long[dims.Length];
            long s = 1;
            for (int a = dims.Length - 1; a >= 0; a--)
            {
                strides[a] = s;
                s *= dims[a];
            }

            return strides;
        }

        private static void Increment(long[] index, long[] dims)
        {
            for (int a = index.Length - 1; a >= 0; a--)
            {
                if (++index[a] < dims[a]) return;
                index[a] = 0;
            }
        }
    }
}
