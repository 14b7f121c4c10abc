using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

// A model with several inputs where one of them is token ids read by an Embedding (Forward([InputShape(16)] Tensor tokens,
// [InputShape(4)] Tensor meta)). Ids have no straight path between them, so, as for a one-input token model, the path runs
// in embedding space for that input — e(α) = E(x′) + α(E(x) − E(x′)) — while every other input moves along x′ + α(x − x′).
// The embedding is no cut here (the other inputs bypass it), so the network cannot run onward from it alone; instead each
// step runs the whole forward with the input's own ids in the token slice and the embedding's output replaced by e(α)
// through a per-row tap, on a workspace of its own that keeps the tap (so that no other pass sees it, and none is made
// per call). A backward stopped at the embedding then reads ∂F/∂e (the tap masks the gradient only of nodes
// below the stop), and a second one down to the input gives ∂F/∂x for the other inputs. The token input's attribution is
// per token, Σ over the embedding width of Δe ⊙ ∫∂F/∂e; the other inputs' is (x − x′) ⊙ ∫∂F/∂x, and together they sum
// to F(x) − F(x′) up to the rule's error. Integrated Gradients and internal influence (at the embedding or above) run this
// way, and so does neuron conductance (for neurons at the embedding or above); methods that need a tangent through the
// embedding, or that perturb the ids, are refused up front.
public sealed partial class Attributor<T>
{
    /// <summary>The Embedding reading one input of several (0: none; −1: such an Embedding the engine cannot explain, see <see cref="_sliceRefusal"/>).</summary>
    private int _sliceEmbedding;

    /// <summary>Why a model's token input cannot be explained, when <see cref="_sliceEmbedding"/> is −1.</summary>
    private string _sliceRefusal = "";

    /// <summary>The token input's slice of the packed row.</summary>
    private int _tokenOffset, _tokenLength;

    private ModelWorkspace<T>? _tokenWorkspace;
    private bool[] _tapMask = [];
    private T[] _tapValues = [];
    private T[] _tokenStart = [];
    private T[] _tokenChange = [];

    /// <summary>
    /// Finds an Embedding that reads one Forward parameter of a several-input model (its slice of the packed row, through
    /// the Channels / Reshape nodes the generator makes for it) and that parameter's place in the row.
    /// </summary>
    private void FindSliceEmbedding()
    {
        var chain = new List<int>();
        foreach (var layer in _layers)
        {
            if (layer.Kind != LayerKind.Embedding || layer.Inputs.Contains(0) || layer.Inputs.Count != 1) continue;
            chain.Clear();
            ModelInput? input = null;
            for (int node = layer.Inputs[0]; node != 0; node = _layers[node].Inputs[0])
            {
                var kind = _layers[node].Kind;
                if (kind is not (LayerKind.Channels or LayerKind.Reshape) || _layers[node].Inputs.Count != 1)
                {
                    chain.Clear();
                    break;
                }

                chain.Add(node);
                input ??= _model.InputLayout.FirstOrDefault(i => i.Name == _layers[node].Name);
            }

            if (chain.Count == 0) continue;
            if (_sliceEmbedding != 0)
            {
                _sliceEmbedding = -1;
                _sliceRefusal = "it has more than one Embedding reading its inputs; the engine explains one token input";
                return;
            }

            if (input is null || input.Size != _sizes[layer.Index] / _layers[layer.Index].Shape[0])
            {
                _sliceEmbedding = -1;
                _sliceRefusal = $"the Embedding '{layer.Name}' reads token ids that are not one whole Forward parameter";
                return;
            }

            foreach (var other in _layers)
            {
                if (other.Index == layer.Index || chain.Contains(other.Index)) continue;
                if (other.Inputs.Any(chain.Contains))
                {
                    _sliceEmbedding = -1;
                    _sliceRefusal = $"its token input '{input.Name}' is read by '{other.Name}' as well as by the Embedding '{layer.Name}'";
                    return;
                }
            }

            _sliceEmbedding = layer.Index;
            _tokenOffset = input.Offset;
            _tokenLength = input.Size;
        }
    }

    /// <summary>
    /// Refuses a method that interpolates or perturbs every input value on a model whose input holds token ids for an
    /// Embedding, before anything runs.
    /// </summary>
    private void RefuseSliceTokens(string method)
    {
        if (_sliceEmbedding == 0) return;
        throw new NotSupportedException(SliceTokenMessage($"{method} interpolates or perturbs every input value, which token ids cannot take"));
    }

