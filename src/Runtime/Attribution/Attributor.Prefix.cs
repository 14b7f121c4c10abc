using System.Numerics.Tensors;
using Axon.Kernels;
using Axon.Model;

namespace Axon.Attribution;

// The affine-prefix path. When nodes 1..A of the network are affine (dense, convolution, flatten, reshape, average
// pooling, inference batch norm, sums and concatenations of those) and node A is a cut, then along the straight path
//     y_A(γ(α)) = y_A(x′) + α·(y_A(x) − y_A(x′))            exactly,
// so dy_A/dα = Δy_A is the same at every step and J_A = ∂y_A/∂x does not depend on α. Every path method can then
// integrate at node A and apply the prefix once per path instead of once per step:
//     IG = (x − x′) ⊙ J_Aᵀ ∫ ∂F/∂y_A dα,    Cond_A = Δy_A ⊙ ∫ ∂F/∂y_A dα,    Q[dF/dα] = Δy_A · ∫ ∂F/∂y_A dα,
// and layers below A, neuron conductance and patch IG follow by one reverse or forward pass through the prefix per
// path. Each step is then one ForwardFrom(A) and one Backward down to A: the prefix (for a CNN the first
// convolution, for an MLP the widest matrix product) is skipped at every step. The identities are exact; the results
// agree with the step-by-step path to rounding.
public sealed partial class Attributor<T>
{
    /// <summary>The per-path buffers of the affine-prefix path may take about this many elements.</summary>
    private const long PrefixBudgetElements = 8L << 20;

    private readonly int _prefix;

    /// <summary>The Embedding node that reads the input (token ids), when it is a cut; 0 for other models.</summary>
    private readonly int _tokenEmbedding;

    private T[] _prefixStart = [];
    private T[] _prefixChange = [];
    private T[] _prefixIntegral = [];
    private T[] _prefixNeuron = [];
    private T[] _prefixLayerChange = [];
    private T[] _prefixGradient = [];
    private int[] _rowPath = [];

    /// <summary>One flag per node, made on first use and refilled per prefix pass (<see cref="NodesReadAfterPasses"/>).</summary>
    private bool[] _nodesRead = [];

    /// <summary>
    /// The last node A of the network's affine prefix that every path crosses, or 0 when the first operation is not
    /// affine. Path methods integrate at A and skip the prefix at every step (see <see cref="UseAffinePrefix"/>). For a
    /// model whose input is token ids, A is the Embedding node: its paths run in embedding space from there.
    /// </summary>
    public int AffinePrefix => _prefix;

    /// <summary>
    /// Whether path methods may use the affine prefix (on by default): integrate at node <see cref="AffinePrefix"/>
    /// and run the prefix once per path rather than once per step. Exact; off, every step runs the whole network.
    /// </summary>
    public bool UseAffinePrefix { get; set; } = true;

    private static int FindTokenEmbedding(LayerInfo[] layers)
    {
        foreach (var layer in layers)
        {
            if (layer.Kind == LayerKind.Embedding && layer.Inputs.Contains(0) && layer.IsCut) return layer.Index;
        }

        return 0;
    }

    private static int FindAffinePrefix(LayerInfo[] layers)
    {
        int prefix = 0;
        for (int i = 1; i < layers.Length; i++)
        {
            if (!layers[i].IsAffine) break;
            if (layers[i].IsCut) prefix = i;
        }

        return prefix;
    }

