using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

// Methods that integrate along a straight path in a layer's own space or explain one neuron: layer Integrated Gradients
// (Captum's LayerIntegratedGradients), neuron Integrated Gradients, and the plain gradients they are built on. They run
// on the host workspace, rows = paths × steps in chunks of the host batch, like the reference methods.
public sealed partial class Attributor<T>
{
    /// <summary>The per-path buffers of layer IG may take about this many elements.</summary>
    private const long LayerPathBudgetElements = 4L << 20;

    private T[] _layerStart = [];
    private T[] _layerChange = [];
    private T[] _layerIntegral = [];
    private T[] _layerPoints = [];

    /// <summary>
    /// Layer Integrated Gradients: the path runs in the layer's own space, a(α) = y(x′) + α(y(x) − y(x′)), and the network
    /// runs onward from the layer, so LIG_j = (y_j(x) − y_j(x′))·∫₀¹ ∂F/∂y_j(a(α)) dα (<paramref name="attributions"/>:
    /// inputs × layer size). The values sum to F(x) − F(x′) up to the rule's error. It equals layer conductance when y is
    /// affine along the input path (the layers of the affine prefix); elsewhere it differs, as in Captum. With
    /// <paramref name="attributeToLayerInput"/> the path runs at the layer's input node instead (the layer must have one).
    /// On a token model this is "layer IG on the embeddings" at the embedding layer.
    /// </summary>
    /// <param name="layer">A layer every path to the output crosses (<see cref="LayerInfo.IsCut"/>), other than the input.</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′: zero, shared, per input, or a distribution (averaged over its baselines).</param>
    /// <param name="attributions">inputs × layer size results (of the layer's input node with <paramref name="attributeToLayerInput"/>).</param>
    /// <param name="options">Rule and steps (the adaptive mode is not available here).</param>
    /// <param name="quadratureErrors">Empty, or one Σ attributions − (F(x) − F(x′)) per input (completeness holds, so it is also the completeness gap).</param>
    /// <param name="attributeToLayerInput">Attribute to the layer's input node rather than its output.</param>
    /// <param name="multiplyByInputs">
    /// False gives the "global" attribution ∫₀¹ ∂F/∂y_j(a(α)) dα, not multiplied by y(x) − y(x′) (Captum's multiply_by_inputs = False);
    /// the quadrature errors still measure the path integral.
    /// </param>
    /// <exception cref="ArgumentException">The layer is not a cut, is the input, or (for the input side) has several inputs.</exception>
    public AttributionReport LayerIntegratedGradients(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default, bool attributeToLayerInput = false, bool multiplyByInputs = true)
        => LayerIntegratedGradients([layer], inputs, target, baseline, attributions, options, quadratureErrors, attributeToLayerInput, multiplyByInputs);

