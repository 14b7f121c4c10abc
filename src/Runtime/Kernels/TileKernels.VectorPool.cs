using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels;

// Max pooling's tile tangent for 2 × 2 windows at stride 2 (FashionCnn's) with AVX-512: a row of outputs per vector, or
// two rows when they are short (float rows of up to 8 outputs).
// Each output takes one of its window's four values: the recorded winner's offset from the window's corner says which
// row (dy) and column (dx). A vector of outputs reads the two input rows under it as they are (2 columns per output),
// picks column 2·lane + dx of each row with a two-register permute, and row dy with a blend, so no gather is needed.
// Everything the scalar path does per output is done per lane, in the same way, so the results are bit for bit its
// own: a winner outside the input tile reads the channel plane's first value, and the gate (inside the tile, and the
// pooled value > 0 when a ReLU is fused) multiplies by 1 or 0. Tiles are small (a 7 × 7 region's cone at FashionCnn's
// first pooling is 5 × 5 outputs), so rows are short and their ends, and the input rows' parts outside the tile, are
// handled with masked loads and stores rather than a scalar tail.
public static partial class TileKernels
{
    /// <summary>Off: every tiled max pooling runs the scalar path (for A/B timing in one process, and for tests).</summary>
    internal static bool UseVectorPooling = true;

    private unsafe partial struct PoolWork<T>
    {
        /// <summary>Whether this pooling runs on vectors: a 2 × 2 window at stride 2, float or double, on a CPU with AVX-512F.</summary>
        private static bool VectorFits(int kernel, int stride) =>
            UseVectorPooling && kernel == 2 && stride == 2 && Avx512F.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

        /// <summary>Sample s on vectors (see <see cref="Sample"/> for the scalar path it matches).</summary>
        private readonly void VectorSample(int s)
        {
            var tiles = _tiles;
            int from = _source, layer = _layer, channels = tiles.Channels(layer);
            int inWidth = tiles.PlaneWidth(from), inPlane = tiles.PlaneHeight(from) * inWidth;
            int outWidth = tiles.PlaneWidth(layer), outPlane = tiles.PlaneHeight(layer) * outWidth, outSize = channels * outPlane;
            int tileHeight = tiles.Height(from), tileWidth = tiles.Width(from), inTile = tiles.TileSize(from);
            int height = tiles.Height(layer), width = tiles.Width(layer), outTile = tiles.TileSize(layer);
            long row = (long)tiles.Row(s) * outSize;
            int top = tiles.Top(layer, s), left = tiles.Left(layer, s);
            var window = new Window(inWidth, tileHeight, tileWidth, 2 * left - tiles.Left(from, s), width);
            int y0 = 2 * top - tiles.Top(from, s);
            T* sample = _input + (long)(_sourceOf == null ? s : _sourceOf[s]) * inTile;
            T* values = _output + (long)s * outTile;
            int* winners = _argmax + row + top * outWidth + left;
            T* gate = _gate == null ? null : _gate + row + top * outWidth + left;
            int corner = 2 * top * inWidth + 2 * left;
            if (typeof(T) == typeof(float) && width <= Vector256<float>.Count)
            {
                // Short rows (FashionCnn's tiles are 4–5 outputs wide): two rows per vector.
                for (int c = 0; c < channels; c++)
                {
                    window.FloatRowPairs((float*)(sample + c * tileHeight * tileWidth), y0, height, c * inPlane + corner, winners + c * outPlane, outWidth, (float*)(gate == null ? null : gate + c * outPlane), (float*)values);
                    values += height * width;
                }

                return;
            }

            for (int c = 0; c < channels; c++)
            {
                T* plane = sample + c * tileHeight * tileWidth;
                for (int y = 0; y < height; y++, values += width)
                {
                    int at = c * outPlane + y * outWidth, first = c * inPlane + corner + 2 * y * inWidth;
                    T* rowGate = gate == null ? null : gate + at;
                    if (typeof(T) == typeof(float)) window.Floats((float*)plane, y0 + 2 * y, first, winners + at, (float*)rowGate, (float*)values);
                    else window.Doubles((double*)plane, y0 + 2 * y, first, winners + at, (double*)rowGate, (double*)values);
                }
            }
        }
    }