    private bool CanUsePrefix(ref PathCall call)
    {
        if (!UseAffinePrefix || _prefix == 0) return false;
        switch (call.Method)
        {
            case PathMethod.Gradient:
            case PathMethod.Neuron:
            case PathMethod.Influence:
                return true;
            case PathMethod.Patch:
                return call.Layer <= _prefix || IsReluOfPrefix(call.Layer) || CanTrackPatterns(ref call);
            case PathMethod.Conductance:
                // Layers above A take one tangent from A per step (TangentFrom): the prefix is still skipped. The difference
                // form at layers up to A is the tangent form with the matching Riemann rule (see DifferenceRule).
                if (!call.Difference) return true;
                for (int i = 0; i < call.LayerCount; i++) if (_layerList[i] > _prefix) return false;
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="layer"/> is a ReLU of A alone, untapped (the MLP's relu1). Patch IG there is patch IG at
    /// A: with r = relu′(A(α)), the ReLU's gradient g and its tangent r ⊙ J_A·((x − x′) ⊙ 1_S) give
    /// g ⊙ r ⊙ change_S = (r ⊙ g) ⊙ change_S, and r ⊙ g is A's gradient; change_S is the same at every step, so each
    /// region's term is change_S ⊙ ∫ ∂F/∂A, the prefix's own integral, step by step the same sum.
    /// </summary>
    private bool IsReluOfPrefix(int layer) => _prefix > 0 && _tokenEmbedding == 0 && IsReluOf(layer, _prefix);

    /// <summary>Sizes of the per-path buffers for the layers below the prefix that layer conductance reads.</summary>
    private int PrefixLayerChangeSize(ref PathCall call)
    {
        if (call.Method != PathMethod.Conductance) return 0;
        int total = 0;
        for (int i = 0; i < call.LayerCount; i++) if (_layerList[i] < _prefix) total += _sizes[_layerList[i]];
        return total;
    }

    private long RunPrefixPass(ref PathCall call, IntegrationRule rule, int steps)
    {
        int a = _prefix, sizeA = _sizes[a], m = call.PathsPerInput;
        var alpha = Grow(ref _alpha, steps);
        var weight = Grow(ref _weight, steps);
        Quadrature.GetNodes(rule, steps, alpha, weight);
        _backend.ClearAccumulators();
        PreparePrefixBuffers(ref call);

        bool neuronAbove = call.Method == PathMethod.Neuron && call.Layer > a;
        bool influenceAbove = call.Method == PathMethod.Influence && call.Layer > a;
        int conductanceTop = HighestLayerAbove(ref call, a);
        int layerChange = PrefixLayerChangeSize(ref call);
        long paths = (long)call.Count * m;
        bool patterns = CanTrackPatterns(ref call);
        long perPath = 3L * sizeA + (neuronAbove ? sizeA : 0) + layerChange + (patterns ? PatternStatePerPath(ref call) : 0);
        int block = (int)Math.Clamp(PrefixBudgetElements / perPath, 1, Math.Min(paths, int.MaxValue));
        if (patterns) GrowPatternState(block, ref call);
        Grow(ref _prefixStart, (long)block * sizeA);
        Grow(ref _prefixChange, (long)block * sizeA);
        Grow(ref _prefixIntegral, (long)block * sizeA);
        if (neuronAbove) Grow(ref _prefixNeuron, (long)block * sizeA);
        if (layerChange > 0) Grow(ref _prefixLayerChange, (long)block * layerChange);
        Grow(ref _rowPath, StepBatch);
        int largest = 0;
        foreach (int size in _sizes) largest = Math.Max(largest, size);
        Grow(ref _prefixGradient, (long)StepBatch * largest);
        if (call.Method == PathMethod.Patch) Grow(ref _masked, (long)StepBatch * _inputSize);

        T perPathScale = T.One / T.CreateChecked(m);
        T reach = T.Zero; // the largest |α|: every point is start + α·change
        for (int k = 0; k < steps; k++) reach = T.Max(reach, T.Abs(FromDouble(alpha[k])));
        var ws = HostWorkspace;
        try
        {
            ws.StartsChecked = true;
            ws.ReadOnly(NodesReadAfterPasses(ref call, patterns));
            for (long first = 0; first < paths; first += block)
            {
                int count = (int)Math.Min(block, paths - first);
                if (patterns) PatternBlock(ref call, first, count, steps, layerChange, reach, perPathScale, conductanceTop);
                else PrefixBlock(ref call, first, count, steps, layerChange, reach, perPathScale, conductanceTop, neuronAbove, influenceAbove);
            }
        }
        finally
        {
            ws.StartsChecked = false;
            ws.ReadOnly(null);
        }

        return paths * steps;
    }

    /// <summary>
    /// The nodes whose activations, gradients or tangents the prefix path reads after a pass: every node up to A (the
    /// finishing passes read the input's gradient and the listed layers' below A), the output, the call's layer and its
    /// layer list. The passes may leave the others' maps unwritten where a fused kernel can
    /// (<see cref="Model.ModelWorkspace{T}.Reads"/>): FashionCnn's relu1, whose output, gradient and tangent maps are the
    /// largest of a step. On the pattern-tracking path a listed ReLU of L is not read either: its conductance comes from
    /// L's maps (see IsReluOfLinear).
    /// </summary>
    private bool[] NodesReadAfterPasses(ref PathCall call, bool patterns)
    {
        if (_nodesRead.Length != _sizes.Length) _nodesRead = new bool[_sizes.Length];
        var read = _nodesRead;
        Array.Clear(read);
        read.AsSpan(0, _prefix + 1).Fill(true);
        read[^1] = true;
        if ((uint)call.Layer < (uint)read.Length) read[call.Layer] = true;
        for (int i = 0; i < call.LayerCount; i++)
        {
            if (!(patterns && IsReluOfLinear(_layerList[i]))) read[_layerList[i]] = true;
        }

        return read;
    }

    /// <summary>
    /// Throws, as ForwardFrom's own scan would have, unless every point of these paths is finite: |start + α·change| is
    /// at most max|start| + |α|·max|change|, so one bound per path stands for the scans of all its steps' points and
    /// directions, which the passes then skip (<see cref="Model.ModelWorkspace{T}.StartsChecked"/>).
    /// </summary>
    private void CheckPathBounds(int count, T reach)
    {
        int a = _prefix, sizeA = _sizes[a];
        for (int q = 0; q < count; q++)
        {
            T bound = TensorPrimitives.MaxMagnitude<T>(Row(_prefixStart, q, sizeA)) + reach * TensorPrimitives.MaxMagnitude<T>(Row(_prefixChange, q, sizeA));
            if (!T.IsFinite(bound))
            {
                throw new ArgumentException(
                    $"The path's activation at layer {a} ('{_layers[a].Name}') is not finite or reaches {bound}, beyond the range of {typeof(T).Name}.", "activation");
            }
        }
    }

    /// <summary>One block of paths: endpoints, every step's passes, the per-path integrals finished.</summary>
    private void PrefixBlock(ref PathCall call, long first, int count, int steps, int layerChange, T reach, T perPathScale, int conductanceTop, bool neuronAbove, bool influenceAbove)
    {
        int a = _prefix, sizeA = _sizes[a], m = call.PathsPerInput;
        var alpha = _alpha;
        var weight = _weight;
        StartPrefixBlock(ref call, first, count, layerChange, reach);
        if (neuronAbove) _prefixNeuron.AsSpan(0, count * sizeA).Clear();

        long total = (long)count * steps;
        for (long e0 = 0; e0 < total; e0 += StepBatch)
        {
            int rows = (int)Math.Min(StepBatch, total - e0);
            // The points go straight into node A's activation: ForwardFrom's copy of them onto themselves is then
            // no copy at all (a span copied onto itself returns at once), one stream of sizeA values per row saved.
            var points = HostWorkspace.ActivationFor(a, rows);
            // Conductance above A: the directions go straight into node A's tangent (as the points into its
            // activation), each row while its change is still in cache; the passes between leave tangents alone.
            var directions = conductanceTop > a ? HostWorkspace.TangentFor(a, rows) : default;
            for (int r = 0; r < rows; r++)
            {
                var (q, k, b) = DescribeRow(r, e0 + r, first, steps, m);
                var change = Row(_prefixChange, q, sizeA);
                PathStreams<T>.MultiplyAdd(change, FromDouble(alpha[k]), Row(_prefixStart, q, sizeA), Row(points, r, sizeA));
                if (!directions.IsEmpty) change.CopyTo(Row(directions, r, sizeA));
                call.Target.WriteSeed(b, FromDouble(weight[k]) * perPathScale, Row(_seeds, r, _outputSize));
            }

            var seeds = _seeds.AsSpan(0, rows * _outputSize);
            PinTokenIds(HostWorkspace, call.Inputs, rows, _rowInput);
            _model.ForwardFrom(HostWorkspace, a, points, rows, _outputs.AsSpan(0, rows * _outputSize));
            _model.Backward(HostWorkspace, seeds, rows, a);
            var g = HostWorkspace.Gradient(a);
            for (int r = 0; r < rows; r++)
            {
                var integral = Row(_prefixIntegral, _rowPath[r], sizeA);
                ElementwiseKernel.Accumulate<T>(Row(g, r, sizeA), integral);
            }

            if (conductanceTop > a) AccumulateConductanceAbove(ref call, rows, conductanceTop);

            if (influenceAbove)
            {
                int width = _sizes[call.Layer];
                var gl = HostWorkspace.Gradient(call.Layer);
                for (int r = 0; r < rows; r++)
                {
                    var accumulator = Row(Host.Result, _rowInput[r], call.ResultSize);
                    ElementwiseKernel.Accumulate<T>(Row(gl, r, width), accumulator);
                }
            }
            else if (neuronAbove)
            {
                int width = _sizes[call.Layer];
                var seed = _layerSeed.AsSpan(0, rows * width);
                var gl = HostWorkspace.Gradient(call.Layer);
                var selection = _selectionWeights.AsSpan(0, width);
                for (int r = 0; r < rows; r++) TensorPrimitives.Multiply(Row(gl, r, width), selection, Row(seed, r, width));
                _model.BackwardFrom(HostWorkspace, call.Layer, seed, rows, a);
                var ga = HostWorkspace.Gradient(a);
                for (int r = 0; r < rows; r++)
                {
                    var through = Row(_prefixNeuron, _rowPath[r], sizeA);
                    TensorPrimitives.Add(through, Row(ga, r, sizeA), through);
                }
            }
        }

        PrefixFinalize(ref call, first, count, layerChange);
    }

    /// <summary>A block's start on either path (step passes or pattern tracking): endpoints, bounds, a cleared integral at A.</summary>
    private void StartPrefixBlock(ref PathCall call, long first, int count, int layerChange, T reach)
    {
        PrefixEndpoints(ref call, first, count, layerChange);
        CheckPathBounds(count, reach);
        _prefixIntegral.AsSpan(0, count * _sizes[_prefix]).Clear();
    }

    /// <summary>
    /// Row <paramref name="r"/> of a step batch is element <paramref name="e"/> of the block (path-major: step e mod n of
    /// path e / n): its path in the block, its step and its input, the path and input recorded for the row.
    /// </summary>
    private (int Path, int Step, int Input) DescribeRow(int r, long e, long first, int steps, int pathsPerInput)
    {
        int q = (int)(e / steps), k = (int)(e % steps), b = (int)((first + q) / pathsPerInput);
        _rowPath[r] = q;
        _rowInput[r] = b;
        return (q, k, b);
    }

    /// <summary>
    /// The rule and node count with which the tangent form equals the difference form at layers up to A: there y moves
    /// linearly, so each increment y(αₖ₊₁) − y(αₖ) is Δy/n, and Σₖ ĝₖ·Δy/n is the tangent form with ĝ at the left ends
    /// (RiemannLeft, n nodes), the right ends (RiemannRight, n nodes) or their mean (RiemannTrapezoid on the n + 1 grid points).
    /// </summary>
    private static (IntegrationRule Rule, int Nodes) DifferenceRule(IntegrationRule rule, int steps) =>
        rule == IntegrationRule.RiemannTrapezoid ? (rule, steps + 1) : (rule, steps);

    /// <summary>The highest layer above A that a conductance call lists, or A when none is above it.</summary>
    private int HighestLayerAbove(ref PathCall call, int a)
    {
        int top = a;
        if (call.Method == PathMethod.Conductance)
            for (int i = 0; i < call.LayerCount; i++) top = Math.Max(top, _layerList[i]);
        return top;
    }

    /// <summary>
    /// Conductance of the listed layers above A at the rows just run: dy_A/dα = Δy_A on every step, so one tangent from A
    /// along each row's Δy_A gives dy/dα above it, times the weighted gradient the backward left there.
    /// </summary>
    private void AccumulateConductanceAbove(ref PathCall call, int rows, int top)
    {
        int a = _prefix;
        var directions = HostWorkspace.TangentFor(a, rows); // written with the points: TangentFrom's copy onto itself is no copy
        _model.TangentFrom(HostWorkspace, a, directions, rows, top);
        for (int i = 0; i < call.LayerCount; i++)
        {
            int layer = _layerList[i], width = _sizes[layer];
            if (layer <= a) continue;
            var g = HostWorkspace.Gradient(layer);
            var t = HostWorkspace.Tangent(layer);
            for (int r = 0; r < rows; r++) AddScaled(Row(g, r, width), Row(t, r, width), Row(Host.Result, _rowInput[r], call.ResultSize).Slice(_layerOffsets[i], width));
        }
    }

    /// <summary>
    /// A token model's per-token attribution: Σ over the embedding width of Δe ⊙ <paramref name="through"/> at each
    /// position (the embedding node is [width, positions], channels first), added into <paramref name="accumulator"/>.
    /// </summary>
    private void AddPerToken(ReadOnlySpan<T> change, ReadOnlySpan<T> through, Span<T> accumulator)
    {
        var shape = _layers[_tokenEmbedding].Shape;
        int width = shape[0], positions = shape[1];
        for (int d = 0; d < width; d++)
        {
            var c = change.Slice(d * positions, positions);
            var g = through.Slice(d * positions, positions);
            for (int l = 0; l < positions; l++) accumulator[l] += c[l] * g[l];
        }
    }

    /// <summary>y_A(x′) and Δy_A = y_A(x) − y_A(x′) for a block of paths (and Δy of listed layers below A).</summary>
    private void PrefixEndpoints(ref PathCall call, long first, int count, int layerChange)
    {
        int a = _prefix, sizeA = _sizes[a], m = call.PathsPerInput;
        for (int q0 = 0; q0 < count; q0 += StepBatch)
        {
            int rows = Math.Min(StepBatch, count - q0);
            for (int pass = 0; pass < 2; pass++)
            {
                for (int r = 0; r < rows; r++)
                {
                    int path = (int)(first + q0 + r);
                    var row = Row(Host.Points, r, _inputSize);
                    if (pass == 1)
                    {
                        call.Inputs.Slice(path / m * _inputSize, _inputSize).CopyTo(row);
                        continue;
                    }

                    CopyBaseline(BaselineOf(ref call, path), row);
                }

                _model.Forward(HostWorkspace, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                var ya = HostWorkspace.Activation(a);
                for (int r = 0; r < rows; r++)
                {
                    int q = q0 + r;
                    if (pass == 0) Row(ya, r, sizeA).CopyTo(Row(_prefixStart, q, sizeA));
                    else TensorPrimitives.Subtract(Row(ya, r, sizeA), Row(_prefixStart, q, sizeA), Row(_prefixChange, q, sizeA));
                }

                if (layerChange == 0) continue;
                int offset = 0;
                for (int i = 0; i < call.LayerCount; i++)
                {
                    int layer = _layerList[i];
                    if (layer >= a) continue;
                    int width = _sizes[layer];
                    var y = HostWorkspace.Activation(layer);
                    for (int r = 0; r < rows; r++)
                    {
                        var change = _prefixLayerChange.AsSpan((q0 + r) * layerChange + offset, width);
                        if (pass == 0) Row(y, r, width).CopyTo(change);
                        else TensorPrimitives.Subtract(Row(y, r, width), change, change);
                    }

                    offset += width;
                }
            }
        }
    }

    /// <summary>Applies the prefix once per path: the per-path integrals at A become the method's results.</summary>
    private void PrefixFinalize(ref PathCall call, long first, int count, int layerChange)
    {
        int a = _prefix, sizeA = _sizes[a], m = call.PathsPerInput, size = call.ResultSize;
        var ws = HostWorkspace;
        for (int q0 = 0; q0 < count; q0 += StepBatch)
        {
            int rows = Math.Min(StepBatch, count - q0);
            var integral = _prefixIntegral.AsSpan(q0 * sizeA, rows * sizeA);
            var change = _prefixChange.AsSpan(q0 * sizeA, rows * sizeA);

            // A recorded forward of the inputs (the tape the prefix passes read) and the directions x − x′.
            for (int r = 0; r < rows; r++)
            {
                int path = (int)(first + q0 + r), b = path / m;
                _rowInput[r] = b;
                var x = call.Inputs.Slice(b * _inputSize, _inputSize);
                x.CopyTo(Row(Host.Points, r, _inputSize));
                var reference = BaselineOf(ref call, path);
                if (reference.IsEmpty) x.CopyTo(Row(Host.Directions, r, _inputSize));
                else TensorPrimitives.Subtract(x, reference, Row(Host.Directions, r, _inputSize));
                Host.PathSums[b] += TensorPrimitives.Dot<T>(Row(change, r, sizeA), Row(integral, r, sizeA));
            }

            var directions = Host.Directions.AsSpan(0, rows * _inputSize);
            _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));

            switch (call.Method)
            {
                case PathMethod.Gradient:
                    if (_tokenEmbedding > 0)
                    {
                        for (int r = 0; r < rows; r++) AddPerToken(Row(change, r, sizeA), Row(integral, r, sizeA), Row(Host.Result, _rowInput[r], size));
                        break;
                    }

                    _model.BackwardFrom(ws, a, integral, rows, 0);
                    AddInputTerms(ref call, directions, ws.Gradient(0), rows);
                    break;

                case PathMethod.Conductance:
                    {
                        int low = a;
                        for (int i = 0; i < call.LayerCount; i++) low = Math.Min(low, _layerList[i]);
                        if (low < a && _tokenEmbedding == 0) _model.BackwardFrom(ws, a, integral, rows, low);
                        int offset = 0;
                        for (int i = 0; i < call.LayerCount; i++)
                        {
                            int layer = _layerList[i], width = _sizes[layer], at = _layerOffsets[i];
                            if (layer > a) continue; // accumulated step by step
                            for (int r = 0; r < rows; r++)
                            {
                                var accumulator = Row(Host.Result, _rowInput[r], size).Slice(at, width);
                                if (layer == a) AddScaled(Row(change, r, sizeA), Row(integral, r, sizeA), accumulator);
                                else if (_tokenEmbedding > 0) AddPerToken(Row(change, r, sizeA), Row(integral, r, sizeA), accumulator); // the ids: per token
                                else AddScaled(_prefixLayerChange.AsSpan((q0 + r) * layerChange + offset, width), Row(ws.Gradient(layer), r, width), accumulator);
                            }

                            if (layer < a) offset += width;
                        }

                        break;
                    }

                case PathMethod.Influence:
                    {
                        int layer = call.Layer, width = _sizes[layer];
                        if (layer > a) break; // integrated step by step
                        ReadOnlySpan<T> g = integral;
                        if (layer < a)
                        {
                            _model.BackwardFrom(ws, a, integral, rows, layer);
                            g = ws.Gradient(layer);
                        }

                        for (int r = 0; r < rows; r++)
                        {
                            var accumulator = Row(Host.Result, _rowInput[r], size);
                            TensorPrimitives.Add(accumulator, g.Slice(r * width, width), accumulator);
                        }

                        break;
                    }

                case PathMethod.Neuron:
                    {
                        int layer = call.Layer, width = _sizes[layer];
                        if (layer > a && _tokenEmbedding > 0)
                        {
                            for (int r = 0; r < rows; r++) AddPerToken(Row(change, r, sizeA), Row(_prefixNeuron, q0 + r, sizeA), Row(Host.Result, _rowInput[r], size));
                            break;
                        }

                        if (layer > a)
                        {
                            _model.BackwardFrom(ws, a, _prefixNeuron.AsSpan(q0 * sizeA, rows * sizeA), rows, 0);
                        }
                        else
                        {
                            ReadOnlySpan<T> g = integral;
                            if (layer < a)
                            {
                                _model.BackwardFrom(ws, a, integral, rows, layer);
                                g = ws.Gradient(layer);
                            }

                            var seed = _layerSeed.AsSpan(0, rows * width);
                            var selection = _selectionWeights.AsSpan(0, width);
                            for (int r = 0; r < rows; r++) TensorPrimitives.Multiply(g.Slice(r * width, width), selection, Row(seed, r, width));
                            if (_tokenEmbedding > 0) // layer == A, the embedding: through the selected elements only
                            {
                                for (int r = 0; r < rows; r++) AddPerToken(Row(change, r, sizeA), Row(seed, r, sizeA), Row(Host.Result, _rowInput[r], size));
                                break;
                            }

                            _model.BackwardFrom(ws, layer, seed, rows, 0);
                        }

                        AddInputTerms(ref call, directions, ws.Gradient(0), rows);
                        break;
                    }

                case PathMethod.Patch:
                    {
                        int layer = call.Layer, width = _sizes[layer];
                        bool reluOfA = IsReluOfPrefix(layer);
                        if (layer > a && !reluOfA) break; // the pattern-tracking path: accumulated step by step
                        var g = _prefixGradient.AsSpan(0, rows * width);
                        if (layer == a || reluOfA) integral.CopyTo(g);
                        else
                        {
                            _model.BackwardFrom(ws, a, integral, rows, layer);
                            ws.Gradient(layer).CopyTo(g);
                        }

                        if (_tokenEmbedding > 0) // layer == A, the embedding: region S's tokens move along Δe, the rest stay
                        {
                            for (int region = 0; region < call.RegionCount; region++)
                            {
                                var indicator = _regionIndicators.AsSpan(region * _inputSize, _inputSize);
                                for (int r = 0; r < rows; r++) AddMaskedPerElement(Row(change, r, sizeA), Row(g, r, width), indicator, Row(Host.Result, _rowInput[r], size).Slice(region * width, width));
                            }

                            break;
                        }

                        // J_L·((x − x′) ⊙ 1_S) is the same at every step: one tangent per region and path.
                        var masked = _masked.AsSpan(0, rows * _inputSize);
                        int at = reluOfA ? a : layer; // the ReLU's own term is A's (see IsReluOfPrefix)
                        for (int region = 0; region < call.RegionCount; region++)
                        {
                            var indicator = _regionIndicators.AsSpan(region * _inputSize, _inputSize);
                            for (int r = 0; r < rows; r++) TensorPrimitives.Multiply(Row(directions, r, _inputSize), indicator, Row(masked, r, _inputSize));
                            _model.Tangent(ws, masked, rows, at);
                            var t = ws.Tangent(at);
                            for (int r = 0; r < rows; r++) AddScaled(Row(g, r, width), Row(t, r, width), Row(Host.Result, _rowInput[r], size).Slice(region * width, width));
                        }

                        break;
                    }
            }
        }
    }

    /// <summary>Δe ⊙ g restricted to the positions a token region selects (embedding [width, positions]), added into <paramref name="accumulator"/>.</summary>
    private void AddMaskedPerElement(ReadOnlySpan<T> change, ReadOnlySpan<T> g, ReadOnlySpan<T> positions, Span<T> accumulator)
    {
        int length = positions.Length;
        for (int at = 0; at < change.Length; at++)
        {
            T weight = positions[at % length];
            if (weight != T.Zero) accumulator[at] += weight * change[at] * g[at];
        }
    }

    private void AddInputTerms(ref PathCall call, ReadOnlySpan<T> directions, ReadOnlySpan<T> gradient, int rows)
    {
        for (int r = 0; r < rows; r++)
        {
            var accumulator = Row(Host.Result, _rowInput[r], call.ResultSize);
            if (call.Global) TensorPrimitives.Add(accumulator, gradient.Slice(r * _inputSize, _inputSize), accumulator); // the global form: ∫ alone
            else AddScaled(directions.Slice(r * _inputSize, _inputSize), gradient.Slice(r * _inputSize, _inputSize), accumulator);
        }
    }

    private void PreparePrefixBuffers(ref PathCall call)
    {
        if (call.Method == PathMethod.Neuron) Grow(ref _layerSeed, (long)StepBatch * _sizes[call.Layer]);
        if (call.Method == PathMethod.Patch) Grow(ref _masked, (long)StepBatch * _inputSize);
    }
}
