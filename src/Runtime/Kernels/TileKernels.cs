using Axon.Model;

namespace Axon.Kernels;

/// <summary>
/// Tangent kernels of a tiled pass (<see cref="ITiledTangent{T}"/>): node <c>layer</c>'s tiles from node
/// <c>layer</c> − 1's, for the nodes that mix neighbouring positions. Values outside a sample's input tile are taken
/// as zero. Element-wise nodes and batch norm need none of these: their tiles are their input's, and the ordinary
/// tangent kernels run on them (<see cref="TileSet{T}.Gather"/> brings the activations they read).
/// </summary>
public static partial class TileKernels
{
    /// <summary>Max pooling's tangent on tiles: each output takes its recorded winner's tangent (zero outside the input tile).</summary>
    /// <param name="tiles">The tiles; node <paramref name="layer"/>'s are written.</param>
    /// <param name="layer">The pooling node.</param>
    /// <param name="argmax">The node's arg-max tape (tape rows × the node's size; per output, an index inside the row's input).</param>
    /// <param name="kernel">The pooling window's size.</param>
    /// <param name="stride">The pooling's stride.</param>
    public static unsafe void MaxPool2d<T>(TileSet<T> tiles, int layer, ReadOnlySpan<int> argmax, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tiles);
        CheckTape(tiles, layer, argmax.Length, nameof(argmax));
        fixed (int* winners = argmax)
        {
            new PoolWork<T>(tiles, layer, layer - 1, winners, null, kernel, stride).Run();
        }
    }

    /// <summary>
    /// A ReLU and the max pooling that reads it, on tiles in one step: node <paramref name="layer"/>'s tiles (the
    /// pooling) from node <paramref name="layer"/> − 2's (the ReLU's input), without the ReLU's tiles. Each output
    /// takes its recorded winner's input tangent where the pooled value is positive, and 0 where it is not: the pooled
    /// value is the ReLU of the winner's input, so it is positive exactly where ReLU's derivative (x &gt; 0) passes the
    /// winner's tangent on — the same values as the ReLU tile followed by <see cref="MaxPool2d{T}"/>.
    /// </summary>
    /// <param name="tiles">The tiles; node <paramref name="layer"/>'s are written, node <paramref name="layer"/> − 1's are not.</param>
    /// <param name="layer">The pooling node (its input is the ReLU at node <paramref name="layer"/> − 1).</param>
    /// <param name="pooled">The pooling's activations (tape rows × the node's size).</param>
    /// <param name="argmax">The pooling's arg-max tape (tape rows × the node's size).</param>
    /// <param name="kernel">The pooling window's size.</param>
    /// <param name="stride">The pooling's stride.</param>
    public static unsafe void ReluMaxPool2d<T>(TileSet<T> tiles, int layer, ReadOnlySpan<T> pooled, ReadOnlySpan<int> argmax, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tiles);
        if (pooled.Length != argmax.Length) throw new ArgumentException($"The pooled activations hold {pooled.Length} values and the arg-max tape {argmax.Length}.", nameof(pooled));
        CheckTape(tiles, layer, argmax.Length, nameof(argmax));
        fixed (int* winners = argmax) fixed (T* gate = pooled)
        {
            new PoolWork<T>(tiles, layer, layer - 2, winners, gate, kernel, stride).Run();
        }
    }

    /// <summary>The pooling reads per sample its tape row of the node's outputs: every row a sample reads must be in the tape.</summary>
    private static void CheckTape<T>(TileSet<T> tiles, int layer, int length, string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long size = (long)tiles.Channels(layer) * tiles.PlaneHeight(layer) * tiles.PlaneWidth(layer);
        for (int s = 0; s < tiles.Count; s++)
        {
            if ((tiles.Row(s) + 1) * size > length || tiles.Row(s) < 0)
                throw new ArgumentException($"Tile sample {s} reads tape row {tiles.Row(s)}, past the {length / Math.Max(size, 1)} rows given.", name);
        }
    }

    /// <summary>
    /// Max pooling's tile tangent over the samples, in pieces on the compute pool: sample s's output tiles from its
    /// source tiles (the pooling's input, or the ReLU's input when a gate is given).
    /// </summary>
    private unsafe partial struct PoolWork<T> : IParallelWork where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Output elements below which the pooling stays on the calling thread (a few microseconds of work).</summary>
        private const int ParallelElements = 1 << 12;

        private readonly TileSet<T> _tiles;
        private readonly int _layer, _source, _kernel, _stride, _pieces;
        private readonly bool _vector; // rows on AVX-512 (TileKernels.VectorPool.cs), read once so that a call runs one path
        private readonly int* _argmax;
        private readonly T* _gate;
        private T* _input, _output;
        private int* _sourceOf; // shared source tiles (TileSet.Share): sample s reads source tile _sourceOf[s]; null: tile s

        public PoolWork(TileSet<T> tiles, int layer, int source, int* argmax, T* gate, int kernel, int stride)
        {
            _tiles = tiles;
            _layer = layer;
            _source = source;
            _argmax = argmax;
            _gate = gate;
            _kernel = kernel;
            _stride = stride;
            _vector = VectorFits(kernel, stride);
            long elements = (long)tiles.Count * tiles.TileSize(layer);
            _pieces = elements < ParallelElements ? 1 : Math.Min(tiles.Count, ComputePool.Concurrency * 4);
        }

        /// <summary>Pins the two nodes' tiles (the source's where they are, when shared) and runs every sample.</summary>
        public void Run()
        {
            bool shared = _tiles.SharedTiles(_source, out var sharedValues, out var sourceOf);
            fixed (T* input = shared ? sharedValues.AsSpan() : _tiles.Data(_source)) fixed (int* map = sourceOf) fixed (T* output = _tiles.Data(_layer))
            {
                _input = input;
                _sourceOf = shared ? map : null;
                _output = output;
                ComputePool.For(_pieces, ref this);
            }
        }

        public readonly void Invoke(int piece)
        {
            int count = _tiles.Count, first = (int)((long)count * piece / _pieces), end = (int)((long)count * (piece + 1) / _pieces);
            for (int s = first; s < end; s++)
            {
                if (_vector) VectorSample(s);
                else Sample(s);
            }
        }

        /// <summary>Sample s: output (top + y, left + x) reads the window at input-tile row y·stride + y0, column x·stride + x0.</summary>
        private readonly void Sample(int s)
        {
            var tiles = _tiles;
            int from = _source, layer = _layer, kernel = _kernel, stride = _stride, channels = tiles.Channels(layer);
            int inWidth = tiles.PlaneWidth(from), inPlane = tiles.PlaneHeight(from) * inWidth;
            int outWidth = tiles.PlaneWidth(layer), outPlane = tiles.PlaneHeight(layer) * outWidth, outSize = channels * outPlane;
            int tileHeight = tiles.Height(from), tileWidth = tiles.Width(from), inTile = tiles.TileSize(from);
            int height = tiles.Height(layer), width = tiles.Width(layer), outTile = tiles.TileSize(layer);
            long row = (long)tiles.Row(s) * outSize;
            int* winners = _argmax + row;
            T* gate = _gate == null ? null : _gate + row;
            int top = tiles.Top(layer, s), left = tiles.Left(layer, s);
            int y0 = top * stride - tiles.Top(from, s), x0 = left * stride - tiles.Left(from, s);
            T* sample = _input + (long)(_sourceOf == null ? s : _sourceOf[s]) * inTile;
            T* factors = stackalloc T[2];
            factors[0] = T.Zero;
            factors[1] = T.One;
            T* values = _output + (long)s * outTile;
            for (int c = 0, o = 0; c < channels; c++)
            {
                T* plane = sample + c * tileHeight * tileWidth;
                for (int y = 0; y < height; y++)
                {
                    int at = c * outPlane + (top + y) * outWidth + left;
                    int windowRow = c * inPlane + (top + y) * stride * inWidth + left * stride;
                    for (int x = 0; x < width; x++, o++)
                    {
                        // The winner lies in its window: offset dy·W + dx from the window's corner, dy < kernel. Written
                        // without data-dependent branches (a 2-wide window's dy, the gate and the tile's edge are 0/1
                        // factors): which candidate wins, and whether the ReLU passes it, is a coin toss per output.
                        int offset = winners[at + x] - (windowRow + x * stride), dy;
                        if (kernel == 2)
                        {
                            dy = offset >= inWidth ? 1 : 0;
                            offset -= dy * inWidth;
                        }
                        else
                        {
                            for (dy = 0; offset >= inWidth && dy < kernel; dy++) offset -= inWidth;
                        }

                        int iy = y0 + y * stride + dy, ix = x0 + x * stride + offset;
                        int inside = (uint)iy < (uint)tileHeight && (uint)ix < (uint)tileWidth ? 1 : 0;
                        int pass = gate == null ? inside : inside & (gate[at + x] > T.Zero ? 1 : 0);
                        values[o] = plane[inside * (iy * tileWidth + ix)] * factors[pass];
                    }
                }
            }
        }
    }

    /// <summary>Average pooling's tangent on tiles (kernel² positions per window, no padding).</summary>
    public static void AvgPool2d<T>(TileSet<T> tiles, int layer, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tiles);
        int from = layer - 1, channels = tiles.Channels(layer);
        int tileHeight = tiles.Height(from), tileWidth = tiles.Width(from), inTile = tiles.TileSize(from);
        int height = tiles.Height(layer), width = tiles.Width(layer), outTile = tiles.TileSize(layer);
        T scale = T.One / T.CreateChecked(kernel * kernel);
        ReadOnlySpan<T> input = tiles.Data(from);
        var output = tiles.Data(layer);
        for (int s = 0; s < tiles.Count; s++)
        {
            int y0 = tiles.Top(layer, s) * stride - tiles.Top(from, s), x0 = tiles.Left(layer, s) * stride - tiles.Left(from, s);
            var sample = input.Slice(s * inTile, inTile);
            var values = output.Slice(s * outTile, outTile);
            for (int c = 0, o = 0; c < channels; c++)
            {
                var plane = sample.Slice(c * tileHeight * tileWidth, tileHeight * tileWidth);
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++, o++)
                    {
                        T sum = T.Zero;
                        for (int ky = 0; ky < kernel; ky++)
                        {
                            int iy = y0 + y * stride + ky;
                            if ((uint)iy >= (uint)tileHeight) continue;
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                int ix = x0 + x * stride + kx;
                                if ((uint)ix < (uint)tileWidth) sum += plane[iy * tileWidth + ix];
                            }
                        }

                        values[o] = sum * scale;
                    }
                }
            }
        }
    }
}