    /// <summary>
    /// One sample's geometry for a row of 2 × 2 pooling outputs: the full input plane's width (the tape's winners are
    /// indices there), the input tile's size, the input-tile column under output 0's window, and the outputs per row.
    /// </summary>
    private readonly unsafe struct Window(int inWidth, int tileHeight, int tileWidth, int x0, int width)
    {

        /// <summary>
        /// One channel's rows of float outputs, two rows per vector when a row has at most 8 outputs: lanes 0–7 row y,
        /// lanes 8–15 row y + 1, whose windows read input-tile rows top + 2y … top + 2y + 3; the lanes' patterns (which
        /// column of which loaded row each candidate is) are the same for every pair and are set up once.
        /// </summary>
        /// <param name="plane">The channel's input tile.</param>
        /// <param name="top">The input-tile row of output row 0's windows.</param>
        /// <param name="height">Output rows.</param>
        /// <param name="corner">The plane index (in the tape's terms) of output (0, 0)'s window.</param>
        /// <param name="winners">The channel's tape entry of output (0, 0); rows <paramref name="outWidth"/> apart.</param>
        /// <param name="outWidth">The pooled plane's width.</param>
        /// <param name="gate">The pooled values, laid out as <paramref name="winners"/>; null without a fused ReLU.</param>
        /// <param name="values">The channel's output tile.</param>
        public void FloatRowPairs(float* plane, int top, int height, int corner, int* winners, int outWidth, float* gate, float* values)
        {
            var lane = Vector512<int>.Indices;
            var half = lane & Vector512.Create(7);
            var second = Vector512.GreaterThanOrEqual(lane, Vector512.Create(8)); // all ones in the second row's lanes
            var twice = half + half;
            var cornerOf = twice + (second & Vector512.Create(2 * inWidth)); // each lane's window corner from output (0, 0)'s
            var pickOf = twice + (second & Vector512.Create(16)); // the candidate's column: first operand for row y, second for y + 1
            var rowOf = second & Vector512.Create(2); // the window's first row, from row y's
            var fill = Vector512.Create(plane[0]);
            var active = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(width));
            var columns = Vector512.LessThan((Vector512.Create(x0) + lane).AsUInt32(), Vector512.Create((uint)tileWidth)).AsSingle();
            var columnBound = Vector512.Create((uint)tileWidth);
            var rowBound = Vector512.Create((uint)tileHeight);
            var inWidths = Vector512.Create(inWidth);
            var columnOf = Vector512.Create(x0) + twice; // each lane's window column in the tile, from its winner's dx
            // Per pair of rows, moved on by two rows of windows: the lanes' window corners (tape) and first rows (tile).
            var corners = Vector512.Create(corner) + cornerOf;
            var cornerStep = Vector512.Create(4 * inWidth);
            var firstRows = Vector512.Create(top) + rowOf;
            var rowStep = Vector512.Create(4);
            for (int y = 0; y < height; y += 2, values += 2 * width, corners += cornerStep, firstRows += rowStep)
            {
                bool pair = y + 1 < height;
                var activeSecond = pair ? active : Vector256<int>.Zero;
                int* row = winners + y * outWidth;
                var won = Vector512.Create(Avx512F.VL.MaskLoad(row, active, Vector256<int>.Zero), Avx512F.VL.MaskLoad(row + outWidth, activeSecond, Vector256<int>.Zero));
                var offset = won - corners;
                var down = Vector512.GreaterThanOrEqual(offset, inWidths);
                var dx = offset - (down & inWidths);
                int first = top + 2 * y;
                var inside = Vector512.LessThan((columnOf + dx).AsUInt32(), columnBound) & Vector512.LessThan((firstRows - down).AsUInt32(), rowBound);
                var pick = pickOf + dx;
                var upper = Avx512F.PermuteVar16x32x2(Row(plane, first, columns), pick, Row(plane, first + 2, columns));
                var lower = Avx512F.PermuteVar16x32x2(Row(plane, first + 1, columns), pick, Row(plane, first + 3, columns));
                var value = Vector512.ConditionalSelect(inside.AsSingle(), Vector512.ConditionalSelect(down.AsSingle(), lower, upper), fill);
                var pass = inside.AsSingle();
                if (gate != null)
                {
                    float* rowGate = gate + y * outWidth;
                    var pooled = Vector512.Create(Avx512F.VL.MaskLoad(rowGate, active.AsSingle(), Vector256<float>.Zero), Avx512F.VL.MaskLoad(rowGate + outWidth, activeSecond.AsSingle(), Vector256<float>.Zero));
                    pass &= Vector512.GreaterThan(pooled, Vector512<float>.Zero);
                }

                var result = value * Vector512.ConditionalSelect(pass, Vector512<float>.One, Vector512<float>.Zero);
                Avx512F.VL.MaskStore(values, active.AsSingle(), result.GetLower());
                Avx512F.VL.MaskStore(values + width, activeSecond.AsSingle(), result.GetUpper());
            }
        }

