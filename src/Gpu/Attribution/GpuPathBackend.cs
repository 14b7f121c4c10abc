using Axon.Attribution;
using Axon.Attribution.Backends;
using Axon.Model;

namespace Axon.Gpu;

/// <summary>
/// The rows of a path method on the GPU: inputs and baselines resident on the device, rows filled there, the
/// network's generated kernels for the passes, and the per-input reductions on the device — only each chunk's row
/// descriptors and seeds go up, and only results come back. Pass it to <c>new Attributor&lt;T&gt;(backend)</c>.
/// </summary>
public sealed class GpuPathBackend<T> : IPathBackend<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly GpuNetwork<T> _network;
    private readonly GpuWorkspace<T> _workspace;
    private readonly Accelerator _accelerator;
    private readonly int _inputSize;
    private readonly int _outputSize;
    private readonly int _last;
    private readonly int[] _sizes;

    // Per-row descriptors (capacity each), uploaded per chunk.
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _rowInput;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _rowBaseline;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _rowStep;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _rowAlpha;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _rowWeight;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _rowValue;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _segments;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _seeds;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _directions;

    // Per-call data, grown on demand.
    private MemoryBuffer1D<T, Stride1D.Dense> _inputs;
    private MemoryBuffer1D<T, Stride1D.Dense> _baselines;
    private MemoryBuffer1D<T, Stride1D.Dense> _result;
    private MemoryBuffer1D<T, Stride1D.Dense> _pathSums;
    private MemoryBuffer1D<T, Stride1D.Dense> _selection;
    private MemoryBuffer1D<T, Stride1D.Dense> _regions;
    private MemoryBuffer1D<T, Stride1D.Dense> _carry;

    private readonly int[] _hostInputs;
    private readonly int[] _hostBaselines;
    private readonly int[] _hostSteps;
    private readonly T[] _hostAlpha;
    private readonly T[] _hostWeight;
    private readonly int[] _hostSegments;
    private int _segmentCount;
    private int _count;
    private int _resultSize;
    private bool _hasBaselines;

    private readonly Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<int>, ArrayView<T>, int> _fill;
    private readonly Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int> _mask;
    private readonly Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<T>, ProductShape> _product;
    private readonly Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int> _rowDot;
    private readonly Action<Index1D, ArrayView<T>, ArrayView<int>, ArrayView<T>> _segmentSum;
    private readonly Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<int>, ArrayView<T>, DifferenceShape> _differences;
    private readonly Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int> _carryKernel;

    /// <param name="network">The generated GPU network of the model (it keeps the device parameters).</param>
    /// <param name="capacity">Rows per chunk: thousands on a GPU, so that every product is large.</param>
    public GpuPathBackend(GpuNetwork<T> network, int capacity)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The backend needs room for at least one row.");
        _network = network;
        _accelerator = network.Device.Accelerator;
        var model = network.Model;
        _inputSize = model.InputSize;
        _outputSize = model.OutputSize;
        _sizes = [.. model.Layers.Select(layer => layer.Size)];
        _last = _sizes.Length - 1;
        Capacity = capacity;
        _workspace = network.CreateWorkspace(capacity);
        var a = _accelerator;
        _rowInput = a.Allocate1D<int>(capacity);
        _rowBaseline = a.Allocate1D<int>(capacity);
        _rowStep = a.Allocate1D<int>(capacity);
        _rowAlpha = a.Allocate1D<T>(capacity);
        _rowWeight = a.Allocate1D<T>(capacity);
        _rowValue = a.Allocate1D<T>(capacity);
        _segments = a.Allocate1D<int>(3L * capacity);
        _seeds = a.Allocate1D<T>((long)capacity * _outputSize);
        _directions = a.Allocate1D<T>((long)capacity * _inputSize);
        _inputs = a.Allocate1D<T>(_inputSize);
        _baselines = a.Allocate1D<T>(_inputSize);
        _result = a.Allocate1D<T>(1);
        _pathSums = a.Allocate1D<T>(1);
        _selection = a.Allocate1D<T>(1);
        _regions = a.Allocate1D<T>(1);
        _carry = a.Allocate1D<T>(1);
        _hostInputs = new int[capacity];
        _hostBaselines = new int[capacity];
        _hostSteps = new int[capacity];
        _hostAlpha = new T[capacity];
        _hostWeight = new T[capacity];
        _hostSegments = new int[3 * capacity];

        _fill = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<int>, ArrayView<T>, int>(RowKernels<T>.Fill);
        _mask = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int>(RowKernels<T>.Mask);
        _product = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<T>, ProductShape>(RowKernels<T>.Product);
        _rowDot = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int>(RowKernels<T>.RowDot);
        _segmentSum = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<int>, ArrayView<T>>(RowKernels<T>.SegmentSum);
        _differences = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, ArrayView<int>, ArrayView<int>, ArrayView<T>, DifferenceShape>(RowKernels<T>.Differences);
        _carryKernel = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, int, int>(RowKernels<T>.Carry);
    }

    /// <inheritdoc/>
    public IDifferentiableModel<T> Model => _network.Model;

    /// <inheritdoc/>
    public int Capacity { get; }

    /// <inheritdoc/>
    public bool SupportsAffinePrefix => false;

    /// <summary>The device's one-line description.</summary>
    public string Description => _network.Device.Description;

    /// <inheritdoc/>
    public void BeginCall(ReadOnlySpan<T> inputs, int count, ReadOnlySpan<T> baselines, int resultSize)
    {
        _count = count;
        _resultSize = resultSize;
        _network.UploadParameters();
        Upload(ref _inputs, inputs);
        _hasBaselines = !baselines.IsEmpty;
        if (_hasBaselines) Upload(ref _baselines, baselines);
        Ensure(ref _result, (long)count * resultSize);
        Ensure(ref _pathSums, count);
        ClearAccumulators();
    }

    /// <inheritdoc/>
    public void ClearAccumulators()
    {
        _result.View.SubView(0, (long)_count * _resultSize).MemSetToZero();
        _pathSums.View.SubView(0, _count).MemSetToZero();
    }

    /// <inheritdoc/>
    public void SetSelection(ReadOnlySpan<T> weights) => Upload(ref _selection, weights);

    /// <inheritdoc/>
    public void SetRegions(ReadOnlySpan<T> indicators, int regionCount) => Upload(ref _regions, indicators);

    /// <inheritdoc/>
    public void FillRows(ReadOnlySpan<PathRow<T>> rows, ReadOnlySpan<T> seeds)
    {
        int n = rows.Length;
        _segmentCount = 0;
        for (int r = 0; r < n; r++)
        {
            var row = rows[r];
            _hostInputs[r] = row.Input;
            _hostBaselines[r] = _hasBaselines ? row.Baseline : -1;
            _hostSteps[r] = row.Step;
            _hostAlpha[r] = row.Alpha;
            _hostWeight[r] = row.DeltaWeight;
            if (r == 0 || row.Input != rows[r - 1].Input)
            {
                if (r > 0) _hostSegments[3 * _segmentCount - 2] = r;
                _hostSegments[3 * _segmentCount] = r;
                _hostSegments[3 * _segmentCount + 2] = row.Input;
                _segmentCount++;
            }
        }

        _hostSegments[3 * _segmentCount - 2] = n;
        Copy(_hostInputs, _rowInput, n);
        Copy(_hostBaselines, _rowBaseline, n);
        Copy(_hostSteps, _rowStep, n);
        Copy(_hostAlpha, _rowAlpha, n);
        Copy(_hostWeight, _rowWeight, n);
        Copy(_hostSegments, _segments, 3 * _segmentCount);
        _seeds.View.AsContiguous().SubView(0, seeds.Length).CopyFromCPU(seeds);
        _fill((int)((long)n * _inputSize), _workspace.Activation(0, n), _directions.View.AsContiguous(), _inputs.View.AsContiguous(), _baselines.View.AsContiguous(),
            _rowInput.View.AsContiguous(), _rowBaseline.View.AsContiguous(), _rowAlpha.View.AsContiguous(), _inputSize);
    }

    /// <inheritdoc/>
    public void Forward(int rows) => _network.Forward(_workspace, rows);

    /// <inheritdoc/>
    public void ReadOutputs(int rows, Span<T> outputs) => _workspace.Activation(_last, rows).CopyToCPU(outputs);

    /// <inheritdoc/>
    public void Backward(int rows, int stopAtLayer)
    {
        _workspace.Gradient(_last, rows).CopyFrom(_seeds.View.AsContiguous().SubView(0, (long)rows * _outputSize));
        _network.Backward(_workspace, _last, rows, stopAtLayer);
    }

    /// <inheritdoc/>
    public void BackwardFromSelection(int layer, int rows)
    {
        var g = _workspace.Gradient(layer, rows);
        _mask((int)g.Length, g, _selection.View.AsContiguous(), g, _sizes[layer]);
        _network.Backward(_workspace, layer, rows, 0);
    }

    /// <inheritdoc/>
    public void Tangent(int rows, int stopAtLayer, int region = -1)
    {
        var target = _workspace.Tangent(0, rows);
        var directions = _directions.View.AsContiguous().SubView(0, target.Length);
        if (region < 0) target.CopyFrom(directions);
        else _mask((int)target.Length, directions, _regions.View.AsContiguous().SubView((long)region * _inputSize, _inputSize), target, _inputSize);
        _network.Tangent(_workspace, rows, stopAtLayer);
    }

    /// <inheritdoc/>
    public void AccumulateProduct(RowTerm a, RowTerm b, int layer, int rows, int offset)
    {
        int width = Width(b, layer);
        var shape = new ProductShape { Width = width, ResultSize = _resultSize, Offset = offset, AIsOne = a == RowTerm.One ? 1 : 0 };
        var left = a == RowTerm.One ? View(b, layer, rows) : View(a, layer, rows);
        _product(_segmentCount * width, left, View(b, layer, rows), _segments.View.AsContiguous(), _result.View.AsContiguous(), shape);
    }

    /// <inheritdoc/>
    public void AccumulateDot(RowTerm a, RowTerm b, int layer, int rows, bool weighted)
    {
        _rowDot(rows, View(a, layer, rows), View(b, layer, rows), _rowWeight.View.AsContiguous(), _rowValue.View.AsContiguous(), Width(b, layer), weighted ? 1 : 0);
        _segmentSum(_segmentCount, _rowValue.View.AsContiguous(), _segments.View.AsContiguous(), _pathSums.View.AsContiguous());
    }

    /// <inheritdoc/>
    public void AccumulateDifferences(int layer, int rows, int offset, IntegrationRule rule, int carryOffset)
    {
        int width = _sizes[layer];
        Ensure(ref _carry, carryOffset + 2L * width, keep: true);
        var carry = _carry.View.AsContiguous().SubView(carryOffset, 2L * width);
        var shape = new DifferenceShape
        {
            Width = width,
            ResultSize = _resultSize,
            Offset = offset,
            Rule = rule switch { IntegrationRule.RiemannLeft => 0, IntegrationRule.RiemannRight => 1, _ => 2 },
        };
        var y = _workspace.Activation(layer, rows);
        var g = _workspace.Gradient(layer, rows);
        _differences(_segmentCount * width, y, g, carry, _segments.View.AsContiguous(), _rowStep.View.AsContiguous(), _result.View.AsContiguous(), shape);
        _carryKernel(width, y, g, carry, rows - 1, width);
    }

    /// <inheritdoc/>
    public void ReadResult(Span<T> result) => _result.View.AsContiguous().SubView(0, result.Length).CopyToCPU(result);

    /// <inheritdoc/>
    public void ReadPathSums(Span<T> sums) => _pathSums.View.AsContiguous().SubView(0, sums.Length).CopyToCPU(sums);

    /// <summary>Frees the backend's device buffers and its workspace; the network and its device stay open (dispose them after).</summary>
    public void Dispose()
    {
        _workspace.Dispose();
        foreach (var buffer in new MemoryBuffer[] { _rowInput, _rowBaseline, _rowStep, _rowAlpha, _rowWeight, _rowValue, _segments, _seeds, _directions, _inputs, _baselines, _result, _pathSums, _selection, _regions, _carry })
        {
            buffer.Dispose();
        }
    }

    private int Width(RowTerm term, int layer) => term switch
    {
        RowTerm.Direction => _inputSize,
        RowTerm.Seed => _outputSize,
        _ => _sizes[layer],
    };

    private ArrayView<T> View(RowTerm term, int layer, int rows) => term switch
    {
        RowTerm.Direction => _directions.View.AsContiguous().SubView(0, (long)rows * _inputSize),
        RowTerm.Seed => _seeds.View.AsContiguous().SubView(0, (long)rows * _outputSize),
        RowTerm.Gradient => _workspace.Gradient(layer, rows),
        RowTerm.Tangent => _workspace.Tangent(layer, rows),
        RowTerm.Activation => _workspace.Activation(layer, rows),
        _ => throw new ArgumentOutOfRangeException(nameof(term), term, "A term with values."),
    };

    private void Upload(ref MemoryBuffer1D<T, Stride1D.Dense> buffer, ReadOnlySpan<T> values)
    {
        Ensure(ref buffer, Math.Max(1, values.Length));
        if (!values.IsEmpty) buffer.View.AsContiguous().SubView(0, values.Length).CopyFromCPU(values);
    }

    private void Ensure(ref MemoryBuffer1D<T, Stride1D.Dense> buffer, long length, bool keep = false)
    {
        if (buffer.Length >= length) return;
        var grown = _accelerator.Allocate1D<T>(length);
        grown.MemSetToZero();
        if (keep) grown.View.AsContiguous().SubView(0, buffer.Length).CopyFrom(buffer.View.AsContiguous());
        buffer.Dispose();
        buffer = grown;
    }

    private static void Copy<TValue>(TValue[] host, MemoryBuffer1D<TValue, Stride1D.Dense> device, int length) where TValue : unmanaged =>
        device.View.AsContiguous().SubView(0, length).CopyFromCPU(new ReadOnlySpan<TValue>(host, 0, length));
}
