using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution.Backends;

/// <summary>
/// The rows of a path method on the CPU: the generated model's SIMD passes over one <see cref="ModelWorkspace{T}"/>
/// of <see cref="Capacity"/> rows, and the reductions with <see cref="TensorPrimitives"/>. Every buffer is owned
/// here, grows on first use and is reused, so steady-state calls allocate nothing. The default backend of
/// <see cref="Attributor{T}"/>.
/// </summary>
public sealed class CpuPathBackend<T> : IPathBackend<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IDifferentiableModel<T> _model;
    private readonly int _inputSize;
    private readonly int _outputSize;
    private readonly int[] _sizes;
    private readonly PathRow<T>[] _rows;

    private T[] _inputs = [];
    private T[] _baselines = [];
    private T[] _result = [];
    private T[] _pathSums = [];
    private T[] _selection = [];
    private T[] _regions = [];
    private T[] _layerSeed = [];
    private T[] _masked = [];
    private T[] _carry = [];
    private T[] _difference = [];
    private T[] _coefficient = [];
    private readonly RegionTiles<T>? _regionTiles;
    private int _count;
    private int _resultSize;
    private int _rowCount;
    private bool _hasBaselines;

    /// <param name="model">The generated model.</param>
    /// <param name="capacity">Rows per chunk (the batch of every model pass).</param>
    public CpuPathBackend(IDifferentiableModel<T> model, int capacity)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The backend needs room for at least one row.");
        _model = model;
        _inputSize = model.InputSize;
        _outputSize = model.OutputSize;
        _sizes = [.. model.Layers.Select(layer => layer.Size)];
        Capacity = capacity;
        Workspace = model.CreateWorkspace(capacity);
        Points = new T[(long)capacity * _inputSize];
        Directions = new T[(long)capacity * _inputSize];
        Seeds = new T[(long)capacity * _outputSize];
        Outputs = new T[(long)capacity * _outputSize];
        _rows = new PathRow<T>[capacity];
        _regionTiles = RegionTiles<T>.Create(model);
    }

    /// <inheritdoc/>
    public IDifferentiableModel<T> Model => _model;

    /// <inheritdoc/>
    public int Capacity { get; }

    /// <inheritdoc/>
    public bool SupportsAffinePrefix => true;

    // The attributor's CPU-only paths (the affine prefix, the reference methods) work on these directly.
    internal ModelWorkspace<T> Workspace { get; }

    internal T[] Points { get; }

    internal T[] Directions { get; }

    internal T[] Seeds { get; }

    internal T[] Outputs { get; }

    /// <summary>The result being accumulated (count × resultSize).</summary>
    internal Span<T> Result => _result.AsSpan(0, _count * _resultSize);

    /// <summary>The per-input path sums being accumulated.</summary>
    internal Span<T> PathSums => _pathSums.AsSpan(0, _count);

    /// <inheritdoc/>
    public void BeginCall(ReadOnlySpan<T> inputs, int count, ReadOnlySpan<T> baselines, int resultSize)
    {
        _count = count;
        _resultSize = resultSize;
        inputs.CopyTo(Grow(ref _inputs, inputs.Length));
        _hasBaselines = !baselines.IsEmpty;
        baselines.CopyTo(Grow(ref _baselines, baselines.Length));
        Grow(ref _result, (long)count * resultSize);
        Grow(ref _pathSums, count);
        ClearAccumulators();
    }

    /// <inheritdoc/>
    public void ClearAccumulators()
    {
        Result.Clear();
        PathSums.Clear();
    }

    /// <inheritdoc/>
    public void SetSelection(ReadOnlySpan<T> weights) => weights.CopyTo(Grow(ref _selection, weights.Length));

    /// <inheritdoc/>
    public void SetRegions(ReadOnlySpan<T> indicators, int regionCount) => indicators.CopyTo(Grow(ref _regions, indicators.Length));

    /// <inheritdoc/>
    public void FillRows(ReadOnlySpan<PathRow<T>> rows, ReadOnlySpan<T> seeds)
    {
        _rowCount = rows.Length;
        rows.CopyTo(_rows);
        seeds.CopyTo(Seeds);
        for (int r = 0; r < rows.Length; r++)
        {
            var row = rows[r];
            ReadOnlySpan<T> x = _inputs.AsSpan(row.Input * _inputSize, _inputSize);
            var d = Row(Directions, r, _inputSize);
            var point = Row(Points, r, _inputSize);
            if (!_hasBaselines || row.Baseline < 0)
            {
                x.CopyTo(d);
                TensorPrimitives.Multiply(x, row.Alpha, point);
            }
            else
            {
                ReadOnlySpan<T> reference = _baselines.AsSpan(row.Baseline * _inputSize, _inputSize);
                TensorPrimitives.Subtract(x, reference, d);
                TensorPrimitives.FusedMultiplyAdd(d, row.Alpha, reference, point);
            }
        }
    }

    /// <inheritdoc/>
    public void Forward(int rows) => _model.Forward(Workspace, Points.AsSpan(0, rows * _inputSize), rows, Outputs.AsSpan(0, rows * _outputSize));

    /// <inheritdoc/>
    public void ReadOutputs(int rows, Span<T> outputs) => Outputs.AsSpan(0, rows * _outputSize).CopyTo(outputs);

    /// <inheritdoc/>
    public void Backward(int rows, int stopAtLayer) => _model.Backward(Workspace, Seeds.AsSpan(0, rows * _outputSize), rows, stopAtLayer);

    /// <inheritdoc/>
    public void BackwardFromSelection(int layer, int rows)
    {
        int width = _sizes[layer];
        var g = Workspace.Gradient(layer);
        var seed = Grow(ref _layerSeed, (long)rows * width);
        var selection = _selection.AsSpan(0, width);
        for (int r = 0; r < rows; r++) TensorPrimitives.Multiply(Row(g, r, width), selection, Row(seed, r, width));
        _model.BackwardFrom(Workspace, layer, seed, rows, 0);
    }

    /// <inheritdoc/>
    public void Tangent(int rows, int stopAtLayer, int region = -1)
    {
        var directions = Directions.AsSpan(0, rows * _inputSize);
        if (region < 0)
        {
            _model.Tangent(Workspace, directions, rows, stopAtLayer);
            return;
        }

        var masked = Grow(ref _masked, (long)rows * _inputSize);
        var indicator = _regions.AsSpan(region * _inputSize, _inputSize);
        for (int r = 0; r < rows; r++) TensorPrimitives.Multiply(Row(directions, r, _inputSize), indicator, Row(masked, r, _inputSize));
        _model.Tangent(Workspace, masked, rows, stopAtLayer);
    }

    /// <inheritdoc/>
    public void AccumulateProduct(RowTerm a, RowTerm b, int layer, int rows, int offset)
    {
        int width = Width(b, layer);
        var right = Term(b, layer, rows);
        var result = Result;
        for (int r = 0; r < rows; r++)
        {
            var accumulator = result.Slice(_rows[r].Input * _resultSize + offset, width);
            if (a == RowTerm.One) TensorPrimitives.Add(accumulator, Row(right, r, width), accumulator);
            else TensorPrimitives.FusedMultiplyAdd(Row(Term(a, layer, rows), r, width), Row(right, r, width), accumulator, accumulator);
        }
    }

    /// <inheritdoc/>
    public void AccumulateDot(RowTerm a, RowTerm b, int layer, int rows, bool weighted)
    {
        int width = Width(b, layer);
        Span<T> left = Term(a, layer, rows), right = Term(b, layer, rows);
        var sums = PathSums;
        for (int r = 0; r < rows; r++)
        {
            T value = TensorPrimitives.Dot(Row(left, r, width), Row(right, r, width));
            sums[_rows[r].Input] += weighted ? _rows[r].DeltaWeight * value : value;
        }
    }

    /// <inheritdoc/>
    public void AccumulateDifferences(int layer, int rows, int offset, IntegrationRule rule, int carryOffset)
    {
        int width = _sizes[layer];
        var carry = Grow(ref _carry, carryOffset + 2L * width, keep: true).Slice(carryOffset, 2 * width);
        var carryY = carry[..width];
        var carryG = carry[width..];
        var difference = Grow(ref _difference, width);
        var coefficient = Grow(ref _coefficient, width);
        var y = Workspace.Activation(layer);
        var g = Workspace.Gradient(layer);
        T half = T.One / (T.One + T.One);
        var result = Result;
        for (int r = 0; r < rows; r++)
        {
            if (_rows[r].Step == 0) continue;
            ReadOnlySpan<T> previousY = r > 0 ? Row(y, r - 1, width) : carryY;
            ReadOnlySpan<T> previousG = r > 0 ? Row(g, r - 1, width) : carryG;
            TensorPrimitives.Subtract(Row(y, r, width), previousY, difference);
            ReadOnlySpan<T> slope;
            switch (rule)
            {
                case IntegrationRule.RiemannLeft:
                    slope = previousG;
                    break;
                case IntegrationRule.RiemannRight:
                    slope = Row(g, r, width);
                    break;
                default:
                    TensorPrimitives.Add(Row(g, r, width), previousG, coefficient);
                    TensorPrimitives.Multiply(coefficient, half, coefficient);
                    slope = coefficient;
                    break;
            }

            var accumulator = result.Slice(_rows[r].Input * _resultSize + offset, width);
            TensorPrimitives.FusedMultiplyAdd(difference, slope, accumulator, accumulator);
        }

        Row(y, rows - 1, width).CopyTo(carryY);
        Row(g, rows - 1, width).CopyTo(carryG);
    }

    /// <inheritdoc/>
    public void ReadResult(Span<T> result) => Result.CopyTo(result);

    /// <inheritdoc/>
    public void ReadPathSums(Span<T> sums) => PathSums.CopyTo(sums);

    /// <summary>Nothing to release: the backend's buffers are managed arrays.</summary>
    public void Dispose()
    {
    }

    /// <summary>
    /// Whether patch IG computes each region's tangent only on the region's forward cone (on by default), where the
    /// model has a tiled pass (<see cref="ITiledTangent{T}"/>) that reaches the layer; off, every region runs a full
    /// tangent pass. The results are the same to rounding.
    /// </summary>
    public bool UseRegionWindows { get; set; } = true;

    /// <summary>A backend of the same model and capacity: an input lane's (see Attributor.Lanes.cs), which takes this one's settings per call (<see cref="CopySettings"/>).</summary>
    internal CpuPathBackend<T> LaneCopy() => new(_model, Capacity);

    /// <summary>Takes <paramref name="other"/>'s settings, which a user may change between calls.</summary>
    internal void CopySettings(CpuPathBackend<T> other) => UseRegionWindows = other.UseRegionWindows;

    /// <summary>Patch IG's region tangents on tiles; null when the model has no tiled pass.</summary>
    internal RegionTiles<T>? RegionTiles => _regionTiles;

    /// <summary>
    /// Patch IG's terms of every region; with <see cref="UseRegionWindows"/>, each region's tangent on its forward cone
    /// only (tiles of the forward cone, RegionTiles), the regions whose cone is most of the network by a full pass.
    /// </summary>
    public void AccumulateRegions(int layer, int regionCount, int rows)
    {
        int size = _sizes[layer];
        if (UseRegionWindows && _regionTiles is { } tiles && tiles.Reaches(layer) && !HasTaps(layer))
        {
            tiles.Track(_regions.AsSpan(0, regionCount * _inputSize), regionCount);
            tiles.Accumulate(Workspace, Directions.AsSpan(0, rows * _inputSize), _rows.AsSpan(0, rows), layer, Result, _resultSize);
            foreach (int q in tiles.FullRegions(layer))
            {
                Tangent(rows, layer, q);
                AccumulateProduct(RowTerm.Gradient, RowTerm.Tangent, layer, rows, q * size);
            }

            return;
        }

        for (int q = 0; q < regionCount; q++)
        {
            Tangent(rows, layer, q);
            AccumulateProduct(RowTerm.Gradient, RowTerm.Tangent, layer, rows, q * size);
        }
    }

    /// <summary>Whether a tap is set on a node up to <paramref name="layer"/> (a tiled pass does not apply taps).</summary>
    private bool HasTaps(int layer)
    {
        for (int l = 0; l <= layer; l++) if (Workspace.HasIntervention(l)) return true;
        return false;
    }

    private int Width(RowTerm term, int layer) => term switch
    {
        RowTerm.Direction => _inputSize,
        RowTerm.Seed => _outputSize,
        _ => _sizes[layer],
    };

    private Span<T> Term(RowTerm term, int layer, int rows) => term switch
    {
        RowTerm.Direction => Directions.AsSpan(0, rows * _inputSize),
        RowTerm.Seed => Seeds.AsSpan(0, rows * _outputSize),
        RowTerm.Gradient => Workspace.Gradient(layer),
        RowTerm.Tangent => Workspace.Tangent(layer),
        RowTerm.Activation => Workspace.Activation(layer),
        _ => throw new ArgumentOutOfRangeException(nameof(term), term, "A term with values."),
    };

    private static Span<T> Row(Span<T> rows, int row, int size) => rows.Slice(row * size, size);
}