        /// <summary>Input-tile row <paramref name="y"/>'s 16 columns from x0 (those outside the tile 0), or zeros when the row is outside the tile.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector512<float> Row(float* plane, int y, Vector512<float> columns) =>
            (uint)y < (uint)tileHeight ? Avx512F.MaskLoad(plane + y * tileWidth + x0, columns, Vector512<float>.Zero) : Vector512<float>.Zero;

        /// <summary>
        /// A row of float outputs, 16 per vector: <paramref name="top"/> is the input-tile row of the windows' first row
        /// (either row may lie outside the tile), <paramref name="corner"/> the plane index of output 0's window.
        /// </summary>
        public void Floats(float* plane, int top, int corner, int* winners, float* gate, float* values)
        {
            var lane = Vector512<int>.Indices;
            var twice = lane + lane;
            var fill = Vector512.Create(plane[0]);
            bool upperInside = (uint)top < (uint)tileHeight, lowerInside = (uint)(top + 1) < (uint)tileHeight;
            for (int x = 0; x < width; x += Vector512<float>.Count)
            {
                var active = Vector512.LessThan(lane, Vector512.Create(width - x));
                var offset = Avx512F.MaskLoad(winners + x, active, Vector512<int>.Zero) - (Vector512.Create(corner + 2 * x) + twice);
                var down = Vector512.GreaterThanOrEqual(offset, Vector512.Create(inWidth)); // dy = 1: all ones
                var pick = twice + offset - (down & Vector512.Create(inWidth)); // 2·lane + dx: the column among the 32 read
                int first = x0 + 2 * x;
                var inside = Vector512.LessThan((Vector512.Create(first) + pick).AsUInt32(), Vector512.Create((uint)tileWidth))
                    & Vector512.LessThan((Vector512.Create(top) - down).AsUInt32(), Vector512.Create((uint)tileHeight)).AsUInt32();
                var upper = upperInside ? Pick(plane + top * tileWidth, first, pick) : Vector512<float>.Zero;
                var lower = lowerInside ? Pick(plane + (top + 1) * tileWidth, first, pick) : Vector512<float>.Zero;
                var value = Vector512.ConditionalSelect(inside.AsSingle(), Vector512.ConditionalSelect(down.AsSingle(), lower, upper), fill);
                var pass = inside.AsSingle();
                if (gate != null) pass &= Vector512.GreaterThan(Avx512F.MaskLoad(gate + x, active.AsSingle(), Vector512<float>.Zero), Vector512<float>.Zero);
                Avx512F.MaskStore(values + x, active.AsSingle(), value * Vector512.ConditionalSelect(pass, Vector512<float>.One, Vector512<float>.Zero));
            }
        }