    private string SliceTokenMessage(string why)
    {
        if (_sliceEmbedding < 0) return $"Model '{_model.Name}' cannot be attributed along paths: {_sliceRefusal}.";
        var embedding = _layers[_sliceEmbedding];
        return $"Model '{_model.Name}' feeds one of its inputs (token ids) to the Embedding '{embedding.Name}' (layer {embedding.Index}): paths run in " +
            $"embedding space for it, and {why}. IntegratedGradients and NeuronConductance (per token, and per value of the other inputs) and " +
            $"InternalInfluence at layer {embedding.Index} or above run on such a model, as do DeepLift, LayerGradient and LayerGradientTimesActivation at the embedding or above, " +
            "and layer IG at a layer every path crosses.";
    }

    /// <summary>The path-method checks of a model with a token input among several: what runs, and on which settings.</summary>
    private void CheckSliceTokenCall(ref PathCall call)
    {
        if (_sliceEmbedding < 0) throw new NotSupportedException(SliceTokenMessage(""));
        bool runs = call.Method switch
        {
            PathMethod.Gradient => !call.SelectInputs,
            PathMethod.Influence => call.Layer >= _sliceEmbedding,
            PathMethod.Neuron => call.Layer >= _sliceEmbedding && !call.Global,
            _ => false,
        };
        if (!runs)
        {
            throw new NotSupportedException(SliceTokenMessage(call.Method == PathMethod.Influence
                ? "the gradient with respect to the ids does not exist: ask for the influence at the embedding or above"
                : "this method needs a tangent through the embedding or moves the ids, which is not available there"));
        }
    }

