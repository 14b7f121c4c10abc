using System.ComponentModel;

namespace Axon.Model;

/// <summary>
/// A box of the plane of a [C, H, W] node, on every channel: rows <see cref="Top"/>..Top+Height−1 and columns
/// <see cref="Left"/>..Left+Width−1. Empty when <see cref="Height"/> or <see cref="Width"/> is 0.
/// </summary>
/// <param name="Top">The first row.</param>
/// <param name="Left">The first column.</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public readonly record struct SpatialWindow(int Top, int Left, int Height, int Width)
{
    /// <summary>Whether the box holds no position.</summary>
    public bool IsEmpty => Height <= 0 || Width <= 0;

    /// <summary>Positions of the box (0 when empty).</summary>
    public int Area => IsEmpty ? 0 : Height * Width;

    /// <summary>
    /// The forward cone of <paramref name="window"/> through a sliding window (a convolution's or a pooling's) of
    /// <paramref name="kernel"/>² positions, <paramref name="stride"/> and zero <paramref name="padding"/> over a
    /// <paramref name="height"/> × <paramref name="width"/> plane: the outputs that read any position of the box,
    /// clipped to the output plane. Empty when no output reads it (a stride wider than the kernel can skip rows).
    /// </summary>
    public static SpatialWindow ThroughSlidingWindow(SpatialWindow window, int height, int width, int kernel, int stride, int padding)
    {
        if (window.IsEmpty) return default;
        var (top, rows) = Cone(window.Top, window.Height, (height + 2 * padding - kernel) / stride + 1, kernel, stride, padding);
        var (left, columns) = Cone(window.Left, window.Width, (width + 2 * padding - kernel) / stride + 1, kernel, stride, padding);
        return rows <= 0 || columns <= 0 ? default : new SpatialWindow(top, left, rows, columns);
    }

    /// <summary>The rows and columns, or "empty".</summary>
    public override string ToString() => IsEmpty ? "empty" : $"rows {Top}..{Top + Height - 1}, columns {Left}..{Left + Width - 1}";

    /// <summary>Output o reads inputs o·stride − padding … o·stride − padding + kernel − 1.</summary>
    private static (int First, int Count) Cone(int first, int count, int outputs, int kernel, int stride, int padding)
    {
        int low = Math.Max(0, -FloorDivide(-(first + padding - kernel + 1), stride));
        int high = Math.Min(outputs - 1, FloorDivide(first + count - 1 + padding, stride));
        return (low, high - low + 1);
    }

    private static int FloorDivide(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// <summary>
/// Forward mode restricted to windows, offered by generated models whose first nodes are local in space: nodes
/// 1..<see cref="TiledDepth"/> each read the node before them over [C, H, W] planes, and each output element depends
/// on a bounded window of its input (convolution, pooling, batch norm, element-wise activations). A direction that is
/// zero outside a box of the input then has a tangent that is zero outside that box's forward cone at every such
/// node, so the pass computes each node only on a tile that holds the cone — what patch Integrated Gradients needs
/// per input region.
/// </summary>
public interface ITiledTangent<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The last node a tiled pass can reach (≥ 1).</summary>
    int TiledDepth { get; }

    /// <summary>
    /// The window of node <paramref name="layer"/> (1..<see cref="TiledDepth"/>) outside which its tangent is zero when
    /// the tangent of node <paramref name="layer"/> − 1 is zero outside <paramref name="window"/>.
    /// </summary>
    SpatialWindow MapWindow(int layer, SpatialWindow window);

    /// <summary>
    /// Forward mode over the tape of the last forward, on tiles: given the tiles of node <paramref name="startAtLayer"/> − 1
    /// (<see cref="TileSet{T}.Data"/>; for node 0 each sample's input tangent on its box, zero outside it), computes the
    /// tiles of nodes <paramref name="startAtLayer"/>..<paramref name="stopAtLayer"/> — exactly the tangent on each
    /// tile, when each node's tile holds the <see cref="MapWindow"/> of the previous node's. Workspace tangents are
    /// left as they were. A ReLU followed by a max pooling inside the range runs within the pooling's kernel, and its
    /// own tiles are then not written (they are when the pass ends at the ReLU).
    /// </summary>
    void TangentTiles(ModelWorkspace<T> workspace, TileSet<T> tiles, int startAtLayer, int stopAtLayer);
}

/// <summary>The start of every generated tiled pass (<see cref="ITiledTangent{T}.TangentTiles"/>), like <see cref="ModelPass"/>'s.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TiledPass
{
    /// <summary>
    /// Checks the tape, that the tiles were made for this model (<paramref name="layers"/>, the generated catalogue) and
    /// point at recorded rows, the node range, and that no tap is set on the nodes the pass runs (tiles do not apply
    /// them); returns the last node the pass must reach.
    /// </summary>
    public static int Begin<T>(ModelWorkspace<T> workspace, LayerInfo[] layers, TileSet<T> tiles, int startAtLayer, int stopAtLayer, int depth)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(tiles);
        workspace.RequireTape(workspace.Batch);
        if (!ReferenceEquals(tiles.Layers, layers)) throw new ArgumentException("These tiles were made for another model's nodes.", nameof(tiles));
        int deepest = Math.Min(depth, tiles.Depth);
        if (stopAtLayer < 1 || stopAtLayer > deepest)
            throw new ArgumentOutOfRangeException(nameof(stopAtLayer), stopAtLayer, $"A tiled pass runs to nodes 1..{deepest}.");
        if (startAtLayer < 1 || startAtLayer > stopAtLayer)
            throw new ArgumentOutOfRangeException(nameof(startAtLayer), startAtLayer, $"The pass starts at a node in 1..{stopAtLayer}.");
        for (int s = 0; s < tiles.Count; s++)
        {
            if ((uint)tiles.Row(s) >= (uint)workspace.Batch)
                throw new ArgumentException($"Tile sample {s} reads tape row {tiles.Row(s)}; the last forward recorded {workspace.Batch}.", nameof(tiles));
        }

        for (int l = 0; l <= stopAtLayer; l++)
        {
            if (workspace.HasIntervention(l)) throw new InvalidOperationException($"Node {l} has a tap, which a tiled pass does not apply: use Tangent.");
        }

        return stopAtLayer;
    }
}

