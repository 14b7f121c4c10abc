using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

// Internal influence at several layers in one pass (Captum's InternalInfluence with a list of layers): every step is one
// forward at the path point and one backward stopped at the lowest layer, which leaves ∂F/∂y at every listed layer. It runs
// on the host workspace, rows = paths × steps in chunks of the host batch, like layer IG; the one-layer call keeps the
// path backends (the affine prefix, the GPU), and both give the same values to rounding.
public sealed partial class Attributor<T>
{
    /// <summary>
    /// Internal influence of several layers in one pass: ∫₀¹ ∂F/∂y(γ(α)) dα for every neuron y of each layer, each input's
    /// results the layers' values one after the other, in the order given (<paramref name="attributions"/>: inputs × Σ layer
    /// sizes). Each step costs one forward and one backward to the lowest layer, whatever the number of layers.
    /// </summary>
    /// <param name="layers">The layers (at least one; node 0 is the input, the global form of IntegratedGradients).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′ (zero, shared, per input, or a distribution).</param>
    /// <param name="attributions">inputs × Σ layer sizes results.</param>
    /// <param name="options">Rule and steps (neither the adaptive mode nor the exact rule is available for a list).</param>
    /// <param name="quadratureErrors">
    /// Empty, or one value per input: Q[dF/dα] − (F(x) − F̄(x′)), the rule's error on the path integral (one backward to the
    /// input per step gives dF/dα = ∇F · (x − x′)).
    /// </param>
    /// <param name="attributeToLayerInput">At each layer's input node instead of its output.</param>
    /// <exception cref="NotSupportedException">The model takes token ids (use the one-layer call, whose paths run in embedding space).</exception>
    public AttributionReport InternalInfluence(
        ReadOnlySpan<LayerHandle> layers, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default, bool attributeToLayerInput = false)
    {
        Enter();
        try
        {
            options ??= IntegrationOptions.Default;
            if (layers.IsEmpty) throw new ArgumentException("Give at least one layer.", nameof(layers));
            Span<int> nodes = layers.Length <= 64 ? stackalloc int[layers.Length] : new int[layers.Length];
            int total = LayerSides(layers, attributeToLayerInput, nameof(layers), nodes).Total;

            if (_tokenEmbedding > 0)
            {
                throw new NotSupportedException(
                    $"Model '{_model.Name}' takes token ids: its paths run in embedding space, which the list form of InternalInfluence does not do; " +
                    "call InternalInfluence once per layer.");
            }

            RefuseSliceTokens("InternalInfluence over a list of layers");
            if (options.Tolerance > 0) throw new ArgumentException("The adaptive mode is not available for a list of layers; give a fixed number of steps.", nameof(options));
            if (options.Rule == IntegrationRule.Exact) throw new ArgumentException("The exact rule is not available for a list of layers; call InternalInfluence once per layer.", nameof(options));
            int count = ValidateCommon(inputs, target, ref baseline, options, quadratureErrors);
            CheckResultLength(attributions.Length, count, total, nameof(attributions));
            var staged = StagedResult(count, total);
            var stagedErrors = StagedDeltas(quadratureErrors);
            var call = new PathCall(inputs, target, baseline, count, total, staged, stagedErrors) { PathsPerInput = baseline.PathsPerInput(_inputSize) };
            double worst;
            try
            {
                worst = RunInfluencePath(ref call, nodes, options);
            }
            catch (ArgumentException e) when (e.ParamName is "input" or "activation" or "layerGradient")
            {
                throw Overflowed(e, _model.Name);
            }

            Publish(staged, attributions, total, "attributions");
            Publish(stagedErrors, quadratureErrors, 1, "quadrature error");
            return new AttributionReport(options.Steps, (long)count * call.PathsPerInput * options.Steps, worst, true, Completeness.NotApplicable, double.NaN);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Integrates ∂F/∂y at every node along the input-space paths; returns the largest relative quadrature error (NaN when none was asked).</summary>
    private double RunInfluencePath(ref PathCall call, scoped ReadOnlySpan<int> nodes, IntegrationOptions options)
    {
        int width = call.ResultSize, m = call.PathsPerInput, steps = options.Steps, count = call.Count;
        bool errors = !call.Deltas.IsEmpty;
        if (call.Baseline.IsSampled) DrawBaselines(ref call);
        var alpha = Grow(ref _alpha, steps);
        var weight = Grow(ref _weight, steps);
        Quadrature.GetNodes(options.Rule, steps, alpha, weight);
        var result = call.Result;
        result.Clear();
        int lowest = errors ? 0 : int.MaxValue;
        foreach (int node in nodes) lowest = Math.Min(lowest, node);
        var ws = HostWorkspace;
        T perPath = T.One / T.CreateChecked(m);
        var sums = Grow(ref _passSums, count); // Q[dF/dα] per input: Σ (x − x′) · ∇F
        sums.Clear();
        long paths = (long)count * m, rowsTotal = paths * steps;
        for (long e0 = 0; e0 < rowsTotal; e0 += HostBatch)
        {
            int rows = (int)Math.Min(HostBatch, rowsTotal - e0);
            for (int r = 0; r < rows; r++)
            {
                long e = e0 + r;
                int path = (int)(e / steps), k = (int)(e % steps), b = path / m;
                _rowInput[r] = b;
                var x = call.Inputs.Slice(b * _inputSize, _inputSize);
                var reference = BaselineOf(ref call, path);
                var direction = Row(Host.Directions, r, _inputSize);
                if (reference.IsEmpty) x.CopyTo(direction);
                else TensorPrimitives.Subtract(x, reference, direction);
                PathPoint(reference, direction, FromDouble(alpha[k]), Row(Host.Points, r, _inputSize));
                call.Target.WriteSeed(b, FromDouble(weight[k]) * perPath, Row(_seeds, r, _outputSize));
            }

            _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
            _model.Backward(ws, _seeds.AsSpan(0, rows * _outputSize), rows, lowest);
            int offset = 0;
            foreach (int node in nodes)
            {
                int size = _sizes[node];
                var g = ws.Gradient(node);
                for (int r = 0; r < rows; r++)
                {
                    var accumulator = call.Result.Slice(_rowInput[r] * width + offset, size);
                    TensorPrimitives.Add(accumulator, Row(g, r, size), accumulator); // the seed carries the weight and 1/m
                }

                offset += size;
            }

            if (!errors) continue;
            var g0 = ws.Gradient(0);
            for (int r = 0; r < rows; r++) sums[_rowInput[r]] += TensorPrimitives.Dot<T>(Row(Host.Directions, r, _inputSize), Row(g0, r, _inputSize));
        }

        if (!errors) return double.NaN;
        ComputeHostEndpoints(ref call);
        double worst = 0;
        for (int b = 0; b < count; b++)
        {
            T change = _inputValue[b] - _referenceValue[b];
            T error = sums[b] - change;
            call.Deltas[b] = error;
            worst = Math.Max(worst, Relative(error, change));
        }

        return worst;
    }

    /// <summary>F(x) into <c>_inputValue</c> and the mean F(x′) over each input's baselines into <c>_referenceValue</c>, on the host.</summary>
    private void ComputeHostEndpoints(ref PathCall call)
    {
        int count = call.Count, m = call.PathsPerInput;
        var fx = Grow(ref _inputValue, count);
        var fr = Grow(ref _referenceValue, count);
        fr.Clear();
        T perPath = T.One / T.CreateChecked(m);
        long paths = (long)count * m;
        for (int pass = 0; pass < 2; pass++)
        {
            long total = pass == 0 ? count : paths;
            for (long first = 0; first < total; first += HostBatch)
            {
                int rows = (int)Math.Min(HostBatch, total - first);
                for (int r = 0; r < rows; r++)
                {
                    int index = (int)(first + r);
                    var row = Row(Host.Points, r, _inputSize);
                    if (pass == 0) call.Inputs.Slice(index * _inputSize, _inputSize).CopyTo(row);
                    else CopyBaseline(BaselineOf(ref call, index), row);
                }

                _model.Forward(HostWorkspace, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                for (int r = 0; r < rows; r++)
                {
                    int index = (int)(first + r);
                    if (pass == 0) fx[index] = call.Target.Evaluate(index, Row(_outputs, r, _outputSize));
                    else fr[index / m] += perPath * call.Target.Evaluate(index / m, Row(_outputs, r, _outputSize));
                }
            }
        }
    }
}