    /// <summary>Integrated Gradients, internal influence or neuron conductance on a model with a token input among several (see the file's comment).</summary>
    private AttributionReport IntegrateSliceTokens(ref PathCall call, IntegrationOptions options)
    {
        if (options.Tolerance > 0) throw new ArgumentException("The adaptive mode is not available on a model with a token input among several; give a fixed number of steps.", nameof(options));
        if (options.Rule == IntegrationRule.Exact) throw new ArgumentException("The exact rule is not available on a model with a token input among several.", nameof(options));
        int e = _sliceEmbedding, sizeE = _sizes[e], steps = options.Steps, count = call.Count, m = call.PathsPerInput, size = call.ResultSize;
        bool needDeltas = !call.Deltas.IsEmpty || !call.Gaps.IsEmpty || call.Method == PathMethod.Gradient;
        if (call.Baseline.IsSampled) DrawBaselines(ref call);
        var alpha = Grow(ref _alpha, steps);
        var weight = Grow(ref _weight, steps);
        Quadrature.GetNodes(options.Rule, steps, alpha, weight);
        var result = call.Result;
        result.Clear();
        var sums = Grow(ref _passSums, count); // Q[dF/dα] per input
        sums.Clear();
        var fx = Grow(ref _inputValue, count);
        var fr = Grow(ref _referenceValue, count);
        fr.Clear();
        int batch = HostBatch;
        var ws = _tokenWorkspace ??= _model.CreateWorkspace(batch);
        Grow(ref _rowPath, batch);
        var mask = Grow(ref _tapMask, sizeE);
        mask.Fill(true);
        var tap = Grow(ref _tapValues, (long)batch * sizeE);
        T perPath = T.One / T.CreateChecked(m);
        long paths = (long)count * m;
        int block = (int)Math.Clamp(LayerPathBudgetElements / (2L * sizeE), 1, Math.Min(paths, int.MaxValue));
        Grow(ref _tokenStart, (long)block * sizeE);
        Grow(ref _tokenChange, (long)block * sizeE);
        {
            for (long first = 0; first < paths; first += block)
            {
                int blockPaths = (int)Math.Min(block, paths - first);
                SliceTokenEndpoints(ref call, first, blockPaths, fx, fr, perPath);

                long total = (long)blockPaths * steps;
                for (long e0 = 0; e0 < total; e0 += batch)
                {
                    int rows = (int)Math.Min(batch, total - e0);
                    for (int r = 0; r < rows; r++)
                    {
                        long index = e0 + r;
                        int q = (int)(index / steps), k = (int)(index % steps), path = (int)(first + q), b = path / m;
                        _rowInput[r] = b;
                        var x = call.Inputs.Slice(b * _inputSize, _inputSize);
                        var reference = BaselineOf(ref call, path);
                        var direction = Row(Host.Directions, r, _inputSize);
                        if (reference.IsEmpty) x.CopyTo(direction);
                        else TensorPrimitives.Subtract(x, reference, direction);
                        direction.Slice(_tokenOffset, _tokenLength).Clear(); // the ids move in embedding space
                        var point = Row(Host.Points, r, _inputSize);
                        PathPoint(reference, direction, FromDouble(alpha[k]), point);
                        x.Slice(_tokenOffset, _tokenLength).CopyTo(point.Slice(_tokenOffset, _tokenLength)); // valid ids; the tap replaces their embedding
                        TensorPrimitives.FusedMultiplyAdd(_tokenChange.AsSpan(q * sizeE, sizeE), FromDouble(alpha[k]), _tokenStart.AsSpan(q * sizeE, sizeE), Row(tap, r, sizeE));
                        _rowPath[r] = q;
                        call.Target.WriteSeed(b, FromDouble(weight[k]) * perPath, Row(_seeds, r, _outputSize));
                    }

                    ws.SetIntervention(e, mask, tap);
                    _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                    if (call.Method == PathMethod.Neuron)
                    {
                        SliceTokenNeuronRows(ref call, ws, rows, needDeltas, result, sums);
                        continue;
                    }

                    int stop = call.Method == PathMethod.Influence ? Math.Min(call.Layer, e) : e;
                    _model.Backward(ws, _seeds.AsSpan(0, rows * _outputSize), rows, stop);
                    var ge = ws.Gradient(e);
                    for (int r = 0; r < rows; r++)
                    {
                        var change = _tokenChange.AsSpan(_rowPath[r] * sizeE, sizeE);
                        var accumulator = Row(result, _rowInput[r], size);
                        if (needDeltas) sums[_rowInput[r]] += TensorPrimitives.Dot<T>(change, Row(ge, r, sizeE));
                        if (call.Method == PathMethod.Gradient) AddPerToken(e, change, Row(ge, r, sizeE), accumulator.Slice(_tokenOffset, _tokenLength));
                        else TensorPrimitives.Add(accumulator, Row(ws.Gradient(call.Layer), r, size), accumulator); // the seed carries the weight and 1/m
                    }

                    if (!needDeltas && call.Method != PathMethod.Gradient) continue;
                    _model.Backward(ws, _seeds.AsSpan(0, rows * _outputSize), rows, 0);
                    var g0 = ws.Gradient(0);
                    for (int r = 0; r < rows; r++)
                    {
                        var direction = Row(Host.Directions, r, _inputSize);
                        sums[_rowInput[r]] += TensorPrimitives.Dot<T>(direction, Row(g0, r, _inputSize));
                        if (call.Method == PathMethod.Gradient) AddScaled(direction, Row(g0, r, _inputSize), Row(result, _rowInput[r], size));
                    }
                }
            }
        }

        double worst = 0;
        var deltas = call.Deltas;
        for (int b = 0; b < count; b++)
        {
            T error = sums[b] - (fx[b] - fr[b]);
            if (!deltas.IsEmpty) deltas[b] = error;
            worst = Math.Max(worst, Relative(error, fx[b] - fr[b]));
        }

        var completeness = CompletenessOf(ref call);
        double worstGap = completeness != Completeness.NotApplicable ? CompletenessGaps(ref call, result) : double.NaN;
        return new AttributionReport(steps, paths * steps, needDeltas ? worst : double.NaN, true, completeness, worstGap);
    }

