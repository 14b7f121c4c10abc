using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

// Methods that sample: GradientSHAP (expected gradients with random α and Gaussian noise), and Grad-CAM, which needs one
// gradient. Seeded with SplitMix64, so a seed gives the same result on every machine.
public sealed partial class Attributor<T>
{
    /// <summary>
    /// GradientSHAP (Lundberg and Lee's expected gradients with input noise, as Captum's GradientShap): for each input x and
    /// each of <paramref name="samples"/> draws, a baseline x′ from <paramref name="baselines"/> (a random row of a distribution,
    /// or the one baseline given), α uniform in [0, 1) and noise ε ~ N(0, <paramref name="stdev"/>²) per element; with
    /// x̃ = x + ε the attribution is the mean of (x̃ − x′) ⊙ ∂F/∂x(x′ + α(x̃ − x′)) (<paramref name="attributions"/>: inputs ×
    /// InputSize). Complete in expectation: Σ attributions → F(x) − E[F(x′)] as the samples grow (exactly, for a linear model
    /// and no noise). The same seed gives the same draws.
    /// </summary>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baselines">Usually <see cref="Baseline{T}.Distribution"/> of reference inputs (its own sample count is ignored: <paramref name="samples"/> draws are made); zero, shared and per-input baselines work too.</param>
    /// <param name="attributions">inputs × InputSize results.</param>
    /// <param name="samples">Draws per input (≥ 1).</param>
    /// <param name="stdev">Standard deviation of the Gaussian noise added to the input (0: none).</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <param name="multiplyByInputs">False gives the global form: the mean gradient, not multiplied by x̃ − x′ (Captum's multiply_by_inputs = False).</param>
    public void GradientShap(
        ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baselines, Span<T> attributions, int samples = 50, double stdev = 0, int seed = 0,
        bool multiplyByInputs = true)
        => GradientShapAt([0], false, inputs, target, baselines, attributions, samples, stdev, seed, multiplyByInputs);

    /// <summary>
    /// Layer GradientSHAP (Captum's LayerGradientShap): the draws of <see cref="GradientShap"/>, with the gradient taken at
    /// <paramref name="layer"/> and multiplied by y(x̃) − y(x′), the layer's change between the noisy input and the drawn
    /// baseline (<paramref name="attributions"/>: inputs × layer size). Complete in expectation where the layer is a cut.
    /// </summary>
    /// <param name="layer">The layer attributed (0: the input, which is <see cref="GradientShap"/>).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baselines">As for <see cref="GradientShap"/>.</param>
    /// <param name="attributions">inputs × layer size results.</param>
    /// <param name="samples">Draws per input (≥ 1).</param>
    /// <param name="stdev">Standard deviation of the Gaussian noise added to the input (0: none).</param>
    /// <param name="seed">Seed of the draws (the same seed draws the same baselines, α and noise as <see cref="GradientShap"/>).</param>
    /// <param name="multiplyByInputs">False gives the mean gradient at the layer, not multiplied by the layer's change.</param>
    /// <param name="attributeToLayerInput">At the layer's input node instead of its output.</param>
    public void LayerGradientShap(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baselines, Span<T> attributions, int samples = 50, double stdev = 0,
        int seed = 0, bool multiplyByInputs = true, bool attributeToLayerInput = false)
        => GradientShapAt([layer], attributeToLayerInput, inputs, target, baselines, attributions, samples, stdev, seed, multiplyByInputs);

