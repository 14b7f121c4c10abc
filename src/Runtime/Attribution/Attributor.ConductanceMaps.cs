using System.Numerics.Tensors;
using Axon.Model;
using Axon.Attribution.Backends;

namespace Axon.Attribution;

// Every neuron's conductance map in one call. Neuron conductance of neuron j over input feature i is
//     (xᵢ − x′ᵢ) ∫ ∂F/∂y_j · ∂y_j/∂xᵢ dα,
// and ∂y/∂xᵢ for all j at once is one forward-mode pass along eᵢ. So each step is one backward to the layer (∂F/∂y for
// every neuron) and one tangent per input feature, batched as the rows of a chunk — never one backward per neuron.
// Features with xᵢ = x′ᵢ contribute nothing and get no tangent. Each neuron's map is kept on its receptive-field window
// only (ConductanceMapLayout): the product ∂F/∂y_j · ∂y_j/∂xᵢ is formed for the (i, j) pairs whose window holds i,
// and not at all for neurons whose ∂F/∂y_j is zero at the step (a ReLU that is off, a max-pool candidate that lost).
// Where the model has a tiled pass reaching the layer (UseMapWindows), each feature's tangent is itself computed only on
// its forward cone: the features run as a few tiled passes per step instead of one full tangent pass each.
public sealed partial class Attributor<T>
{
    private T[] _mapDirections = [];
    private T[] _mapPoints = [];
    private T[] _mapGradient = [];
    private int[] _mapFeatures = [];
    private ConductanceMapLayout?[] _mapLayouts = [];
    private FeatureTiles<T>?[] _mapTiles = [];
    private bool[] _mapTilesChecked = [];

    /// <summary>
    /// Whether <see cref="NeuronConductanceMaps"/> computes each input feature's tangent only on its forward cone (on by
    /// default), where the model has a tiled pass (<see cref="ITiledTangent{T}"/>) that reaches the layer and the layout
    /// is not dense; off, every feature runs a full tangent pass. The maps are the same to rounding.
    /// </summary>
    public bool UseMapWindows { get; set; } = true;

    /// <summary>The tiles of <paramref name="node"/>'s maps, built once per layer; null where they do not apply.</summary>
    private FeatureTiles<T>? MapTiles(int node, ConductanceMapLayout layout)
    {
        if (_mapTiles.Length != _layers.Length)
        {
            _mapTiles = new FeatureTiles<T>?[_layers.Length];
            _mapTilesChecked = new bool[_layers.Length];
        }

        if (!_mapTilesChecked[node])
        {
            _mapTiles[node] = FeatureTiles<T>.Create(_model, layout, node);
            _mapTilesChecked[node] = true;
        }

        return _mapTiles[node];
    }

    /// <summary>
    /// How <see cref="NeuronConductanceMaps"/> stores the maps of <paramref name="layer"/>: per neuron its receptive-field
    /// window and where its values start (dense where the field is the whole input). Built once per layer.
    /// </summary>
    /// <exception cref="ArgumentException">The layer belongs to another model or does not exist.</exception>
    public ConductanceMapLayout MapLayout(LayerHandle layer)
    {
        int node = CheckLayer(layer, nameof(layer));
        if (_mapLayouts.Length != _layers.Length) _mapLayouts = new ConductanceMapLayout?[_layers.Length];
        return _mapLayouts[node] ??= ConductanceMapLayout.For(_model, layer);
    }

    /// <summary>
    /// The conductance map of every neuron of <paramref name="layer"/> for one input: for neuron j and input feature i
    /// in j's receptive field, (xᵢ − x′ᵢ)·∫₀¹ ∂F/∂y_j(γ) · ∂y_j/∂xᵢ(γ) dα (zero outside the field, and not stored there).
    /// <paramref name="maps"/> follows <see cref="MapLayout"/> of the layer: neuron j's window values at
    /// <see cref="ConductanceMapLayout.Offset"/>(j), row-major over its <see cref="MapWindow"/>; where the field is the
    /// whole input the layout is dense (layer size × InputSize). Neuron j's map equals
    /// <see cref="NeuronConductance(LayerHandle, int, ReadOnlySpan{T}, AttributionTarget{T}, Baseline{T}, Span{T}, IntegrationOptions?, Span{T})"/>
    /// of neuron j, and the maps sum over the neurons to the neuron conductance of the whole layer. Each step is one
    /// backward to the layer and one tangent per input feature that differs from the baseline (batched; with
    /// <see cref="UseMapWindows"/>, each on its forward cone only where the model has a tiled pass); the cost does
    /// not grow with the number of neurons. <see cref="ConductanceMapView{T}"/> reads the result per neuron and filter.
    /// </summary>
    /// <param name="layer">The layer whose neurons are mapped (not the input).</param>
    /// <param name="input">One input (InputSize values).</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′: zero or shared (one input, so per-input is the same as shared).</param>
    /// <param name="maps"><see cref="ConductanceMapLayout.Length"/> values of the layer's <see cref="MapLayout"/>.</param>
    /// <param name="options">Rule and steps (the adaptive mode and the exact rule are not available here).</param>
    public AttributionReport NeuronConductanceMaps(
        LayerHandle layer, ReadOnlySpan<T> input, AttributionTarget<T> target, Baseline<T> baseline, Span<T> maps, IntegrationOptions? options = null)
    {
        Enter();
        try
        {
            options ??= IntegrationOptions.Default;
            int node = CheckLayer(layer, nameof(layer));
            if (node == 0) throw new ArgumentException("Node 0 is the input: its neurons' maps are IG restricted to one feature each.", nameof(layer));
            if (_tokenEmbedding > 0) throw new NotSupportedException($"Model '{_model.Name}' takes token ids, which have no tangent: map the neurons with NeuronConductance per token instead.");
            if (options.Tolerance > 0) throw new ArgumentException("The adaptive mode is not available for conductance maps; give a fixed number of steps.", nameof(options));
            if (options.Rule == IntegrationRule.Exact) throw new NotSupportedException("Conductance maps do not take the exact rule yet; use Gauss–Legendre.");
            int count = ValidateCommon(input, target, baseline, options, default);
            if (count != 1) throw new ArgumentException($"Give one input (its maps are per input); {count} were given.", nameof(input));
            if (baseline.Kind == BaselineKind.Set) throw new ArgumentException("Give a zero or shared baseline: a distribution would need one map set per baseline.", nameof(baseline));
            var layout = MapLayout(layer);
            if (maps.Length != layout.Length)
            {
                throw new ArgumentException(
                    $"'maps' has {maps.Length} values; the maps of layer '{layout.Layer.Name}' ({layout.Neurons} neurons) need {layout.Length} " +
                    (layout.IsDense ? "(dense: layer size × InputSize)." : "(each neuron's receptive-field window: see MapLayout)."), nameof(maps));
            }

            var staged = StagedResult(1, layout.Length);
            try
            {
                RunConductanceMaps(node, layout, input, target, baseline, staged, options);
            }
            catch (ArgumentException e) when (e.ParamName is "input" or "activation" or "layerGradient" or "inputTangent")
            {
                throw Overflowed(e, _model.Name);
            }

            Publish(staged, maps, layout.Length, "maps");
            return new AttributionReport(options.Steps, (long)options.Steps * (1 + _inputSize), double.NaN, true, Completeness.NotApplicable);
        }
        finally
        {
            Exit();
        }
    }