    /// <summary>
    /// Neuron conductance on the rows just run forward: g = ∂F/∂y at the neuron layer (a backward stopped at or above the
    /// embedding), then reverse passes seeded there with g ⊙ 1_S give the token part at the embedding (per token, Σ Δe ⊙ ·)
    /// and the other inputs' part at the input ((x − x′) ⊙ ·). The quadrature error needs dF/dα: ΔE·∂F/∂e + (x − x′)·∂F/∂x.
    /// </summary>
    private void SliceTokenNeuronRows(ref PathCall call, ModelWorkspace<T> ws, int rows, bool needDeltas, Span<T> result, Span<T> sums)
    {
        int e = _sliceEmbedding, sizeE = _sizes[e], layer = call.Layer, width = _sizes[layer], size = call.ResultSize;
        var seeds = _seeds.AsSpan(0, rows * _outputSize);
        _model.Backward(ws, seeds, rows, e);
        var seed = Grow(ref _layerSeed, (long)rows * width);
        var selection = _selectionWeights.AsSpan(0, width);
        var g = ws.Gradient(layer);
        for (int r = 0; r < rows; r++) TensorPrimitives.Multiply(Row(g, r, width), selection, Row(seed, r, width));
        if (needDeltas)
        {
            var ge = ws.Gradient(e);
            for (int r = 0; r < rows; r++) sums[_rowInput[r]] += TensorPrimitives.Dot<T>(_tokenChange.AsSpan(_rowPath[r] * sizeE, sizeE), Row(ge, r, sizeE));
            _model.Backward(ws, seeds, rows, 0);
            var g0 = ws.Gradient(0);
            for (int r = 0; r < rows; r++) sums[_rowInput[r]] += TensorPrimitives.Dot<T>(Row(Host.Directions, r, _inputSize), Row(g0, r, _inputSize));
        }

        ReadOnlySpan<T> throughE = seed;
        if (layer > e)
        {
            _model.BackwardFrom(ws, layer, seed, rows, e);
            throughE = ws.Gradient(e);
        }

        for (int r = 0; r < rows; r++)
        {
            var change = _tokenChange.AsSpan(_rowPath[r] * sizeE, sizeE);
            AddPerToken(e, change, throughE.Slice(r * sizeE, sizeE), Row(result, _rowInput[r], size).Slice(_tokenOffset, _tokenLength));
        }

        _model.BackwardFrom(ws, layer, seed, rows, 0);
        var through0 = ws.Gradient(0);
        for (int r = 0; r < rows; r++) AddScaled(Row(Host.Directions, r, _inputSize), Row(through0, r, _inputSize), Row(result, _rowInput[r], size));
    }

    /// <summary>E(x′) and ΔE = E(x) − E(x′) at the embedding for a block of paths, with F(x) and the mean F(x′).</summary>
    private void SliceTokenEndpoints(ref PathCall call, long first, int blockPaths, Span<T> fx, Span<T> fr, T perPath)
    {
        int e = _sliceEmbedding, sizeE = _sizes[e], m = call.PathsPerInput;
        var ws = ReferenceWorkspace; // without the tap
        for (int q0 = 0; q0 < blockPaths; q0 += HostBatch)
        {
            int rows = Math.Min(HostBatch, blockPaths - q0);
            for (int pass = 0; pass < 2; pass++)
            {
                for (int r = 0; r < rows; r++)
                {
                    int path = (int)(first + q0 + r);
                    var row = Row(Host.Points, r, _inputSize);
                    if (pass == 1) call.Inputs.Slice(path / m * _inputSize, _inputSize).CopyTo(row);
                    else CopyBaseline(BaselineOf(ref call, path), row);
                }

                _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                var y = ws.Activation(e);
                for (int r = 0; r < rows; r++)
                {
                    int q = q0 + r, b = (int)((first + q) / m);
                    T score = call.Target.Evaluate(b, Row(_outputs, r, _outputSize));
                    if (pass == 0)
                    {
                        Row(y, r, sizeE).CopyTo(_tokenStart.AsSpan(q * sizeE, sizeE));
                        fr[b] += perPath * score;
                    }
                    else
                    {
                        TensorPrimitives.Subtract(Row(y, r, sizeE), _tokenStart.AsSpan(q * sizeE, sizeE), _tokenChange.AsSpan(q * sizeE, sizeE));
                        fx[b] = score;
                    }
                }
            }
        }
    }

    /// <summary>Σ over the embedding width of Δe ⊙ <paramref name="through"/> at each position of embedding <paramref name="embedding"/> ([width, positions]).</summary>
    private void AddPerToken(int embedding, ReadOnlySpan<T> change, ReadOnlySpan<T> through, Span<T> accumulator)
    {
        var shape = _layers[embedding].Shape;
        int width = shape[0], positions = shape[1];
        for (int d = 0; d < width; d++)
        {
            var c = change.Slice(d * positions, positions);
            var g = through.Slice(d * positions, positions);
            for (int l = 0; l < positions; l++) accumulator[l] += c[l] * g[l];
        }
    }
}
