using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

public sealed partial class Attributor<T>
{
    /// <summary>F(x) for every input (<paramref name="scores"/>: one per input).</summary>
    public void TargetScores(ReadOnlySpan<T> inputs, AttributionTarget<T> target, Span<T> scores)
    {
        Enter();
        try
        {
            int count = ValidateInputs(inputs);
            target.Validate(count, _outputSize, nameof(target));
            CheckResultLength(scores.Length, count, 1, nameof(scores));
            for (int first = 0; first < count; first += HostBatch)
            {
                int rows = Math.Min(HostBatch, count - first);
                _model.Forward(HostWorkspace, inputs.Slice(first * _inputSize, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                for (int r = 0; r < rows; r++) scores[first + r] = target.Evaluate(first + r, Row(_outputs, r, _outputSize));
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>The activation of <paramref name="layer"/> for every input (inputs × layer size).</summary>
    public void LayerActivation(LayerHandle layer, ReadOnlySpan<T> inputs, Span<T> activations)
    {
        Enter();
        try
        {
            CheckLayer(layer, nameof(layer));
            int count = ValidateInputs(inputs);
            int width = _sizes[layer];
            CheckResultLength(activations.Length, count, width, nameof(activations));
            for (int first = 0; first < count; first += HostBatch)
            {
                int rows = Math.Min(HostBatch, count - first);
                _model.Forward(HostWorkspace, inputs.Slice(first * _inputSize, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                HostWorkspace.Activation(layer).CopyTo(activations.Slice(first * width, rows * width));
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Gradient × activation at <paramref name="layer"/>: ∂F/∂y(x) ⊙ y(x) (inputs × layer size); the list overload gives several layers in one pass.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="attributions">inputs × layer size results.</param>
    /// <param name="attributeToLayerInput">At the layer's input node instead of its output.</param>
    /// <param name="multiplyByInputs">False gives the gradient alone (Captum's multiply_by_inputs = False).</param>
    public void LayerGradientTimesActivation(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Span<T> attributions, bool attributeToLayerInput = false, bool multiplyByInputs = true)
        => LayerGradientTimesActivation([layer], inputs, target, attributions, attributeToLayerInput, multiplyByInputs);

    /// <summary>
    /// Gradient × difference from the reference at <paramref name="layer"/>: ∂F/∂y(x) ⊙ (y(x) − y(x′))
    /// (inputs × layer size; a distribution baseline averages over its baselines). The one-step, gradient-at-the-
    /// input approximation of conductance.
    /// </summary>
    /// <param name="layer">The layer (node 0: the input).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′ (zero, shared, per input, or a distribution).</param>
    /// <param name="attributions">inputs × layer size results.</param>
    /// <param name="completenessGaps">Empty, or one Σ attributions − (F(x) − F̄(x′)) per input.</param>
    /// <param name="attributeToLayerInput">At the layer's input node instead of its output.</param>
    public void LayerGradientTimesDelta(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions, Span<T> completenessGaps = default,
        bool attributeToLayerInput = false)
        => ReferenceMethod(layer, inputs, target, baseline, attributions, completenessGaps, ReferenceRule.GradientTimesDelta, attributeToLayerInput, multiplyByInputs: true);

    /// <summary>
    /// DeepLIFT with the rescale rule at <paramref name="layer"/> (layer 0: the input): multipliers from a reverse
    /// pass in which each element-wise nonlinearity passes its secant slope Δy/Δx between the input and the
    /// reference (<see cref="ModelWorkspace{T}.RescaleReference"/>), each max passes its window's Δmax to the
    /// input's or the reference's winner, and softmax and log-softmax pass exact multipliers of their own
    /// (docs/deeplift.md), times y(x) − y(x′) (inputs × layer size). A distribution baseline averages over its
    /// baselines. The completeness gaps are Σ attributions − (F(x) − F̄(x′)): summation-to-delta makes them vanish, to
    /// rounding, on every layer that all paths cross, whatever the layer types.
    /// </summary>
    /// <param name="layer">The layer (node 0: the input).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′ (zero, shared, per input, or a distribution: DeepLIFT-SHAP).</param>
    /// <param name="attributions">inputs × layer size results.</param>
    /// <param name="completenessGaps">Empty, or one Σ attributions − (F(x) − F̄(x′)) per input (only with <paramref name="multiplyByInputs"/>).</param>
    /// <param name="attributeToLayerInput">At the layer's input node instead of its output.</param>
    /// <param name="multiplyByInputs">
    /// False gives the multipliers alone (averaged over a distribution's baselines), not multiplied by y(x) − y(x′): Captum's
    /// multiply_by_inputs = False.
    /// </param>
    public void DeepLift(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions, Span<T> completenessGaps = default,
        bool attributeToLayerInput = false, bool multiplyByInputs = true)
        => ReferenceMethod(layer, inputs, target, baseline, attributions, completenessGaps, ReferenceRule.Rescale, attributeToLayerInput, multiplyByInputs);

    private void ReferenceMethod(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions, Span<T> deltas, ReferenceRule rule,
        bool attributeToLayerInput = false, bool multiplyByInputs = true)
        => ReferenceMethod([layer], inputs, target, baseline, attributions, deltas, rule, attributeToLayerInput, multiplyByInputs);

    /// <summary>
    /// A reference method at several layers in one pass: one reference forward, one forward and one backward stopped at the
    /// lowest layer give every layer's multipliers. Each input's results are the layers' values one after the other;
    /// <paramref name="deltas"/> holds one gap per input and layer.
    /// </summary>
    private void ReferenceMethod(
        ReadOnlySpan<LayerHandle> layers, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions, Span<T> deltas,
        ReferenceRule rule, bool attributeToLayerInput, bool multiplyByInputs)
    {
        Enter();
        try
        {
            if (layers.IsEmpty) throw new ArgumentException("Give at least one layer.", nameof(layers));
            Span<int> nodes = layers.Length <= 64 ? stackalloc int[layers.Length] : new int[layers.Length];
            var (total, lowest) = LayerSides(layers, attributeToLayerInput, layers.Length == 1 ? "layer" : nameof(layers), nodes);

            if (rule != ReferenceRule.GradientTimesDelta) CheckDeepLiftRules(lowest + 1, _model.Layers.Count - 1);
            if (!multiplyByInputs && !deltas.IsEmpty)
                throw new ArgumentException("Multipliers alone (multiplyByInputs: false) do not sum to F(x) − F(x′): ask for no completeness gaps.", "completenessGaps");

            // Two evaluations per path: the input and the reference. The gaps are checked here: one per input and layer.
            int count = ValidateCommon(inputs, target, ref baseline, IntegrationOptions.Default, default, nodesPerPath: 2);
            if (!deltas.IsEmpty && deltas.Length != (long)count * layers.Length)
            {
                throw new ArgumentException(
                    layers.Length == 1
                        ? $"'completenessGaps' has {deltas.Length} values; give one per input ({count}) or none."
                        : $"'completenessGaps' has {deltas.Length} values; give one per input and layer ({count} × {layers.Length}) or none.",
                    "completenessGaps");
            }

            CheckResultLength(attributions.Length, count, total, nameof(attributions));
            var staged = StagedResult(count, total);
            var stagedDeltas = StagedDeltas(deltas);
            try
            {
                ReferenceMethod(nodes, lowest, inputs, target, baseline, count, staged, stagedDeltas, rule, multiplyByInputs);
            }
            catch (ArgumentException e) when (e.ParamName is "input" or "activation" or "layerGradient")
            {
                throw Overflowed(e, _model.Name);
            }

            Publish(staged, attributions, total, "attributions");
            Publish(stagedDeltas, deltas, layers.Length, "completeness gap");
        }
        finally
        {
            Exit();
        }
    }

    private void ReferenceMethod(
        ReadOnlySpan<int> nodes, int lowest, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, int count, Span<T> attributions, Span<T> deltas,
        ReferenceRule rule, bool multiplyByInputs)
    {
        int total = 0;
        foreach (int node in nodes) total += _sizes[node];
        var call = new PathCall(inputs, target, baseline, count, total, attributions, deltas) { PathsPerInput = baseline.PathsPerInput(_inputSize) };
        if (baseline.IsSampled) DrawBaselines(ref call);

        var ws = HostWorkspace;
        var reference = ReferenceWorkspace;
        var fx = Grow(ref _inputValue, count);
        var fr = Grow(ref _referenceValue, count);
        fr.Clear();
        attributions.Clear();
        int m = call.PathsPerInput;
        T perPath = T.One / T.CreateChecked(m);
        try
        {
            if (baseline.IsSingle)
            {
                // One reference forward (batch 1) serves every input.
                var row = Host.Points.AsSpan(0, _inputSize);
                if (baseline.Kind == BaselineKind.Zero) row.Clear();
                else baseline.Row(0, _inputSize).CopyTo(row);
                _model.Forward(reference, row, 1, _referenceOutputs.AsSpan(0, _outputSize));
                for (int b = 0; b < count; b++) fr[b] = target.Evaluate(b, _referenceOutputs.AsSpan(0, _outputSize));
            }

            long paths = (long)count * m;
            for (long first = 0; first < paths; first += HostBatch)
            {
                int rows = (int)Math.Min(HostBatch, paths - first);
                for (int r = 0; r < rows; r++)
                {
                    int path = (int)(first + r), b = path / m;
                    _rowInput[r] = b;
                    inputs.Slice(b * _inputSize, _inputSize).CopyTo(Row(Host.Points, r, _inputSize));
                    target.WriteSeed(b, perPath, Row(_seeds, r, _outputSize));
                    if (!baseline.IsSingle) BaselineOf(ref call, path).CopyTo(Row(Host.Directions, r, _inputSize));
                }

                if (!baseline.IsSingle)
                {
                    _model.Forward(reference, Host.Directions.AsSpan(0, rows * _inputSize), rows, _referenceOutputs.AsSpan(0, rows * _outputSize));
                    for (int r = 0; r < rows; r++) fr[_rowInput[r]] += perPath * target.Evaluate(_rowInput[r], Row(_referenceOutputs, r, _outputSize));
                }

                ws.RescaleReference = rule == ReferenceRule.GradientTimesDelta ? null : reference;
                ws.RevealCancel = rule == ReferenceRule.RevealCancel;
                _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                _model.Backward(ws, _seeds.AsSpan(0, rows * _outputSize), rows, lowest);
                ws.RescaleReference = null;
                ws.RevealCancel = false;
                for (int r = 0; r < rows; r++) fx[_rowInput[r]] = target.Evaluate(_rowInput[r], Row(_outputs, r, _outputSize));
                int offset = 0;
                foreach (int layer in nodes)
                {
                    int width = _sizes[layer];
                    var g = ws.Gradient(layer);
                    var y = ws.Activation(layer);
                    var yReference = reference.Activation(layer);
                    var difference = Grow(ref _difference, width);
                    for (int r = 0; r < rows; r++)
                    {
                        var accumulator = attributions.Slice(_rowInput[r] * total + offset, width);
                        if (!multiplyByInputs)
                        {
                            // The seed carries 1/m, so the multipliers average over the paths.
                            TensorPrimitives.Add(Row(g, r, width), accumulator, accumulator);
                            continue;
                        }

                        TensorPrimitives.Subtract(Row(y, r, width), baseline.IsSingle ? yReference[..width] : Row(yReference, r, width), difference);
                        AddScaled(Row(g, r, width), difference, accumulator);
                    }

                    offset += width;
                }
            }
        }
        finally
        {
            ws.RescaleReference = null;
            ws.RevealCancel = false;
        }

        if (deltas.IsEmpty) return;
        for (int b = 0; b < count; b++)
        {
            int offset = 0;
            for (int l = 0; l < nodes.Length; l++)
            {
                int width = _sizes[nodes[l]];
                deltas[b * nodes.Length + l] = TensorPrimitives.Sum<T>(attributions.Slice(b * total + offset, width)) - (fx[b] - fr[b]);
                offset += width;
            }
        }
    }
}