    /// <summary>
    /// GradientSHAP at the nodes <paramref name="layers"/> name (their input nodes with <paramref name="attributeToLayerInput"/>),
    /// each input's results the layers' values one after the other: every layer sees the same draws.
    /// </summary>
    private void GradientShapAt(
        ReadOnlySpan<LayerHandle> layers, bool attributeToLayerInput, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baselines, Span<T> attributions,
        int samples, double stdev, int seed, bool multiplyByInputs)
    {
        Enter();
        try
        {
            if (layers.IsEmpty) throw new ArgumentException("Give at least one layer.", nameof(layers));
            Span<int> nodes = layers.Length <= 64 ? stackalloc int[layers.Length] : new int[layers.Length];
            int width = LayerSides(layers, attributeToLayerInput, layers.Length == 1 ? "layer" : nameof(layers), nodes).Total;

            if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Give at least one sample per input.");
            if (!double.IsFinite(stdev) || stdev < 0) throw new ArgumentOutOfRangeException(nameof(stdev), stdev, "The noise's standard deviation must be finite and ≥ 0.");
            if (_tokenEmbedding > 0)
            {
                throw new NotSupportedException(
                    $"Model '{_model.Name}' takes token ids, which cannot be interpolated or perturbed: use IntegratedGradients (per token, in embedding space).");
            }

            RefuseSliceTokens("GradientShap");
            int count = ValidateInputs(inputs);
            target.Validate(count, _outputSize, nameof(target));
            baselines.Validate(count, _inputSize, nameof(baselines));
            if (stdev > 0) RefuseFixedInputs("GradientShap with noise", "the noise would move them along the path; give stdev = 0, or leave them out of the noise by attributing with IntegratedGradients");
            baselines = PinFixedInputs(inputs, baselines, count);
            PathLimits.CheckPaths(count, samples, 1);
            CheckResultLength(attributions.Length, count, width, nameof(attributions));
            var staged = StagedResult(count, width);
            staged.Clear();
            try
            {
                RunGradientShap(nodes, inputs, target, baselines, staged, count, samples, stdev, seed, multiplyByInputs);
            }
            catch (ArgumentException e) when (e.ParamName is "input" or "activation" or "layerGradient")
            {
                throw Overflowed(e, _model.Name);
            }

            Publish(staged, attributions, width, "attributions");
        }
        finally
        {
            Exit();
        }
    }

    private T[] _alphas = [];