        /// <summary>A row of double outputs, 8 per vector (as <see cref="Floats"/>; the indices widened to 64 bits).</summary>
        public void Doubles(double* plane, int top, int corner, int* winners, double* gate, double* values)
        {
            var lane = Vector512<long>.Indices;
            var twice = lane + lane;
            var fill = Vector512.Create(plane[0]);
            bool upperInside = (uint)top < (uint)tileHeight, lowerInside = (uint)(top + 1) < (uint)tileHeight;
            for (int x = 0; x < width; x += Vector512<double>.Count)
            {
                var active = Vector512.LessThan(lane, Vector512.Create((long)(width - x)));
                var won = Avx512F.ConvertToVector512Int64(Avx512F.VL.MaskLoad(winners + x, Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(width - x)), Vector256<int>.Zero));
                var offset = won - (Vector512.Create((long)corner + 2 * x) + twice);
                var down = Vector512.GreaterThanOrEqual(offset, Vector512.Create((long)inWidth));
                var pick = twice + offset - (down & Vector512.Create((long)inWidth));
                int first = x0 + 2 * x;
                var inside = Vector512.LessThan((Vector512.Create((long)first) + pick).AsUInt64(), Vector512.Create((ulong)tileWidth))
                    & Vector512.LessThan((Vector512.Create((long)top) - down).AsUInt64(), Vector512.Create((ulong)tileHeight));
                var upper = upperInside ? Pick(plane + top * tileWidth, first, pick) : Vector512<double>.Zero;
                var lower = lowerInside ? Pick(plane + (top + 1) * tileWidth, first, pick) : Vector512<double>.Zero;
                var value = Vector512.ConditionalSelect(inside.AsDouble(), Vector512.ConditionalSelect(down.AsDouble(), lower, upper), fill);
                var pass = inside.AsDouble();
                if (gate != null) pass &= Vector512.GreaterThan(Avx512F.MaskLoad(gate + x, active.AsDouble(), Vector512<double>.Zero), Vector512<double>.Zero);
                Avx512F.MaskStore(values + x, active.AsDouble(), value * Vector512.ConditionalSelect(pass, Vector512<double>.One, Vector512<double>.Zero));
            }
        }

        /// <summary>
        /// Column <paramref name="first"/> + pick[lane] of an input-tile row, per lane: 32 columns from
        /// <paramref name="first"/> read with the ones outside the tile masked off (0), then permuted.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector512<float> Pick(float* row, int first, Vector512<int> pick)
        {
            var columns = Vector512.Create(first) + Vector512<int>.Indices;
            var limit = Vector512.Create((uint)tileWidth);
            var low = Avx512F.MaskLoad(row + first, Vector512.LessThan(columns.AsUInt32(), limit).AsSingle(), Vector512<float>.Zero);
            var high = Avx512F.MaskLoad(row + first + 16, Vector512.LessThan((columns + Vector512.Create(16)).AsUInt32(), limit).AsSingle(), Vector512<float>.Zero);
            return Avx512F.PermuteVar16x32x2(low, pick, high);
        }

        /// <summary>As the float <see cref="Pick(float*, int, Vector512{int})"/>: 16 columns, 8 lanes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Vector512<double> Pick(double* row, int first, Vector512<long> pick)
        {
            var columns = Vector512.Create((long)first) + Vector512<long>.Indices;
            var limit = Vector512.Create((ulong)tileWidth);
            var low = Avx512F.MaskLoad(row + first, Vector512.LessThan(columns.AsUInt64(), limit).AsDouble(), Vector512<double>.Zero);
            var high = Avx512F.MaskLoad(row + first + 8, Vector512.LessThan((columns + Vector512.Create(8L)).AsUInt64(), limit).AsDouble(), Vector512<double>.Zero);
            return Avx512F.PermuteVar8x64x2(low, pick, high);
        }
    }
}
