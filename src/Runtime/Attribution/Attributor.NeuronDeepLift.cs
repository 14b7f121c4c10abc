using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

// DeepLIFT of one neuron (Captum's NeuronDeepLift): the same rescale multipliers as DeepLift, seeded at the neuron instead
// of the output, so the input attributions sum to the neuron's own change y_j(x) − y_j(x′).
public sealed partial class Attributor<T>
{
    /// <summary>
    /// DeepLIFT (rescale rule) of one neuron: multipliers of y_j with respect to the input from a reverse pass seeded at the
    /// neuron, with each nonlinearity passing its secant slope between the input and the reference (as <see cref="DeepLift(LayerHandle, ReadOnlySpan{T}, AttributionTarget{T}, Baseline{T}, Span{T}, Span{T}, bool, bool)"/>),
    /// times x − x′ (<paramref name="attributions"/>: inputs × InputSize). Summation-to-delta: each input's attributions add up to
    /// y_j(x) − y_j(x′) (mean over a distribution's baselines), to rounding.
    /// </summary>
    /// <param name="layer">The neuron's layer.</param>
    /// <param name="neuron">Flat index of the neuron within the layer (channels first).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="baseline">x′: zero, shared, per input, or a distribution (averaged over its baselines: DeepLIFT-SHAP).</param>
    /// <param name="attributions">inputs × InputSize results.</param>
    /// <param name="completenessGaps">Empty, or one Σ attributions − (y_j(x) − y_j(x′)) per input (only with <paramref name="multiplyByInputs"/>).</param>
    /// <param name="multiplyByInputs">
    /// False gives the multipliers alone (averaged over a distribution's baselines), not multiplied by x − x′: Captum's
    /// multiply_by_inputs = False.
    /// </param>
    public void NeuronDeepLift(
        LayerHandle layer, int neuron, ReadOnlySpan<T> inputs, Baseline<T> baseline, Span<T> attributions, Span<T> completenessGaps = default, bool multiplyByInputs = true)
    {
        Enter();
        try
        {
            int node = CheckNeuron(layer, neuron);
            CheckDeepLiftRules(1, node);
            if (!multiplyByInputs && !completenessGaps.IsEmpty)
                throw new ArgumentException("Multipliers alone (multiplyByInputs: false) do not sum to the neuron's change: ask for no completeness gaps.", nameof(completenessGaps));
            int count = ValidateCommon(inputs, AttributionTarget<T>.Class(0), ref baseline, IntegrationOptions.Default, completenessGaps, nodesPerPath: 2, perInputName: nameof(completenessGaps));
            CheckResultLength(attributions.Length, count, _inputSize, nameof(attributions));
            var staged = StagedResult(count, _inputSize);
            var stagedGaps = StagedDeltas(completenessGaps);
            try
            {
                NeuronDeepLift(node, neuron, inputs, baseline, count, staged, stagedGaps, multiplyByInputs);
            }
            catch (ArgumentException e) when (e.ParamName is "input" or "activation" or "layerGradient")
            {
                throw Overflowed(e, _model.Name);
            }

            Publish(staged, attributions, _inputSize, "attributions");
            Publish(stagedGaps, completenessGaps, 1, "completeness gap");
        }
        finally
        {
            Exit();
        }
    }

    private void NeuronDeepLift(int node, int neuron, ReadOnlySpan<T> inputs, Baseline<T> baseline, int count, Span<T> attributions, Span<T> gaps, bool multiplyByInputs)
    {
        int width = _sizes[node];
        var call = new PathCall(inputs, AttributionTarget<T>.Class(0), baseline, count, _inputSize, attributions, gaps) { PathsPerInput = baseline.PathsPerInput(_inputSize) };
        if (baseline.IsSampled) DrawBaselines(ref call);
        var ws = HostWorkspace;
        var reference = ReferenceWorkspace;
        var change = Grow(ref _inputValue, count);
        change.Clear();
        attributions.Clear();
        int m = call.PathsPerInput;
        T perPath = T.One / T.CreateChecked(m);
        var seed = Grow(ref _layerSeed, (long)HostBatch * width);
        long total = (long)count * m;
        try
        {
            for (long first = 0; first < total; first += HostBatch)
            {
                int rows = (int)Math.Min(HostBatch, total - first);
                for (int r = 0; r < rows; r++)
                {
                    int path = (int)(first + r), b = path / m;
                    _rowInput[r] = b;
                    inputs.Slice(b * _inputSize, _inputSize).CopyTo(Row(Host.Points, r, _inputSize));
                    var x0 = BaselineOf(ref call, path);
                    if (x0.IsEmpty) Row(Host.Directions, r, _inputSize).Clear();
                    else x0.CopyTo(Row(Host.Directions, r, _inputSize));
                }

                // The references' pass first: the rescale rule reads its activations during the inputs' backward.
                _model.Forward(reference, Host.Directions.AsSpan(0, rows * _inputSize), rows, _referenceOutputs.AsSpan(0, rows * _outputSize));
                ws.RescaleReference = reference;
                _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                var seeds = seed.Slice(0, rows * width);
                seeds.Clear();
                for (int r = 0; r < rows; r++) seeds[r * width + neuron] = perPath;
                _model.BackwardFrom(ws, node, seeds, rows, 0);
                ws.RescaleReference = null;

                var multipliers = ws.Gradient(0);
                var y = ws.Activation(node);
                var y0 = reference.Activation(node);
                for (int r = 0; r < rows; r++)
                {
                    int b = _rowInput[r];
                    var direction = Row(Host.Directions, r, _inputSize);
                    var accumulator = attributions.Slice(b * _inputSize, _inputSize);
                    TensorPrimitives.Subtract(Row(Host.Points, r, _inputSize), direction, direction); // x − x′
                    if (multiplyByInputs) AddScaled(direction, Row(multipliers, r, _inputSize), accumulator);
                    else TensorPrimitives.Add(accumulator, Row(multipliers, r, _inputSize), accumulator); // the seed carries 1/m
                    change[b] += perPath * (y[r * width + neuron] - y0[r * width + neuron]);
                }
            }
        }
        finally
        {
            ws.RescaleReference = null;
        }

        if (!gaps.IsEmpty)
        {
            for (int b = 0; b < count; b++) gaps[b] = TensorPrimitives.Sum<T>(attributions.Slice(b * _inputSize, _inputSize)) - change[b];
        }
    }
}