    private void RunGradientShap(
        ReadOnlySpan<int> nodes, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baselines, Span<T> result, int count, int samples, double stdev, int seed,
        bool multiplyByInputs)
    {
        int width = 0, lowest = int.MaxValue;
        bool above = false; // a layer above the input: its change y(x̃) − y(x′) takes two forwards per chunk
        foreach (int node in nodes)
        {
            width += _sizes[node];
            lowest = Math.Min(lowest, node);
            above |= node > 0;
        }

        var ws = HostWorkspace;
        Grow(ref _alphas, HostBatch);
        if (above && multiplyByInputs)
        {
            Grow(ref _layerStart, (long)HostBatch * width);
            Grow(ref _layerChange, (long)HostBatch * width);
            Grow(ref _layerPoints, (long)HostBatch * _inputSize);
        }

        var random = new SplitMix64(seed);
        int setCount = baselines.Kind == BaselineKind.Set ? baselines.SetCount(_inputSize) : 1;
        T perSample = T.One / T.CreateChecked(samples);
        long total = (long)count * samples;
        var draws = baselines.Kind == BaselineKind.Set ? Grow(ref _draws, total) : default; // observable: LastBaselineDraws
        for (long first = 0; first < total; first += HostBatch)
        {
            int rows = (int)Math.Min(HostBatch, total - first);
            for (int r = 0; r < rows; r++)
            {
                int b = (int)((first + r) / samples);
                _rowInput[r] = b;
                var reference = baselines.Kind switch
                {
                    BaselineKind.Zero => default,
                    BaselineKind.Shared => baselines.Values,
                    BaselineKind.PerInput => baselines.Row(b, _inputSize),
                    _ => baselines.Row(draws[(int)(first + r)] = random.NextInt(setCount), _inputSize),
                };
                T alpha = T.CreateChecked(random.NextDouble());
                _alphas[r] = alpha;
                var x = inputs.Slice(b * _inputSize, _inputSize);
                var direction = Row(Host.Directions, r, _inputSize);
                for (int i = 0; i < _inputSize; i++)
                {
                    T noisy = stdev > 0 ? x[i] + T.CreateChecked(stdev * random.NextGaussian()) : x[i];
                    direction[i] = reference.IsEmpty ? noisy : noisy - reference[i];
                }

                PathPoint(reference, direction, alpha, Row(Host.Points, r, _inputSize));
                target.WriteSeed(b, perSample, Row(_seeds, r, _outputSize));
            }

            if (above && multiplyByInputs)
            {
                // y(x̃) − y(x′) at each layer: x̃ = x′ + direction, x′ = point − α·direction is rebuilt from the draws' rows.
                var noisy = _layerPoints.AsSpan(0, rows * _inputSize);
                for (int r = 0; r < rows; r++)
                {
                    TensorPrimitives.FusedMultiplyAdd(Row(Host.Directions, r, _inputSize), T.One - _alphas[r], Row(Host.Points, r, _inputSize), Row(noisy, r, _inputSize));
                }

                _model.Forward(ws, noisy, rows, _outputs.AsSpan(0, rows * _outputSize));
                CopyLayers(ws, nodes, rows, width, _layerStart);
                for (int r = 0; r < rows; r++)
                {
                    TensorPrimitives.FusedMultiplyAdd(Row(Host.Directions, r, _inputSize), -_alphas[r], Row(Host.Points, r, _inputSize), Row(noisy, r, _inputSize));
                }

                _model.Forward(ws, noisy, rows, _outputs.AsSpan(0, rows * _outputSize));
                CopyLayers(ws, nodes, rows, width, _layerChange);
                TensorPrimitives.Subtract(_layerStart.AsSpan(0, rows * width), _layerChange.AsSpan(0, rows * width), _layerChange.AsSpan(0, rows * width));
            }

            _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
            _model.Backward(ws, _seeds.AsSpan(0, rows * _outputSize), rows, lowest);
            _lastDrawCount = draws.IsEmpty ? 0 : (int)(first + rows);
            int offset = 0;
            foreach (int node in nodes)
            {
                int size = _sizes[node];
                var g = ws.Gradient(node);
                for (int r = 0; r < rows; r++)
                {
                    var accumulator = result.Slice(_rowInput[r] * width + offset, size);
                    if (!multiplyByInputs) TensorPrimitives.Add(accumulator, Row(g, r, size), accumulator); // the seed carries 1/samples
                    else if (node == 0) AddScaled(Row(Host.Directions, r, _inputSize), Row(g, r, _inputSize), accumulator);
                    else AddScaled(_layerChange.AsSpan(r * width + offset, size), Row(g, r, size), accumulator);
                }

                offset += size;
            }
        }
    }

    /// <summary>Each row's activations at <paramref name="nodes"/>, one after the other, into rows of <paramref name="width"/>.</summary>
    private void CopyLayers(ModelWorkspace<T> ws, ReadOnlySpan<int> nodes, int rows, int width, Span<T> destination)
    {
        int offset = 0;
        foreach (int node in nodes)
        {
            int size = _sizes[node];
            var y = ws.Activation(node);
            for (int r = 0; r < rows; r++) Row(y, r, size).CopyTo(destination.Slice(r * width + offset, size));
            offset += size;
        }
    }

    /// <summary>
    /// Grad-CAM at a convolutional layer (Selvaraju et al.; Captum's LayerGradCam): each channel c of the layer's activation A
    /// is weighted by the mean over its positions of ∂F/∂A_c, and the map is Σ_c w_c A_c, through a ReLU unless
    /// <paramref name="relu"/> is false (<paramref name="maps"/>: inputs × the layer's positions, e.g. H × W of a [C, H, W]
    /// layer). <see cref="GradCam.Upsample{TValue}"/> brings a map to the input's size.
    /// </summary>
    /// <param name="layer">A layer with a channel axis and positions ([C, H, W] or [C, L]).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="maps">inputs × positions results.</param>
    /// <param name="relu">Keep only the positive evidence (the paper's ReLU); false gives the signed map.</param>
    /// <param name="attributeToLayerInput">The map of the layer's input node (which must have channels) instead of its output.</param>
    public void LayerGradCam(LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Span<T> maps, bool relu = true, bool attributeToLayerInput = false)
        => LayerGradCam([layer], inputs, target, maps, relu, attributeToLayerInput);

