using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Axon.Kernels;
using Axon.Model;

namespace Axon.Attribution.Backends;

/// <summary>
/// Patch IG's region tangents on tiles, for models with a tiled pass (<see cref="ITiledTangent{T}"/>). A region's
/// masked direction is zero outside the region's bounding box, so at every node of the tiled chain its tangent is zero
/// outside that box's forward cone (<see cref="ITiledTangent{T}.MapWindow"/>): the tangent is computed on the cone
/// only, and the product with the layer's gradient only there. Regions whose cones have the same sizes at every node
/// run as one tiled pass (rows × regions samples), so the convolutions stay large products. A region whose cone is
/// most of the network (a large region, a mask spread over the input) runs the full pass instead.
/// </summary>
internal sealed class RegionTiles<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>A region whose tiles would hold more than this share of the full pass's elements runs the full pass.</summary>
    private const double TiledShare = 0.6;

    /// <summary>Tile elements of one node per tiled pass (bounds the tiles' memory; more regions make more passes).</summary>
    private const long TileBudget = 1L << 18;

    private readonly IDifferentiableModel<T> _model;
    private readonly ITiledTangent<T> _tiled;
    private readonly TileSet<T> _tiles;
    private readonly int[] _sizes;
    private readonly int[] _channels;
    private readonly int _inputSize, _height, _width;

    private T[] _indicators = [];
    private SpatialWindow[] _boxes = [];
    private int _regionCount = -1;
    private int _plannedLayer = -1;
    private SpatialWindow[] _windows = []; // [region][node 0..layer]
    private int[] _group = [];             // per region: its group, Full or Zero
    private int[] _order = [];             // tiled regions, group after group
    private int[] _groupStart = [];        // group g is _order[_groupStart[g].._groupStart[g + 1]]
    private int[] _full = [];
    private int[] _cursor = [];            // per group: its first region while grouping, then the next free slot while sorting
    private int _groupCount;
    private int _fullCount;
    private int[] _allRows = [];            // 0, 1, 2, … (every row a sample)
    private int[] _directionOf = [];
    private int[] _distinctRows = [];
    private T[] _stage = [];
    private int[] _sourceOf = [];           // per sample of a tiled pass: its shared tile of the affine nodes

    private const int Full = -1;
    private const int Zero = -2;

    private RegionTiles(IDifferentiableModel<T> model, ITiledTangent<T> tiled)
    {
        _model = model;
        _tiled = tiled;
        var layers = model.Layers;
        _tiles = new TileSet<T>(layers, tiled.TiledDepth);
        _sizes = [.. layers.Select(layer => layer.Size)];
        _channels = [.. layers.Take(tiled.TiledDepth + 1).Select(layer => layer.Shape[0])];
        _inputSize = model.InputSize;
        _height = layers[0].Shape[1];
        _width = layers[0].Shape[2];
    }

    /// <summary>The tiles of <paramref name="model"/>'s region tangents, or null when it has no tiled pass.</summary>
    public static RegionTiles<T>? Create(IDifferentiableModel<T> model) =>
        model is ITiledTangent<T> tiled && tiled.TiledDepth >= 1 && model.Layers[0].Shape.Count == 3 ? new RegionTiles<T>(model, tiled) : null;

    /// <summary>Whether region tangents to <paramref name="layer"/> can run on tiles.</summary>
    public bool Reaches(int layer) => layer >= 1 && layer <= _tiled.TiledDepth;

    /// <summary>
    /// The regions (indicators: regions × InputSize) of the coming accumulations: each one's bounding box over the input
    /// plane, every channel. Nothing is redone while they stay the same (one call's chunks).
    /// </summary>
    public void Track(ReadOnlySpan<T> indicators, int regionCount)
    {
        if (regionCount == _regionCount && indicators.SequenceEqual(_indicators.AsSpan(0, Math.Min(_indicators.Length, indicators.Length)))) return;
        indicators.CopyTo(Grow(ref _indicators, indicators.Length));
        _regionCount = regionCount;
        _plannedLayer = -1;
        if (_boxes.Length < regionCount) _boxes = new SpatialWindow[regionCount];
        int plane = _height * _width;
        for (int q = 0; q < regionCount; q++)
        {
            var indicator = indicators.Slice(q * _inputSize, _inputSize);
            int top = int.MaxValue, bottom = -1, left = int.MaxValue, right = -1;
            for (int i = indicator.IndexOfAnyExcept(T.Zero); i >= 0;)
            {
                int within = i % plane, y = within / _width, x = within % _width;
                top = Math.Min(top, y);
                bottom = Math.Max(bottom, y);
                left = Math.Min(left, x);
                right = Math.Max(right, x);
                int next = indicator[(i + 1)..].IndexOfAnyExcept(T.Zero);
                i = next < 0 ? -1 : i + 1 + next;
            }

            _boxes[q] = bottom < 0 ? default : new SpatialWindow(top, left, bottom - top + 1, right - left + 1);
        }
    }

    /// <summary>How many of the regions run on tiles at <paramref name="layer"/>.</summary>
    public int TiledRegions(int layer)
    {
        Plan(layer);
        return _groupStart[_groupCount];
    }

    /// <summary>The regions that run the full pass at <paramref name="layer"/> (the rest run on tiles or reach nothing).</summary>
    public ReadOnlySpan<int> FullRegions(int layer)
    {
        Plan(layer);
        return _full.AsSpan(0, _fullCount);
    }

    /// <summary>
    /// result[input of r][q·width + j] += g_r[j]·t_{r,q}[j] for every tiled region q and row r, where t is the tangent at
    /// <paramref name="layer"/> along direction r masked by region q, computed on tiles; j runs over q's cone only.
    /// </summary>
    /// <remarks>
    /// The network's leading affine nodes (a first convolution) have tangents that depend on the direction only, and the
    /// rows of a chunk are mostly steps of one path: those nodes run once per distinct direction, and their tiles are
    /// then copied to every row of that direction.
    /// </remarks>
    public void Accumulate(ModelWorkspace<T> workspace, ReadOnlySpan<T> directions, ReadOnlySpan<PathRow<T>> rows, int layer, Span<T> result, int resultSize)
    {
        ReadOnlySpan<T> indicators = _indicators.AsSpan(0, _regionCount * _inputSize);
        Plan(layer);
        int count = rows.Length, nodes = layer + 1;
        if (_allRows.Length < count)
        {
            _allRows = new int[count];
            for (int r = 0; r < count; r++) _allRows[r] = r;
        }

        // Trailing point-wise nodes (activations, batch norm) fold into the gradient: g_L ⊙ t_L = (J_Lᵀ g_L) ⊙ t_{L−1}
        // through such a node, so the tiles stop below them and one cheap reverse step moves g down instead.
        int top = layer;
        while (top > 1 && IsPointwise(_model.Layers[top].Kind)) top--;
        if (top < layer && workspace.RescaleReference is null) _model.BackwardFrom(workspace, layer, workspace.Gradient(layer), count, top);
        else top = layer;

        int shared = Math.Min(AffineNodes(layer), top);
        int distinct = shared > 0 ? FindDistinctDirections(rows) : count;
        var all = _allRows.AsSpan(0, count);
        var representatives = _distinctRows.AsSpan(0, distinct);
        for (int g = 0; g < _groupCount; g++)
        {
            var members = _order.AsSpan(_groupStart[g], _groupStart[g + 1] - _groupStart[g]);
            var sizes = _windows.AsSpan(members[0] * nodes, nodes);
            long largest = 1;
            for (int l = 0; l < nodes; l++) largest = Math.Max(largest, (long)_channels[l] * sizes[l].Area);
            int perPass = (int)Math.Clamp(TileBudget / (count * largest), 1, members.Length);
            for (int first = 0; first < members.Length; first += perPass)
            {
                var regions = members.Slice(first, Math.Min(perPass, members.Length - first));
                if (distinct < count)
                {
                    Prepare(regions, shared + 1, representatives);
                    FillInputTiles(directions, indicators, regions, representatives);
                    _tiled.TangentTiles(workspace, _tiles, 1, shared);
                    int tile = _tiles.TileSize(shared);
                    _tiles.Data(shared).CopyTo(Grow(ref _stage, (long)regions.Length * distinct * tile));
                    Prepare(regions, top + 1, all);
                    // Every row of a direction has the same tiles here: they stay shared (a pooling reads them where
                    // they are), and are copied to each row only if the next kernel reads the node's values in full.
                    var sourceOf = Grow(ref _sourceOf, (long)regions.Length * count);
                    for (int j = 0, s = 0; j < regions.Length; j++)
                    {
                        for (int r = 0; r < count; r++, s++) sourceOf[s] = j * distinct + _directionOf[r];
                    }

                    _tiles.Share(shared, _stage, _sourceOf);
                    if (shared < top) _tiled.TangentTiles(workspace, _tiles, shared + 1, top);
                }
                else
                {
                    Prepare(regions, top + 1, all);
                    FillInputTiles(directions, indicators, regions, all);
                    _tiled.TangentTiles(workspace, _tiles, 1, top);
                }

                AddProducts(workspace.Gradient(top), rows, regions, top, result, resultSize);
            }
        }
    }

    /// <summary>Nodes whose output element j depends on input element j only (same shape).</summary>
    internal static bool IsPointwise(LayerKind kind) => kind is LayerKind.ReLU or LayerKind.LeakyReLU or LayerKind.Sigmoid or LayerKind.Tanh
        or LayerKind.Gelu or LayerKind.Softplus or LayerKind.Activation or LayerKind.BatchNorm;

    /// <summary>The last of the nodes 1..<paramref name="layer"/> that are all affine (0 when node 1 is not).</summary>
    private int AffineNodes(int layer)
    {
        int last = 0;
        while (last < layer && _model.Layers[last + 1].IsAffine) last++;
        return last;
    }

    /// <summary>
    /// Groups the rows by direction (rows of one input and one baseline have the same x − x′): <c>_directionOf[r]</c>
    /// is row r's group, <c>_distinctRows[u]</c> the first row of group u. Returns the number of groups.
    /// </summary>
    private int FindDistinctDirections(ReadOnlySpan<PathRow<T>> rows)
    {
        Grow(ref _directionOf, rows.Length);
        Grow(ref _distinctRows, rows.Length);
        int distinct = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            int u = 0;
            while (u < distinct && (rows[_distinctRows[u]].Input != rows[r].Input || rows[_distinctRows[u]].Baseline != rows[r].Baseline)) u++;
            if (u == distinct) _distinctRows[distinct++] = r;
            _directionOf[r] = u;
        }

        return distinct;
    }

    /// <summary>Sets up the tiles of nodes 0..<paramref name="nodes"/>−1 for samples (region j, row <paramref name="sampleRows"/>[i]).</summary>
    private void Prepare(ReadOnlySpan<int> regions, int nodes, ReadOnlySpan<int> sampleRows)
    {
        var tiles = _tiles;
        int allNodes = _plannedLayer + 1;
        var sizes = _windows.AsSpan(regions[0] * allNodes, allNodes);
        tiles.Reset(regions.Length * sampleRows.Length);
        for (int l = 0; l < nodes; l++) tiles.SetSize(l, sizes[l].Height, sizes[l].Width);
        for (int j = 0, s = 0; j < regions.Length; j++)
        {
            var windows = _windows.AsSpan(regions[j] * allNodes, allNodes);
            foreach (int row in sampleRows)
            {
                tiles.SetRow(s, row);
                for (int l = 0; l < nodes; l++) tiles.SetOrigin(l, s, windows[l].Top, windows[l].Left);
                s++;
            }
        }
    }

    /// <summary>Node 0's tiles: direction (sample's row) ⊙ region q's indicator on q's box.</summary>
    private void FillInputTiles(ReadOnlySpan<T> directions, ReadOnlySpan<T> indicators, ReadOnlySpan<int> regions, ReadOnlySpan<int> sampleRows)
    {
        var tiles = _tiles;
        int channels = _channels[0], height = tiles.Height(0), width = tiles.Width(0), tile = tiles.TileSize(0), plane = _height * _width;
        var data = tiles.Data(0);
        for (int j = 0, s = 0; j < regions.Length; j++)
        {
            var indicator = indicators.Slice(regions[j] * _inputSize, _inputSize);
            var box = _boxes[regions[j]];
            foreach (int row in sampleRows)
            {
                var direction = directions.Slice(row * _inputSize, _inputSize);
                var destination = data.Slice(s++ * tile, tile);
                for (int c = 0, to = 0; c < channels; c++)
                {
                    for (int y = 0; y < height; y++, to += width)
                    {
                        int at = c * plane + (box.Top + y) * _width + box.Left;
                        TensorPrimitives.Multiply(direction.Slice(at, width), indicator.Slice(at, width), destination.Slice(to, width));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds g ⊙ t over each sample's tile of <paramref name="layer"/> to its input's result for its region (the attributed
    /// layer, or a node below it with its shape when point-wise nodes were folded into g). The regions write disjoint
    /// parts of the result, so they run in parallel on the compute pool.
    /// </summary>
    private unsafe void AddProducts(ReadOnlySpan<T> gradient, ReadOnlySpan<PathRow<T>> rows, ReadOnlySpan<int> regions, int layer, Span<T> result, int resultSize)
    {
        // A convolution's tiles may still be in the strips it computed them in (TileSet.HoldInStrips): read there.
        bool strips = _tiles.InStrips(layer, out var stripValues, out int perStrip, out int pitch, out int stripWidth);
        fixed (T* g = gradient) fixed (PathRow<T>* r = rows) fixed (int* q = regions) fixed (T* a = result)
        fixed (T* t = strips ? stripValues.AsSpan() : _tiles.Data(layer))
        {
            var layout = strips ? new TileLayout(perStrip, pitch, stripWidth) : new TileLayout(1, 0, _tiles.Width(layer));
            var work = new ProductWork(_tiles, layer, _sizes[layer], resultSize, rows.Length, g, r, q, a, t, layout);
            ComputePool.For(regions.Length, ref work);
        }
    }

    /// <summary>Where sample s's tile lies: strip s / PerStrip, at column (s mod PerStrip)·Pitch, rows RowStride apart (one tile per strip, pitch 0, rows its width apart: the tiles' own layout).</summary>
    private readonly record struct TileLayout(int PerStrip, int Pitch, int RowStride);

    /// <summary>One region's products over every row (<see cref="AddProducts"/>); the region's index in the pass is the work item.</summary>
    private readonly unsafe struct ProductWork(TileSet<T> tiles, int layer, int size, int resultSize, int count, T* gradient, PathRow<T>* rows, int* regions, T* result, T* data, TileLayout layout)
        : IParallelWork
    {
        public void Invoke(int j)
        {
            int channels = tiles.Channels(layer), planeWidth = tiles.PlaneWidth(layer), plane = tiles.PlaneHeight(layer) * planeWidth;
            int height = tiles.Height(layer), width = tiles.Width(layer), rowStride = layout.RowStride, channelStride = height * rowStride;
            if (RegionProductSwitch.Masked && MaskedRows.Fit(width))
            {
                InvokeMasked(j, new MaskedRows(width), channels, planeWidth, plane, height, rowStride, channelStride);
                return;
            }

            for (int r = 0, s = j * count; r < count; r++, s++)
            {
                T* g = gradient + (long)r * size;
                T* accumulator = result + (long)rows[r].Input * resultSize + (long)regions[j] * size;
                T* t = data + (long)(s / layout.PerStrip) * channels * channelStride + s % layout.PerStrip * layout.Pitch;
                int corner = tiles.Top(layer, s) * planeWidth + tiles.Left(layer, s);
                for (int c = 0; c < channels; c++)
                {
                    for (int y = 0; y < height; y++)
                    {
                        int at = c * plane + corner + y * planeWidth;
                        MultiplyAdd(new ReadOnlySpan<T>(g + at, width), new ReadOnlySpan<T>(t + c * channelStride + y * rowStride, width), new Span<T>(accumulator + at, width));
                    }
                }
            }
        }

        /// <summary>
        /// Region j's products with one masked vector per tile row (<see cref="MaskedRows"/>). The same loop as
        /// <see cref="Invoke"/>'s on purpose: one loop choosing per row between the two kinds of row measured 0.89–0.91×
        /// (2026-12-01, --tile-pool), losing what the masked rows gain.
        /// </summary>
        private void InvokeMasked(int j, MaskedRows rowsOf, int channels, int planeWidth, int plane, int height, int rowStride, int channelStride)
        {
            for (int r = 0, s = j * count; r < count; r++, s++)
            {
                T* g = gradient + (long)r * size;
                T* accumulator = result + (long)rows[r].Input * resultSize + (long)regions[j] * size;
                T* t = data + (long)(s / layout.PerStrip) * channels * channelStride + s % layout.PerStrip * layout.Pitch;
                int corner = tiles.Top(layer, s) * planeWidth + tiles.Left(layer, s);
                for (int c = 0; c < channels; c++)
                {
                    for (int y = 0; y < height; y++)
                    {
                        int at = c * plane + corner + y * planeWidth;
                        rowsOf.Add(g + at, t + c * channelStride + y * rowStride, accumulator + at);
                    }
                }
            }
        }
    }

    /// <summary>
    /// a += x ⊙ y over tile rows of at most one vector's width, each row one masked load of each operand and one masked
    /// store (AVX-512): the same multiply and add per element as <see cref="MultiplyAdd"/>, so the same results, with
    /// about half its instructions for FashionCnn's 7-wide tiles. The row mask is set up once per region.
    /// </summary>
    private readonly unsafe struct MaskedRows
    {
        private readonly Vector256<float> _floats;
        private readonly Vector512<double> _doubles;

        public MaskedRows(int width)
        {
            _floats = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(width)).AsSingle();
            _doubles = Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)width)).AsDouble();
        }

        /// <summary>Whether rows of <paramref name="width"/> elements of T fit one masked vector on this CPU (float: 8, double: 8).</summary>
        public static bool Fit(int width) => width <= 8 && Avx512F.VL.IsSupported && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

        /// <summary>a[i] += x[i]·y[i] for the row's elements.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(T* x, T* y, T* a)
        {
            if (typeof(T) == typeof(float))
            {
                var sum = Avx512F.VL.MaskLoad((float*)a, _floats, Vector256<float>.Zero)
                    + Avx512F.VL.MaskLoad((float*)x, _floats, Vector256<float>.Zero) * Avx512F.VL.MaskLoad((float*)y, _floats, Vector256<float>.Zero);
                Avx512F.VL.MaskStore((float*)a, _floats, sum);
            }
            else
            {
                var sum = Avx512F.MaskLoad((double*)a, _doubles, Vector512<double>.Zero)
                    + Avx512F.MaskLoad((double*)x, _doubles, Vector512<double>.Zero) * Avx512F.MaskLoad((double*)y, _doubles, Vector512<double>.Zero);
                Avx512F.MaskStore((double*)a, _doubles, sum);
            }
        }
    }

    /// <summary>
    /// a += x ⊙ y over a short run (a tile row: too short for a vector call to pay). A run of one to two vectors takes two
    /// overlapping vectors, both computed before either is stored, so the overlap is written twice with the same value.
    /// </summary>
    private static void MultiplyAdd(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> accumulator)
    {
        ref T a = ref MemoryMarshal.GetReference(accumulator);
        ref T u = ref MemoryMarshal.GetReference(x);
        ref T v = ref MemoryMarshal.GetReference(y);
        int length = accumulator.Length;
        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && length >= Vector128<T>.Count && length <= 2 * Vector128<T>.Count)
        {
            nuint tail = (nuint)(length - Vector128<T>.Count);
            var head = Vector128.LoadUnsafe(ref a) + Vector128.LoadUnsafe(ref u) * Vector128.LoadUnsafe(ref v);
            var end = Vector128.LoadUnsafe(ref a, tail) + Vector128.LoadUnsafe(ref u, tail) * Vector128.LoadUnsafe(ref v, tail);
            head.StoreUnsafe(ref a);
            end.StoreUnsafe(ref a, tail);
            return;
        }

        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && length >= Vector256<T>.Count && length <= 2 * Vector256<T>.Count)
        {
            nuint tail = (nuint)(length - Vector256<T>.Count);
            var head = Vector256.LoadUnsafe(ref a) + Vector256.LoadUnsafe(ref u) * Vector256.LoadUnsafe(ref v);
            var end = Vector256.LoadUnsafe(ref a, tail) + Vector256.LoadUnsafe(ref u, tail) * Vector256.LoadUnsafe(ref v, tail);
            head.StoreUnsafe(ref a);
            end.StoreUnsafe(ref a, tail);
            return;
        }

        for (int i = 0; i < length; i++) Unsafe.Add(ref a, i) += Unsafe.Add(ref u, i) * Unsafe.Add(ref v, i);
    }

    /// <summary>
    /// Each region's windows at nodes 0..<paramref name="layer"/>; whether it runs on tiles, the full pass or not at all
    /// (a cone that dies out: no output reads the region); the tiled ones grouped by their windows' sizes.
    /// </summary>
    private void Plan(int layer)
    {
        if (_plannedLayer == layer) return;
        int nodes = layer + 1, regionCount = _regionCount;
        Grow(ref _windows, (long)regionCount * nodes);
        Grow(ref _group, regionCount);
        Grow(ref _order, regionCount);
        Grow(ref _full, regionCount);
        Grow(ref _groupStart, regionCount + 1);
        Grow(ref _cursor, regionCount);
        long fullElements = 0;
        for (int l = 1; l < nodes; l++) fullElements += _sizes[l];
        _groupCount = 0;
        _fullCount = 0;
        for (int q = 0; q < regionCount; q++)
        {
            var windows = _windows.AsSpan(q * nodes, nodes);
            windows[0] = _boxes[q];
            long elements = 0;
            bool reaches = !windows[0].IsEmpty;
            for (int l = 1; l < nodes && reaches; l++)
            {
                windows[l] = _tiled.MapWindow(l, windows[l - 1]);
                reaches = !windows[l].IsEmpty;
                elements += (long)_channels[l] * windows[l].Area;
            }

            if (!reaches) _group[q] = Zero;
            else if (elements > TiledShare * fullElements) _group[q] = Full;
            else _group[q] = GroupOf(q, nodes);
            if (_group[q] == Full) _full[_fullCount++] = q;
        }

        // Counting sort of the tiled regions by group, each group in region order.
        _groupStart.AsSpan(0, _groupCount + 1).Clear();
        for (int q = 0; q < regionCount; q++) if (_group[q] >= 0) _groupStart[_group[q] + 1]++;
        for (int g = 0; g < _groupCount; g++) _groupStart[g + 1] += _groupStart[g];
        _groupStart.AsSpan(0, _groupCount).CopyTo(_cursor);
        for (int q = 0; q < regionCount; q++) if (_group[q] >= 0) _order[_cursor[_group[q]]++] = q;
        _plannedLayer = layer;
    }

    /// <summary>The group whose windows have region q's sizes at every node; a new one when none has.</summary>
    private int GroupOf(int q, int nodes)
    {
        var windows = _windows.AsSpan(q * nodes, nodes);
        for (int g = 0; g < _groupCount; g++)
        {
            var other = _windows.AsSpan(_cursor[g] * nodes, nodes); // _cursor[g] holds group g's first region until the sort
            bool same = true;
            for (int l = 0; l < nodes && same; l++) same = other[l].Height == windows[l].Height && other[l].Width == windows[l].Width;
            if (same) return g;
        }

        _cursor[_groupCount] = q;
        return _groupCount++;
    }
}

/// <summary>Off: patch IG's region products use the scalar-width runs instead of masked vector rows (for A/B timing in one process, and for tests).</summary>
internal static class RegionProductSwitch
{
    /// <summary>Whether tile rows of up to 8 elements take one masked AVX-512 vector each.</summary>
    internal static bool Masked = true;
}
