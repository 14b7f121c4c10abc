using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

// Every neuron's conductance map in one call. Neuron conductance of neuron j over input feature i is
//     (xᵢ − x′ᵢ) ∫ ∂F/∂y_j · ∂y_j/∂xᵢ dα,
// and ∂y/∂xᵢ for all j at once is one forward-mode pass along eᵢ. So each step is one backward to the layer (∂F/∂y for
// every neuron) and one tangent per input feature, batched as the rows of a chunk — never one backward per neuron.
public sealed partial class Attributor<T>
{
    private T[] _mapDirections = [];
    private T[] _mapPoints = [];
    private T[] _mapGradient = [];

    /// <summary>
    /// The conductance map of every neuron of <paramref name="layer"/> for one input: <paramref name="maps"/>[j × InputSize + i]
    /// = (xᵢ − x′ᵢ)·∫₀¹ ∂F/∂y_j(γ) · ∂y_j/∂xᵢ(γ) dα, each neuron's map over the input features (layer size × InputSize
    /// values, dense). Row j equals <see cref="NeuronConductance(LayerHandle, int, ReadOnlySpan{T}, AttributionTarget{T}, Baseline{T}, Span{T}, IntegrationOptions?, Span{T})"/>
    /// of neuron j, and the rows sum to the neuron conductance of the whole layer. Each step is one backward to the layer
    /// and one tangent per input feature (batched); the cost does not grow with the number of neurons.
    /// </summary>
    /// <param name="layer">The layer whose neurons are mapped (not the input).</param>
    /// <param name="input">One input (InputSize values).</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′: zero or shared (one input, so per-input is the same as shared).</param>
    /// <param name="maps">Layer size × InputSize results.</param>
    /// <param name="options">Rule and steps (the adaptive mode is not available here).</param>
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
            if (count != 1) throw new ArgumentException($"Give one input (its maps take layer size × InputSize values); {count} were given.", nameof(input));
            if (baseline.Kind == BaselineKind.Set) throw new ArgumentException("Give a zero or shared baseline: a distribution would need one map set per baseline.", nameof(baseline));
            int width = _sizes[node];
            CheckResultLength(maps.Length, 1, (long)width * _inputSize, nameof(maps));
            var staged = StagedResult(width, _inputSize);
            try
            {
                RunConductanceMaps(node, input, target, baseline, staged, options);
            }
            catch (ArgumentException e) when (e.ParamName is "input" or "activation" or "layerGradient" or "inputTangent")
            {
                throw Overflowed(e, _model.Name);
            }

            Publish(staged, maps, _inputSize, "maps");
            return new AttributionReport(options.Steps, (long)options.Steps * (1 + _inputSize), double.NaN, true, Completeness.NotApplicable);
        }
        finally
        {
            Exit();
        }
    }

    private void RunConductanceMaps(int node, ReadOnlySpan<T> input, AttributionTarget<T> target, Baseline<T> baseline, Span<T> maps, IntegrationOptions options)
    {
        int width = _sizes[node], n = _inputSize, steps = options.Steps, rows = HostBatch;
        var alpha = Grow(ref _alpha, steps);
        var weight = Grow(ref _weight, steps);
        Quadrature.GetNodes(options.Rule, steps, alpha, weight);
        maps.Clear();
        var reference = baseline.Kind == BaselineKind.Zero ? default : baseline.Row(0, n);
        var direction = Grow(ref _difference, n);
        if (reference.IsEmpty) input.CopyTo(direction);
        else TensorPrimitives.Subtract(input, reference, direction);
        var point = Grow(ref _mapPoints, (long)rows * n);
        var directions = Grow(ref _mapDirections, (long)rows * n);
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
            for (int r = 1; r < rows; r++) here.CopyTo(point.Slice(r * n, n));

            // One tape of `rows` copies of γ(αₖ) serves every chunk; one tangent per input feature i along (xᵢ − x′ᵢ)·eᵢ:
            // row r of a chunk gives ∂y/∂xᵢ·(xᵢ − x′ᵢ) for every neuron (rows past the last feature stay zero).
            _model.Forward(ws, point, rows, _outputs.AsSpan(0, rows * _outputSize));
            for (int first = 0; first < n; first += rows)
            {
                int chunk = Math.Min(rows, n - first);
                directions.Clear();
                for (int r = 0; r < chunk; r++) directions[r * n + first + r] = direction[first + r];
                _model.Tangent(ws, directions, rows, node);
                var t = ws.Tangent(node);
                for (int r = 0; r < chunk; r++)
                {
                    int i = first + r;
                    var column = t.Slice(r * width, width);
                    for (int j = 0; j < width; j++) maps[j * n + i] += gradient[j] * column[j];
                }
            }
        }
    }
}