    /// <summary>
    /// Grad-CAM at several layers in one pass (one forward, one backward stopped at the lowest): each input's maps are the
    /// layers' maps one after the other, in the order given (<paramref name="maps"/>: inputs × Σ the layers' positions).
    /// </summary>
    /// <param name="layers">Layers with a channel axis and positions (at least one).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="maps">inputs × Σ positions results.</param>
    /// <param name="relu">Keep only the positive evidence (the paper's ReLU); false gives the signed maps.</param>
    /// <param name="attributeToLayerInput">The maps of the layers' input nodes instead of their outputs.</param>
    public void LayerGradCam(ReadOnlySpan<LayerHandle> layers, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Span<T> maps, bool relu = true, bool attributeToLayerInput = false)
    {
        Enter();
        try
        {
            if (layers.IsEmpty) throw new ArgumentException("Give at least one layer.", nameof(layers));
            string parameterName = layers.Length == 1 ? "layer" : nameof(layers);
            // On the stack: a scratch field could be overwritten by a concurrent call before that call is refused.
            Span<int> nodes = layers.Length <= 64 ? stackalloc int[layers.Length] : new int[layers.Length];
            int total = 0, lowest = int.MaxValue;
            for (int l = 0; l < layers.Length; l++)
            {
                int node = nodes[l] = LayerSide(layers[l], attributeToLayerInput, parameterName);
                var shape = _layers[node].Shape;
                if (shape.Count < 2)
                    throw new ArgumentException($"Layer '{_layers[node].Name}' has shape [{string.Join("×", shape)}]: Grad-CAM needs channels and positions ([C, H, W] or [C, L]).", parameterName);
                if (node == 0 && _tokenEmbedding > 0) throw new ArgumentException("Node 0 holds token ids, which receive no gradient: use the embedding or a layer above it.", parameterName);
                total += _sizes[node] / shape[0];
                lowest = Math.Min(lowest, node);
            }

            int count = ValidateInputs(inputs);
            target.Validate(count, _outputSize, nameof(target));
            CheckResultLength(maps.Length, count, total, nameof(maps));
            var staged = StagedResult(count, total);
            var ws = HostWorkspace;
            for (int first = 0; first < count; first += HostBatch)
            {
                int rows = Math.Min(HostBatch, count - first);
                _model.Forward(ws, inputs.Slice(first * _inputSize, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                for (int r = 0; r < rows; r++) target.WriteSeed(first + r, T.One, Row(_seeds, r, _outputSize));
                _model.Backward(ws, _seeds.AsSpan(0, rows * _outputSize), rows, lowest);
                int offset = 0;
                foreach (int node in nodes)
                {
                    int width = _sizes[node], channels = _layers[node].Shape[0], positions = width / channels;
                    T perPosition = T.One / T.CreateChecked(positions);
                    var g = ws.Gradient(node);
                    var a = ws.Activation(node);
                    for (int r = 0; r < rows; r++)
                    {
                        var map = staged.Slice((first + r) * total + offset, positions);
                        map.Clear();
                        for (int c = 0; c < channels; c++)
                        {
                            int at = r * width + c * positions;
                            T w = TensorPrimitives.Sum<T>(g.Slice(at, positions)) * perPosition;
                            TensorPrimitives.FusedMultiplyAdd(a.Slice(at, positions), w, map, map);
                        }

                        if (relu) TensorPrimitives.Max(map, T.Zero, map);
                    }

                    offset += positions;
                }
            }

            Publish(staged, maps, total, "maps");
        }
        finally
        {
            Exit();
        }
    }
}
