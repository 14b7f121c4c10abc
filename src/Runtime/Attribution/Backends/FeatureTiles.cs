using Axon.Kernels;
using Axon.Model;

namespace Axon.Attribution.Backends;

/// <summary>
/// The conductance maps' tangents on tiles (<see cref="Attributor{T}.NeuronConductanceMaps"/>), for models with a tiled
/// pass (<see cref="ITiledTangent{T}"/>) that reaches the mapped layer. Input feature i's direction (xᵢ − x′ᵢ)·eᵢ is
/// zero outside one pixel, so its tangent is zero outside that pixel's forward cone at every node: each feature's
/// tangent runs on its cone only, features whose cones have the same sizes together as one tiled pass, instead of a
/// full tangent pass per feature. The products ∂F/∂y_j · t_{i,j} go straight into the maps' window layout.
/// </summary>
internal sealed class FeatureTiles<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Tile elements of one node per tiled pass (bounds the tiles' memory; larger groups make more passes).</summary>
    private const long TileBudget = 1L << 18;

    private readonly IDifferentiableModel<T> _model;
    private readonly ITiledTangent<T> _tiled;
    private readonly TileSet<T> _tiles;
    private readonly int _channels, _height, _width;
    private readonly ConductanceMapLayout _layout;
    private readonly int _layer, _top;
    private readonly SpatialWindow[] _windows; // [pixel][node 0..top]
    private readonly int[] _order;             // pixels that reach the layer, group after group
    private readonly int[] _groupStart;        // group g is _order[_groupStart[g].._groupStart[g + 1]]
    private readonly int[] _tileIndex;         // per (neuron, value) pair of ByFeature: the neuron's place in its feature's tile at node top, or −1
    private int[] _passFeatures = [];

    private FeatureTiles(IDifferentiableModel<T> model, ITiledTangent<T> tiled, ConductanceMapLayout layout, int layer)
    {
        _model = model;
        _tiled = tiled;
        _layout = layout;
        _layer = layer;
        var layers = model.Layers;
        // Trailing point-wise nodes fold into the gradient (see RegionTiles): the tiles stop below them.
        int top = layer;
        while (top > 1 && RegionTiles<T>.IsPointwise(layers[top].Kind)) top--;
        _top = top;
        _tiles = new TileSet<T>(layers, top);
        var shape = layers[0].Shape;
        (_channels, _height, _width) = (shape[0], shape[1], shape[2]);

        // Every pixel's cone at nodes 0..top, and the pixels grouped by their cones' sizes (border pixels are clipped).
        int nodes = top + 1, pixels = _height * _width;
        _windows = new SpatialWindow[pixels * nodes];
        var group = new int[pixels];
        var firstOfGroup = new List<int>();
        for (int pixel = 0; pixel < pixels; pixel++)
        {
            var windows = _windows.AsSpan(pixel * nodes, nodes);
            windows[0] = new SpatialWindow(pixel / _width, pixel % _width, 1, 1);
            for (int l = 1; l < nodes; l++) windows[l] = tiled.MapWindow(l, windows[l - 1]);
            group[pixel] = -1;
            if (windows[nodes - 1].IsEmpty) continue; // no neuron of the layer reads this pixel (a stride that skips it)
            for (int g = 0; g < firstOfGroup.Count && group[pixel] < 0; g++)
            {
                var other = _windows.AsSpan(firstOfGroup[g] * nodes, nodes);
                bool same = true;
                for (int l = 0; l < nodes && same; l++) same = other[l].Height == windows[l].Height && other[l].Width == windows[l].Width;
                if (same) group[pixel] = g;
            }

            if (group[pixel] < 0)
            {
                group[pixel] = firstOfGroup.Count;
                firstOfGroup.Add(pixel);
            }
        }

        _groupStart = new int[firstOfGroup.Count + 1];
        foreach (int g in group) if (g >= 0) _groupStart[g + 1]++;
        for (int g = 0; g < firstOfGroup.Count; g++) _groupStart[g + 1] += _groupStart[g];
        var cursor = _groupStart[..^1];
        _order = new int[_groupStart[^1]];
        for (int pixel = 0; pixel < pixels; pixel++) if (group[pixel] >= 0) _order[cursor[group[pixel]]++] = pixel;

        // Where each (neuron j, value) pair of feature i reads its tangent: j's place in i's tile at node top (same shape
        // as the layer: the folded nodes are point-wise), or −1 where j lies outside the tile (its tangent is zero).
        var (starts, pairs) = layout.ByFeature();
        _tileIndex = new int[pairs.Length / 2];
        int planeHeight = layers[top].Shape[1], planeWidth = layers[top].Shape[2], plane = planeHeight * planeWidth;
        for (int i = 0; i < layout.InputSize; i++)
        {
            var window = _windows[(i % pixels) * nodes + top];
            for (int p = starts[i]; p < starts[i + 1]; p++)
            {
                int j = pairs[2 * p], c = j / plane, y = j % plane / planeWidth - window.Top, x = j % planeWidth - window.Left;
                _tileIndex[p] = (uint)y < (uint)window.Height && (uint)x < (uint)window.Width ? (c * window.Height + y) * window.Width + x : -1;
            }
        }
    }

    /// <summary>
    /// The tiles of <paramref name="layer"/>'s maps on <paramref name="model"/>, or null where they do not apply: no tiled
    /// pass reaching the layer, an input that is not [C, H, W], or a dense layout.
    /// </summary>
    public static FeatureTiles<T>? Create(IDifferentiableModel<T> model, ConductanceMapLayout layout, int layer) =>
        model is ITiledTangent<T> tiled && layer >= 1 && layer <= tiled.TiledDepth && model.Layers[0].Shape.Count == 3 && !layout.IsDense
            ? new FeatureTiles<T>(model, tiled, layout, layer)
            : null;

    /// <summary>
    /// maps[(j, i)] += ∂F/∂y_j · ∂y_j/∂xᵢ·(xᵢ − x′ᵢ) for every moving feature i and every neuron j whose window holds i, at
    /// the point whose forward (one row) and backward to the layer are on <paramref name="workspace"/>'s tape.
    /// </summary>
    /// <param name="workspace">The workspace with the tape (row 0) and ∂F/∂y at the layer.</param>
    /// <param name="direction">x − x′ (InputSize values).</param>
    /// <param name="maps">The maps, in the layout's order.</param>
    public void Accumulate(ModelWorkspace<T> workspace, ReadOnlySpan<T> direction, Span<T> maps)
    {
        int top = _top, nodes = top + 1, pixels = _height * _width;
        if (top < _layer) _model.BackwardFrom(workspace, _layer, workspace.Gradient(_layer), 1, top);
        ReadOnlySpan<T> gradient = workspace.Gradient(top)[.._model.Layers[top].Size];
        var (starts, pairs) = _layout.ByFeature();
        for (int g = 0; g + 1 < _groupStart.Length; g++)
        {
            var members = _order.AsSpan(_groupStart[g], _groupStart[g + 1] - _groupStart[g]);
            var sizes = _windows.AsSpan(members[0] * nodes, nodes);
            long largest = 1;
            for (int l = 0; l < nodes; l++) largest = Math.Max(largest, (long)_tiles.Channels(l) * sizes[l].Area);
            int perPass = (int)Math.Clamp(TileBudget / largest, 1, members.Length);
            for (int first = 0; first < members.Length; first += perPass)
            {
                int count = Prepare(members.Slice(first, Math.Min(perPass, members.Length - first)), direction);
                if (count == 0) continue;
                _tiled.TangentTiles(workspace, _tiles, 1, top);
                AddProducts(gradient, starts, pairs, count, maps);
            }
        }
    }

    /// <summary>
    /// One sample per moving feature (every channel of each pixel), its input tile the direction on that feature and
    /// zero on the pixel's other channels; returns the number of samples.
    /// </summary>
    private int Prepare(ReadOnlySpan<int> pixels, ReadOnlySpan<T> direction)
    {
        int nodes = _top + 1, plane = _height * _width, count = 0;
        var features = Grow(ref _passFeatures, pixels.Length * _channels);
        foreach (int pixel in pixels)
        {
            for (int c = 0; c < _channels; c++) if (direction[c * plane + pixel] != T.Zero) features[count++] = c * plane + pixel;
        }

        var tiles = _tiles;
        tiles.Reset(count);
        if (count == 0) return 0;
        var sizes = _windows.AsSpan(pixels[0] * nodes, nodes);
        for (int l = 0; l < nodes; l++) tiles.SetSize(l, sizes[l].Height, sizes[l].Width);
        var input = tiles.Data(0);
        input.Clear();
        for (int s = 0; s < count; s++)
        {
            int feature = features[s];
            var windows = _windows.AsSpan(feature % plane * nodes, nodes);
            tiles.SetRow(s, 0);
            for (int l = 0; l < nodes; l++) tiles.SetOrigin(l, s, windows[l].Top, windows[l].Left);
            input[s * _channels + feature / plane] = direction[feature]; // node 0's tile: [C, 1, 1]
        }

        return count;
    }

    /// <summary>The products of every sample's tile at node top with the gradient, into the maps; features in parallel (their map values are disjoint).</summary>
    private unsafe void AddProducts(ReadOnlySpan<T> gradient, int[] starts, int[] pairs, int count, Span<T> maps)
    {
        fixed (T* g = gradient) fixed (T* m = maps) fixed (T* t = _tiles.Data(_top)) fixed (int* s = starts) fixed (int* p = pairs) fixed (int* at = _tileIndex) fixed (int* f = _passFeatures)
        {
            var work = new ProductWork(g, m, t, s, p, at, f, _tiles.TileSize(_top), count, Math.Min(count, ComputePool.Concurrency * 4));
            ComputePool.For(work.Pieces, ref work);
        }
    }

    private readonly unsafe struct ProductWork(T* gradient, T* maps, T* tiles, int* starts, int* pairs, int* tileIndex, int* features, int tileSize, int count, int pieces)
        : IParallelWork
    {
        public int Pieces => pieces;

        public void Invoke(int piece)
        {
            int first = (int)((long)count * piece / pieces), end = (int)((long)count * (piece + 1) / pieces);
            for (int s = first; s < end; s++)
            {
                int i = features[s];
                T* tile = tiles + (long)s * tileSize;
                for (int p = starts[i], stop = starts[i + 1]; p < stop; p++)
                {
                    int at = tileIndex[p];
                    T g = gradient[pairs[2 * p]];
                    if (at >= 0 && g != T.Zero) maps[pairs[2 * p + 1]] += g * tile[at];
                }
            }
        }
    }
}