    /// <summary>
    /// Layer Integrated Gradients at several layers: each layer's own layer IG, as the one-layer call gives it, each input's
    /// results the layers' values one after the other in the order given (<paramref name="attributions"/>: inputs × Σ layer
    /// sizes). The endpoints y(x′) and y(x) of every layer come from one forward each; the steps run per layer, because each
    /// layer's path moves that layer alone. Captum's list form moves independent layers together instead; here the layers
    /// are cuts, which lie on one another's paths, so each is explained on its own.
    /// </summary>
    /// <param name="layers">Layers every path to the output crosses (<see cref="LayerInfo.IsCut"/>), other than the input; at least one.</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′: zero, shared, per input, or a distribution (averaged over its baselines).</param>
    /// <param name="attributions">inputs × Σ layer sizes results.</param>
    /// <param name="options">Rule and steps (the adaptive mode is not available here).</param>
    /// <param name="quadratureErrors">Empty, or one Σ attributions − (F(x) − F(x′)) per input and layer (input-major).</param>
    /// <param name="attributeToLayerInput">Attribute to each layer's input node rather than its output.</param>
    /// <param name="multiplyByInputs">False gives each layer's global attribution ∫₀¹ ∂F/∂y_j(a(α)) dα.</param>
    public AttributionReport LayerIntegratedGradients(
        ReadOnlySpan<LayerHandle> layers, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default, bool attributeToLayerInput = false, bool multiplyByInputs = true)
    {
        Enter();
        try
        {
            options ??= IntegrationOptions.Default;
            if (layers.IsEmpty) throw new ArgumentException("Give at least one layer.", nameof(layers));
            // On the stack: a scratch field could be overwritten by a concurrent call before that call is refused.
            Span<int> nodes = layers.Length <= 64 ? stackalloc int[layers.Length] : new int[layers.Length];
            int total = 0;
            for (int l = 0; l < layers.Length; l++)
            {
                nodes[l] = LayerIgNode(layers[l], attributeToLayerInput, layers.Length == 1 ? "layer" : nameof(layers));
                total += _sizes[nodes[l]];
            }

            if (options.Tolerance > 0) throw new ArgumentException("The adaptive mode is not available for layer IG; give a fixed number of steps.", nameof(options));
            int count = ValidateCommon(inputs, target, ref baseline, options, default);
            if (!quadratureErrors.IsEmpty && quadratureErrors.Length != (long)count * layers.Length)
            {
                throw new ArgumentException(
                    layers.Length == 1
                        ? $"'quadratureErrors' has {quadratureErrors.Length} values; give one per input ({count}) or none."
                        : $"'quadratureErrors' has {quadratureErrors.Length} values; give one per input and layer ({count} × {layers.Length}) or none.",
                    nameof(quadratureErrors));
            }

            CheckResultLength(attributions.Length, count, total, nameof(attributions));
            var staged = StagedResult(count, total);
            var stagedErrors = StagedDeltas(quadratureErrors);
            var call = new PathCall(inputs, target, baseline, count, total, staged, stagedErrors) { PathsPerInput = baseline.PathsPerInput(_inputSize) };
            double worst;
            try
            {
                worst = RunLayerPath(ref call, nodes, options, multiplyByInputs);
            }
            catch (ArgumentException e) when (e.ParamName is "input" or "activation" or "layerGradient")
            {
                throw Overflowed(e, _model.Name);
            }

            Publish(staged, attributions, total, "attributions");
            Publish(stagedErrors, quadratureErrors, layers.Length, "quadrature error");
            long evaluations = (long)count * call.PathsPerInput * options.Steps * layers.Length;
            return new AttributionReport(options.Steps, evaluations, worst, true, multiplyByInputs ? Completeness.Holds : Completeness.NotApplicable, multiplyByInputs ? worst : double.NaN);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>The node layer IG runs at for <paramref name="layer"/>: a cut other than the input, on the chosen side.</summary>
    private int LayerIgNode(LayerHandle layer, bool attributeToLayerInput, string parameterName)
    {
        int node = CheckLayer(layer, parameterName);
        if (attributeToLayerInput)
        {
            if (_layers[node].Inputs.Count != 1)
                throw new ArgumentException($"Layer '{_layers[node].Name}' reads {_layers[node].Inputs.Count} nodes; attribute to one of them directly.", nameof(attributeToLayerInput));
            node = _layers[node].Inputs[0];
        }

        if (node == 0)
        {
            throw new ArgumentException(
                _tokenEmbedding > 0
                    ? $"Node 0 holds token ids, which have no straight path between them: use IntegratedGradients (per token) or layer {_tokenEmbedding}, the embedding."
                    : "Node 0 is the input: layer IG there is IntegratedGradients.", parameterName);
        }

        if (!_layers[node].IsCut)
        {
            throw new ArgumentException(
                $"Layer '{_layers[node].Name}' is bypassed by a skip connection, so the network cannot run onward from it alone and its layer IG is not defined here; " +
                "use LayerConductance, the path IG through it.", parameterName);
        }

        return node;
    }

    /// <summary>
    /// Integrates ∂F/∂y along the layer-space path of every (input, baseline) pair at each node; returns the largest relative
    /// error. The errors go to <c>call.Deltas</c> per input and node.
    /// </summary>
    private double RunLayerPath(ref PathCall call, scoped ReadOnlySpan<int> nodes, IntegrationOptions options, bool multiplyByInputs)
    {
        int width = call.ResultSize, layerCount = nodes.Length, m = call.PathsPerInput, steps = options.Steps, count = call.Count;
        if (call.Baseline.IsSampled) DrawBaselines(ref call);
        var alpha = Grow(ref _alpha, steps);
        var weight = Grow(ref _weight, steps);
        Quadrature.GetNodes(options.Rule, steps, alpha, weight);
        var result = call.Result;
        result.Clear();
        var fx = Grow(ref _inputValue, count);
        var fr = Grow(ref _referenceValue, count);
        fr.Clear();
        var sums = Grow(ref _passSums, (long)count * layerCount); // Q[dF/dα] per input and layer: Σ Δy · ∫ g
        sums.Clear();
        var ws = HostWorkspace;
        T perPath = T.One / T.CreateChecked(m);
        long paths = (long)count * m;
        int widest = 0;
        foreach (int node in nodes) widest = Math.Max(widest, _sizes[node]);
        int block = (int)Math.Clamp(LayerPathBudgetElements / (3L * width), 1, Math.Min(paths, int.MaxValue));
        Grow(ref _layerStart, (long)block * width);
        Grow(ref _layerChange, (long)block * width);
        Grow(ref _layerIntegral, (long)block * width);
        Grow(ref _layerPoints, (long)HostBatch * widest);
        Grow(ref _rowPath, HostBatch);

        for (long first = 0; first < paths; first += block)
        {
            int blockPaths = (int)Math.Min(block, paths - first);

            // Endpoints: y(x′) and Δy = y(x) − y(x′) per path at every layer, with F at both ends.
            for (int q0 = 0; q0 < blockPaths; q0 += HostBatch)
            {
                int rows = Math.Min(HostBatch, blockPaths - q0);
                for (int pass = 0; pass < 2; pass++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        int path = (int)(first + q0 + r), b = path / m;
                        var row = Row(Host.Points, r, _inputSize);
                        if (pass == 1) call.Inputs.Slice(b * _inputSize, _inputSize).CopyTo(row);
                        else CopyBaseline(BaselineOf(ref call, path), row);
                    }

                    _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                    if (pass == 0)
                    {
                        for (int r = 0; r < rows; r++) _rowInput[r] = (int)((first + q0 + r) / m);
                        RerunBaselinesWithInputIds(ws, call.Inputs, rows, _rowInput, _outputs.AsSpan(0, rows * _outputSize));
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        int q = q0 + r, b = (int)((first + q) / m);
                        T score = call.Target.Evaluate(b, Row(_outputs, r, _outputSize));
                        if (pass == 0) fr[b] += perPath * score;
                        else fx[b] = score;
                    }

                    var destination = (pass == 0 ? _layerStart : _layerChange).AsSpan(q0 * width, rows * width);
                    CopyLayers(ws, nodes, rows, width, destination);
                    if (pass == 1) TensorPrimitives.Subtract(destination, _layerStart.AsSpan(q0 * width, rows * width), destination);
                }
            }

            // Steps, layer by layer: every (path, node) row runs onward from the layer and back to it.
            _layerIntegral.AsSpan(0, blockPaths * width).Clear();
            int offset = 0;
            foreach (int node in nodes)
            {
                int size = _sizes[node];
                long total = (long)blockPaths * steps;
                for (long e0 = 0; e0 < total; e0 += HostBatch)
                {
                    int rows = (int)Math.Min(HostBatch, total - e0);
                    var points = _layerPoints.AsSpan(0, rows * size);
                    for (int r = 0; r < rows; r++)
                    {
                        long e = e0 + r;
                        int q = (int)(e / steps), k = (int)(e % steps), b = (int)((first + q) / m);
                        _rowPath[r] = q;
                        _rowInput[r] = b;
                        TensorPrimitives.FusedMultiplyAdd(_layerChange.AsSpan(q * width + offset, size), FromDouble(alpha[k]), _layerStart.AsSpan(q * width + offset, size), Row(points, r, size));
                        call.Target.WriteSeed(b, FromDouble(weight[k]) * perPath, Row(_seeds, r, _outputSize));
                    }

                    PinTokenIds(ws, call.Inputs, rows, _rowInput);
                    _model.ForwardFrom(ws, node, points, rows, _outputs.AsSpan(0, rows * _outputSize));
                    _model.Backward(ws, _seeds.AsSpan(0, rows * _outputSize), rows, node);
                    var g = ws.Gradient(node);
                    for (int r = 0; r < rows; r++)
                    {
                        var integral = _layerIntegral.AsSpan(_rowPath[r] * width + offset, size);
                        TensorPrimitives.Add(integral, Row(g, r, size), integral);
                    }
                }

                offset += size;
            }

            for (int q = 0; q < blockPaths; q++)
            {
                int b = (int)((first + q) / m);
                offset = 0;
                for (int l = 0; l < layerCount; l++)
                {
                    int size = _sizes[nodes[l]];
                    var change = _layerChange.AsSpan(q * width + offset, size);
                    var integral = _layerIntegral.AsSpan(q * width + offset, size);
                    var accumulator = result.Slice(b * width + offset, size);
                    sums[b * layerCount + l] += TensorPrimitives.Dot<T>(change, integral);
                    if (multiplyByInputs) AddScaled(change, integral, accumulator);
                    else TensorPrimitives.Add(accumulator, integral, accumulator);
                    offset += size;
                }
            }
        }

        double worst = 0;
        for (int b = 0; b < count; b++)
        {
            for (int l = 0; l < layerCount; l++)
            {
                T error = sums[b * layerCount + l] - (fx[b] - fr[b]);
                if (!call.Deltas.IsEmpty) call.Deltas[b * layerCount + l] = error;
                worst = Math.Max(worst, Relative(error, fx[b] - fr[b]));
            }
        }

        return worst;
    }

    /// <summary>
    /// Neuron Integrated Gradients: IG of one neuron's value instead of an output, NIGᵢ = (xᵢ − x′ᵢ)·∫₀¹ ∂y_j/∂xᵢ(γ(α)) dα
    /// (<paramref name="attributions"/>: inputs × InputSize), summing to y_j(x) − y_j(x′) up to the rule's error. Each step is
    /// one forward and one reverse pass seeded at the neuron.
    /// </summary>
    /// <param name="layer">The neuron's layer.</param>
    /// <param name="neuron">Flat index of the neuron within the layer (channels first).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="baseline">x′: zero, shared, per input, or a distribution (averaged over its baselines).</param>
    /// <param name="attributions">inputs × InputSize results.</param>
    /// <param name="options">Rule and steps (the adaptive mode is not available here).</param>
    /// <param name="quadratureErrors">Empty, or one Q[dy_j/dα] − (y_j(x) − y_j(x′)) per input (with the inputs multiplied in, Σ attributions − the change).</param>
    /// <param name="multiplyByInputs">False gives the global form ∫ ∂y_j/∂x dα, not multiplied by x − x′ (Captum's multiply_by_inputs = False).</param>
    public AttributionReport NeuronIntegratedGradients(
        LayerHandle layer, int neuron, ReadOnlySpan<T> inputs, Baseline<T> baseline, Span<T> attributions,
        IntegrationOptions? options = null, Span<T> quadratureErrors = default, bool multiplyByInputs = true)
    {
        Enter();
        try
        {
            options ??= IntegrationOptions.Default;
            int node = CheckNeuron(layer, neuron);
            RefuseSliceTokens("NeuronIntegratedGradients");
            if (options.Tolerance > 0) throw new ArgumentException("The adaptive mode is not available for neuron IG; give a fixed number of steps.", nameof(options));
            int count = ValidateCommon(inputs, AttributionTarget<T>.Class(0), ref baseline, options, quadratureErrors);
            CheckResultLength(attributions.Length, count, _inputSize, nameof(attributions));
            var staged = StagedResult(count, _inputSize);
            var stagedErrors = StagedDeltas(quadratureErrors);
            var call = new PathCall(inputs, AttributionTarget<T>.Class(0), baseline, count, _inputSize, staged, stagedErrors) { PathsPerInput = baseline.PathsPerInput(_inputSize), Layer = node };
            double worst;
            try
            {
                worst = RunNeuronPath(ref call, neuron, options, multiplyByInputs);
            }
            catch (ArgumentException e) when (e.ParamName is "input" or "activation" or "layerGradient")
            {
                throw Overflowed(e, _model.Name);
            }

            Publish(staged, attributions, _inputSize, "attributions");
            Publish(stagedErrors, quadratureErrors, 1, "quadrature error");
            return new AttributionReport(
                options.Steps, (long)count * call.PathsPerInput * options.Steps, worst, true,
                multiplyByInputs ? Completeness.Holds : Completeness.NotApplicable, multiplyByInputs ? worst : double.NaN);
        }
        finally
        {
            Exit();
        }
    }

    private double RunNeuronPath(ref PathCall call, int neuron, IntegrationOptions options, bool multiplyByInputs)
    {
        int node = call.Layer, width = _sizes[node], m = call.PathsPerInput, steps = options.Steps, count = call.Count;
        if (call.Baseline.IsSampled) DrawBaselines(ref call);
        var alpha = Grow(ref _alpha, steps);
        var weight = Grow(ref _weight, steps);
        Quadrature.GetNodes(options.Rule, steps, alpha, weight);
        var result = call.Result;
        result.Clear();
        var yx = Grow(ref _inputValue, count);
        var yr = Grow(ref _referenceValue, count);
        yr.Clear();
        var ws = HostWorkspace;
        T perPath = T.One / T.CreateChecked(m);
        var seed = Grow(ref _layerSeed, (long)HostBatch * width);
        var sums = Grow(ref _passSums, count); // Q[dy_j/dα] per input
        sums.Clear();
        long paths = (long)count * m;

        // The neuron's value at both ends of every path.
        for (long first = 0; first < paths; first += HostBatch)
        {
            int rows = (int)Math.Min(HostBatch, paths - first);
            for (int pass = 0; pass < 2; pass++)
            {
                for (int r = 0; r < rows; r++)
                {
                    int path = (int)(first + r);
                    var row = Row(Host.Points, r, _inputSize);
                    if (pass == 1) call.Inputs.Slice(path / m * _inputSize, _inputSize).CopyTo(row);
                    else CopyBaseline(BaselineOf(ref call, path), row);
                }

                _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                var y = ws.Activation(node);
                for (int r = 0; r < rows; r++)
                {
                    int b = (int)((first + r) / m);
                    if (pass == 0) yr[b] += perPath * y[r * width + neuron];
                    else yx[b] = y[r * width + neuron];
                }
            }
        }

        // Steps: rows (path, node) through the input-space path, reverse pass seeded at the neuron.
        long total = paths * steps;
        for (long e0 = 0; e0 < total; e0 += HostBatch)
        {
            int rows = (int)Math.Min(HostBatch, total - e0);
            var seeds = seed.Slice(0, rows * width);
            seeds.Clear();
            for (int r = 0; r < rows; r++)
            {
                long e = e0 + r;
                int path = (int)(e / steps), k = (int)(e % steps), b = path / m;
                _rowInput[r] = b;
                var x = call.Inputs.Slice(b * _inputSize, _inputSize);
                var reference = BaselineOf(ref call, path);
                var point = Row(Host.Points, r, _inputSize);
                var direction = Row(Host.Directions, r, _inputSize);
                if (reference.IsEmpty) x.CopyTo(direction);
                else TensorPrimitives.Subtract(x, reference, direction);
                PathPoint(reference, direction, FromDouble(alpha[k]), point);
                seeds[r * width + neuron] = FromDouble(weight[k]) * perPath;
            }

            _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
            _model.BackwardFrom(ws, node, seeds, rows, 0);
            var g = ws.Gradient(0);
            for (int r = 0; r < rows; r++)
            {
                var accumulator = result.Slice(_rowInput[r] * _inputSize, _inputSize);
                sums[_rowInput[r]] += TensorPrimitives.Dot<T>(Row(Host.Directions, r, _inputSize), Row(g, r, _inputSize));
                if (multiplyByInputs) AddScaled(Row(Host.Directions, r, _inputSize), Row(g, r, _inputSize), accumulator);
                else TensorPrimitives.Add(accumulator, Row(g, r, _inputSize), accumulator);
            }
        }

        double worst = 0;
        for (int b = 0; b < count; b++)
        {
            T change = yx[b] - yr[b];
            T error = sums[b] - change;
            if (!call.Deltas.IsEmpty) call.Deltas[b] = error;
            worst = Math.Max(worst, Relative(error, change));
        }

        return worst;
    }

    /// <summary>
    /// The gradient of one neuron with respect to the input at each input, ∂y_j/∂x (<paramref name="gradients"/>: inputs ×
    /// InputSize): one forward and one reverse pass seeded at the neuron (Captum's NeuronGradient).
    /// </summary>
    public void NeuronGradient(LayerHandle layer, int neuron, ReadOnlySpan<T> inputs, Span<T> gradients)
    {
        Enter();
        try
        {
            int node = CheckNeuron(layer, neuron);
            int count = ValidateInputs(inputs), width = _sizes[node];
            CheckResultLength(gradients.Length, count, _inputSize, nameof(gradients));
            var staged = StagedResult(count, _inputSize);
            var seed = Grow(ref _layerSeed, (long)HostBatch * width);
            for (int first = 0; first < count; first += HostBatch)
            {
                int rows = Math.Min(HostBatch, count - first);
                _model.Forward(HostWorkspace, inputs.Slice(first * _inputSize, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                var seeds = seed.Slice(0, rows * width);
                seeds.Clear();
                for (int r = 0; r < rows; r++) seeds[r * width + neuron] = T.One;
                _model.BackwardFrom(HostWorkspace, node, seeds, rows, 0);
                HostWorkspace.Gradient(0).CopyTo(staged.Slice(first * _inputSize, rows * _inputSize));
            }

            Publish(staged, gradients, _inputSize, "gradients");
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// The gradient of the target with respect to a layer at each input, ∂F/∂y (<paramref name="gradients"/>: inputs × layer
    /// size): one forward and one backward stopped at the layer (Captum's LayerGradientXActivation without the activation).
    /// The list overload gives several layers in the same pass.
    /// </summary>
    /// <param name="layer">The layer (node 0: the input's gradient, Captum's Saliency without abs).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="gradients">inputs × layer size results.</param>
    /// <param name="attributeToLayerInput">The gradient at the layer's input node instead of its output.</param>
    public void LayerGradient(LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Span<T> gradients, bool attributeToLayerInput = false)
        => LayerGradient([layer], inputs, target, gradients, attributeToLayerInput);

    /// <summary>Checks a neuron of a layer for the neuron methods (input-side: not on a token model); returns the layer index.</summary>
    private int CheckNeuron(LayerHandle layer, int neuron)
    {
        int node = CheckLayer(layer, nameof(layer));
        if ((uint)neuron >= (uint)_sizes[node])
            throw new ArgumentOutOfRangeException(nameof(neuron), neuron, $"Layer {node} ('{_layers[node].Name}') has neurons 0..{_sizes[node] - 1}.");
        if (_tokenEmbedding > 0)
        {
            throw new NotSupportedException(
                $"Model '{_model.Name}' takes token ids, which receive no gradient and have no straight path between them: use NeuronConductance " +
                "(per token, in embedding space) to explain a neuron.");
        }

        return node;
    }
}