/// <summary>
/// The tiles of a tiled tangent pass (<see cref="ITiledTangent{T}"/>): a set of samples, each a tape row of the
/// workspace with, for every node 0..<see cref="Depth"/>, a box of that node's plane (one size per node, an origin
/// per sample) and the tangent's values on it (per sample [C, height, width], samples one after the other). The
/// buffers grow on first use and are reused.
/// </summary>
public sealed class TileSet<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _channels;
    private readonly int[] _planeHeights;
    private readonly int[] _planeWidths;
    private readonly int[] _heights;
    private readonly int[] _widths;
    private readonly T[][] _data;
    private int[] _rows = [];
    private int[] _origins = []; // [node][sample] (top, left)
    private T[] _padded = [];
    private T[] _strips = [];
    private int _sharedLayer = -1;
    private int _stripLayer = -1, _perStrip, _stripPitch, _stripWidth;
    private T[] _sharedValues = [];
    private int[] _sharedOf = [];
    private T[] _scratch = [];
    private T[] _gathered = [];
    private T[] _gatheredOther = [];
    private int _capacity;

    /// <summary>Tiles for nodes 0..<paramref name="depth"/> of a model with these nodes (each of them [C, H, W]).</summary>
    public TileSet(IReadOnlyList<LayerInfo> layers, int depth)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (depth < 0 || depth >= layers.Count) throw new ArgumentOutOfRangeException(nameof(depth), depth, $"The model has nodes 0..{layers.Count - 1}.");
        Layers = layers;
        Depth = depth;
        _channels = new int[depth + 1];
        _planeHeights = new int[depth + 1];
        _planeWidths = new int[depth + 1];
        _heights = new int[depth + 1];
        _widths = new int[depth + 1];
        _data = new T[depth + 1][];
        for (int l = 0; l <= depth; l++)
        {
            var shape = layers[l].Shape;
            if (shape.Count != 3) throw new ArgumentException($"Node {l} ('{layers[l].Name}') has shape [{string.Join("×", shape)}], not [C, H, W].", nameof(layers));
            _channels[l] = shape[0];
            _planeHeights[l] = shape[1];
            _planeWidths[l] = shape[2];
            _data[l] = [];
        }
    }

    /// <summary>The nodes of the model the tiles belong to.</summary>
    public IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>The last node with tiles.</summary>
    public int Depth { get; }

    /// <summary>Samples in the set.</summary>
    public int Count { get; private set; }

    /// <summary>Starts a set of <paramref name="count"/> samples; every node's size and every origin must be set again.</summary>
    public void Reset(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _capacity)
        {
            _capacity = count;
            _rows = new int[count];
            _origins = new int[2L * count * (Depth + 1)];
        }

        Count = count;
        _sharedLayer = -1;
        _stripLayer = -1;
    }

    /// <summary>Sets node <paramref name="layer"/>'s tile size (every sample) and makes room for its values.</summary>
    public void SetSize(int layer, int height, int width)
    {
        if ((uint)height > (uint)_planeHeights[layer] || (uint)width > (uint)_planeWidths[layer])
            throw new ArgumentOutOfRangeException(nameof(height), $"A {height}×{width} tile does not fit node {layer}'s {_planeHeights[layer]}×{_planeWidths[layer]} plane.");
        if (layer == _sharedLayer) _sharedLayer = -1;
        if (layer == _stripLayer) _stripLayer = -1;
        _heights[layer] = height;
        _widths[layer] = width;
        long length = (long)Count * _channels[layer] * height * width;
        if (_data[layer].Length < length) _data[layer] = new T[length];
    }

    /// <summary>Sample <paramref name="sample"/> reads tape row <paramref name="row"/>.</summary>
    public void SetRow(int sample, int row) => _rows[sample] = row;

    /// <summary>Sample <paramref name="sample"/>'s tile of node <paramref name="layer"/> starts at (top, left) of the plane.</summary>
    public void SetOrigin(int layer, int sample, int top, int left)
    {
        if (top < 0 || left < 0 || top + _heights[layer] > _planeHeights[layer] || left + _widths[layer] > _planeWidths[layer])
            throw new ArgumentOutOfRangeException(nameof(top), $"A {_heights[layer]}×{_widths[layer]} tile at ({top}, {left}) does not fit node {layer}'s plane.");
        long at = 2 * ((long)layer * _capacity + sample);
        _origins[at] = top;
        _origins[at + 1] = left;
    }

    /// <summary>The tape row sample <paramref name="sample"/> reads.</summary>
    public int Row(int sample) => _rows[sample];

    /// <summary>The plane row where sample <paramref name="sample"/>'s tile of node <paramref name="layer"/> starts.</summary>
    public int Top(int layer, int sample) => _origins[2 * ((long)layer * _capacity + sample)];

    /// <summary>The plane column where sample <paramref name="sample"/>'s tile of node <paramref name="layer"/> starts.</summary>
    public int Left(int layer, int sample) => _origins[2 * ((long)layer * _capacity + sample) + 1];

    /// <summary>Channels of node <paramref name="layer"/>.</summary>
    public int Channels(int layer) => _channels[layer];

    /// <summary>Rows of node <paramref name="layer"/>'s plane.</summary>
    public int PlaneHeight(int layer) => _planeHeights[layer];

    /// <summary>Columns of node <paramref name="layer"/>'s plane.</summary>
    public int PlaneWidth(int layer) => _planeWidths[layer];

    /// <summary>Rows of node <paramref name="layer"/>'s tiles.</summary>
    public int Height(int layer) => _heights[layer];

    /// <summary>Columns of node <paramref name="layer"/>'s tiles.</summary>
    public int Width(int layer) => _widths[layer];

    /// <summary>Elements of one sample's tile of node <paramref name="layer"/>.</summary>
    public int TileSize(int layer) => _channels[layer] * _heights[layer] * _widths[layer];

    /// <summary>The values of node <paramref name="layer"/>'s tiles: Count × C × height × width.</summary>
    public Span<T> Data(int layer)
    {
        if (layer == _sharedLayer) Unshare();
        if (layer == _stripLayer) Unstrip();
        return _data[layer].AsSpan(0, Count * TileSize(layer));
    }

    /// <summary>
    /// Node <paramref name="layer"/>'s tiles were computed in the strips buffer (<see cref="Strips"/>) and stay there:
    /// sample s's tile starts at (s / <paramref name="perStrip"/>)·C·height·<paramref name="stripWidth"/> + (s mod
    /// perStrip)·<paramref name="pitch"/>, its rows stripWidth apart. A reader that knows the layout (patch IG's
    /// products) reads them there; <see cref="Data"/> copies them out. Ends at <see cref="Reset"/>, the node's next
    /// <see cref="SetSize"/>, or the next use of the strips buffer.
    /// </summary>
    internal void HoldInStrips(int layer, int perStrip, int pitch, int stripWidth)
    {
        _stripLayer = layer;
        _perStrip = perStrip;
        _stripPitch = pitch;
        _stripWidth = stripWidth;
    }

    /// <summary>Whether node <paramref name="layer"/>'s tiles are held in the strips (see <see cref="HoldInStrips"/>), and their layout.</summary>
    internal bool InStrips(int layer, out T[] strips, out int perStrip, out int pitch, out int stripWidth)
    {
        bool held = layer == _stripLayer;
        strips = held ? _strips : [];
        perStrip = held ? _perStrip : 0;
        pitch = held ? _stripPitch : 0;
        stripWidth = held ? _stripWidth : 0;
        return held;
    }

    /// <summary>Copies the tiles held in the strips to the node's values.</summary>
    private void Unstrip()
    {
        int layer = _stripLayer, channels = _channels[layer], height = _heights[layer], width = _widths[layer], tile = TileSize(layer);
        int plane = height * _stripWidth;
        _stripLayer = -1;
        var data = _data[layer].AsSpan(0, Count * tile);
        for (int s = 0; s < Count; s++)
        {
            var strip = _strips.AsSpan((s / _perStrip) * channels * plane + s % _perStrip * _stripPitch);
            var values = data.Slice(s * tile, tile);
            for (int c = 0, to = 0; c < channels; c++)
            {
                for (int y = 0; y < height; y++, to += width) strip.Slice(c * plane + y * _stripWidth, width).CopyTo(values.Slice(to, width));
            }
        }
    }

    /// <summary>
    /// Holds node <paramref name="layer"/>'s tiles once per group of samples whose tiles are equal (a node whose
    /// tangent depends on the direction only, while the samples are steps of a few paths): sample s's tile is tile
    /// <paramref name="sourceOf"/>[s] of <paramref name="values"/>. A kernel that reads shared tiles where they are
    /// (<see cref="SharedTiles"/>) saves copying one to every sample; <see cref="Data"/> copies them out. The arrays are
    /// the caller's and must stay unchanged until <see cref="Reset"/> or the next <see cref="SetSize"/> of the node.
    /// </summary>
    internal void Share(int layer, T[] values, int[] sourceOf)
    {
        int tile = TileSize(layer);
        for (int s = 0; s < Count; s++)
        {
            if ((long)(sourceOf[s] + 1) * tile > values.Length || sourceOf[s] < 0)
                throw new ArgumentException($"Sample {s} reads shared tile {sourceOf[s]}, past the {values.Length / Math.Max(tile, 1)} given.", nameof(sourceOf));
        }

        _sharedLayer = layer;
        _sharedValues = values;
        _sharedOf = sourceOf;
    }

    /// <summary>Node <paramref name="layer"/>'s shared tiles and each sample's (see <see cref="Share"/>), when they are shared.</summary>
    internal bool SharedTiles(int layer, out T[] values, out int[] sourceOf)
    {
        bool shared = layer == _sharedLayer;
        values = shared ? _sharedValues : [];
        sourceOf = shared ? _sharedOf : [];
        return shared;
    }

    /// <summary>Copies the shared tiles to every sample's place in the node's values.</summary>
    private void Unshare()
    {
        int layer = _sharedLayer, tile = TileSize(layer);
        _sharedLayer = -1;
        var data = _data[layer].AsSpan(0, Count * tile);
        for (int s = 0; s < Count; s++) _sharedValues.AsSpan(_sharedOf[s] * tile, tile).CopyTo(data.Slice(s * tile, tile));
    }

    /// <summary>
    /// Copies the part of a per-row buffer of node <paramref name="layer"/> (tape rows × the node's size, e.g. its
    /// activation) under each sample's tile into scratch <paramref name="slot"/> (0 or 1), laid out like
    /// <see cref="Data"/>: what an element-wise kernel reads beside the tiles.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ReadOnlySpan<T> Gather(int layer, ReadOnlySpan<T> values, int slot)
    {
        int channels = _channels[layer], height = _heights[layer], width = _widths[layer];
        int planeWidth = _planeWidths[layer], plane = _planeHeights[layer] * planeWidth, size = channels * plane, tile = TileSize(layer);
        ref T[] buffer = ref slot == 0 ? ref _gathered : ref _gatheredOther;
        var gathered = Grow(ref buffer, (long)Count * tile);
        for (int s = 0; s < Count; s++)
        {
            var row = values.Slice(_rows[s] * size, size);
            int corner = Top(layer, s) * planeWidth + Left(layer, s);
            var destination = gathered.Slice(s * tile, tile);
            for (int c = 0, to = 0; c < channels; c++)
            {
                for (int y = 0; y < height; y++, to += width) row.Slice(c * plane + corner + y * planeWidth, width).CopyTo(destination.Slice(to, width));
            }
        }

        return gathered;
    }

    /// <summary>Room for the zero-padded input tiles of a convolution.</summary>
    internal Span<T> Padded(long length) => Grow(ref _padded, length);

    /// <summary>Room for a convolution's outputs before they are copied to the tiles.</summary>
    internal Span<T> Strips(long length)
    {
        if (_stripLayer >= 0) Unstrip();
        return Grow(ref _strips, length);
    }

    /// <summary>Room for a kernel's scratch.</summary>
    internal Span<T> Scratch(long length) => Grow(ref _scratch, length);
}