    private void RunConductanceMaps(int node, ConductanceMapLayout layout, ReadOnlySpan<T> input, AttributionTarget<T> target, Baseline<T> baseline, Span<T> maps, IntegrationOptions options)
    {
        int width = _sizes[node], n = _inputSize, steps = options.Steps;
        var alpha = Grow(ref _alpha, steps);
        var weight = Grow(ref _weight, steps);
        Quadrature.GetNodes(options.Rule, steps, alpha, weight);
        maps.Clear();
        var reference = baseline.Kind == BaselineKind.Zero ? default : baseline.Row(0, n);
        var direction = Grow(ref _difference, n);
        if (reference.IsEmpty) input.CopyTo(direction);
        else TensorPrimitives.Subtract(input, reference, direction);

        // Only features that move along the path have a tangent; chunks of equal size, so no row is wasted at the end.
        var features = Grow(ref _mapFeatures, n);
        int moving = 0;
        for (int i = 0; i < n; i++) if (direction[i] != T.Zero) features[moving++] = i;
        if (moving == 0) return;
        int chunks = (moving + HostBatch - 1) / HostBatch, rows = (moving + chunks - 1) / chunks;
        var (starts, pairs) = layout.IsDense ? (null, null) : layout.ByFeature();
        var tiles = UseMapWindows ? MapTiles(node, layout) : null;

        var point = Grow(ref _mapPoints, (long)rows * n);
        var directions = Grow(ref _mapDirections, (long)rows * n);
        directions.Clear();
        var gradient = Grow(ref _mapGradient, width);
        var ws = HostWorkspace;

        for (int k = 0; k < steps; k++)
        {
            // γ(αₖ), and ∂F/∂y at the layer weighted by the rule.
            var here = point[..n];
            PathPoint(reference, direction, FromDouble(alpha[k]), here);
            _model.Forward(ws, here, 1, _outputs.AsSpan(0, _outputSize));
            target.WriteSeed(0, FromDouble(weight[k]), _seeds.AsSpan(0, _outputSize));
            _model.Backward(ws, _seeds.AsSpan(0, _outputSize), 1, node);
            ws.Gradient(node)[..width].CopyTo(gradient);
            if (TensorPrimitives.MaxMagnitude<T>(gradient) == T.Zero) continue; // no neuron passes anything on at this step
            if (tiles is not null)
            {
                // Each moving feature's tangent on its forward cone only (FeatureTiles), from the tape of this one row.
                tiles.Accumulate(ws, direction, maps);
                continue;
            }

            for (int r = 1; r < rows; r++) here.CopyTo(point.Slice(r * n, n));

            // One tape of `rows` copies of γ(αₖ) serves every chunk; one tangent per moving feature i along (xᵢ − x′ᵢ)·eᵢ:
            // row r of a chunk gives ∂y/∂xᵢ·(xᵢ − x′ᵢ) for every neuron (rows past the last feature stay zero).
            _model.Forward(ws, point, rows, _outputs.AsSpan(0, rows * _outputSize));
            for (int first = 0; first < moving; first += rows)
            {
                int chunk = Math.Min(rows, moving - first);
                for (int r = 0; r < chunk; r++) directions[r * n + features[first + r]] = direction[features[first + r]];
                _model.Tangent(ws, directions, rows, node);
                for (int r = 0; r < chunk; r++) directions[r * n + features[first + r]] = T.Zero;
                var t = ws.Tangent(node);
                for (int r = 0; r < chunk; r++)
                {
                    int i = features[first + r];
                    var column = t.Slice(r * width, width);
                    if (starts is null)
                    {
                        for (int j = 0; j < width; j++) maps[j * n + i] += gradient[j] * column[j];
                        continue;
                    }

                    for (int p = starts[i], end = starts[i + 1]; p < end; p++)
                    {
                        int j = pairs![2 * p];
                        T g = gradient[j];
                        if (g != T.Zero) maps[pairs[2 * p + 1]] += g * column[j];
                    }
                }
            }
        }
    }
}
