using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

public sealed partial class Attributor<T>
{
    private enum PathMethod : byte
    {
        Gradient,
        Conductance,
        Neuron,
        Patch,
        Influence,
    }

    /// <summary>One path-method call: what to integrate, for which inputs, and where the results go.</summary>
    private ref struct PathCall
    {
        public ReadOnlySpan<T> Inputs;
        public AttributionTarget<T> Target;
        public Baseline<T> Baseline;
        public Span<T> Result;
        public Span<T> Deltas;
        public int Count;
        public int ResultSize;
        public int PathsPerInput;
        public PathMethod Method;
        public int Layer;
        public int LayerCount;
        public int RegionCount;
        public bool Difference;
        public bool SelectInputs; // neuron conductance through input neurons: IG restricted to the selection

        public PathCall(ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, int count, int resultSize, Span<T> result, Span<T> deltas)
        {
            Inputs = inputs;
            Target = target;
            Baseline = baseline;
            Count = count;
            ResultSize = resultSize;
            Result = result;
            Deltas = deltas;
        }
    }

    /// <summary>
    /// Runs a path method into the engine's staged buffers (see Attributor.Results.cs) and copies the results and
    /// deltas to the caller's spans only when every value is finite.
    /// </summary>
    private AttributionReport RunPath(ref PathCall call, IntegrationOptions options)
    {
        var destination = call.Result;
        var deltaDestination = call.Deltas;
        call.Result = StagedResult(call.Count, call.ResultSize);
        call.Deltas = StagedDeltas(deltaDestination);
        AttributionReport report;
        try
        {
            report = Integrate(ref call, options);
        }
        catch (ArgumentException e) when (e.ParamName is "input" or "activation" or "layerGradient" or "inputTangent")
        {
            // Every argument was checked before the run, so a model pass that rejects one of these met a value that
            // overflowed inside the network (an infinite activation fed onward, a NaN gradient seeded back).
            throw Overflowed(e, _model.Name);
        }

        if (call.SelectInputs)
        {
            // Through input neuron j only input j flows: IG restricted to S.
            var selection = _selectionWeights.AsSpan(0, _inputSize);
            for (int b = 0; b < call.Count; b++)
            {
                var row = call.Result.Slice(b * _inputSize, _inputSize);
                TensorPrimitives.Multiply(row, selection, row);
            }
        }

        Publish(call.Result, destination, call.ResultSize, "attributions");
        Publish(call.Deltas, deltaDestination, 1, "convergence delta");
        return report;
    }

    private AttributionReport Integrate(ref PathCall call, IntegrationOptions options)
    {
        call.PathsPerInput = call.Baseline.PathsPerInput(_inputSize);
        bool adaptive = options.Tolerance > 0;
        bool needDeltas = adaptive || !call.Deltas.IsEmpty;
        var deltas = call.Deltas.IsEmpty ? Grow(ref _deltaScratch, call.Count) : call.Deltas;
        if (call.Baseline.IsSampled) DrawBaselines(ref call);
        if (needDeltas) ComputeEndpoints(ref call);

        int steps = options.Steps;
        while (true)
        {
            long evaluations = RunPass(ref call, options.Rule, steps, needDeltas);
            double worst = double.NaN;
            if (needDeltas)
            {
                worst = 0;
                var fx = _inputValue.AsSpan(0, call.Count);
                var fr = _referenceValue.AsSpan(0, call.Count);
                for (int b = 0; b < call.Count; b++)
                {
                    T change = fx[b] - fr[b];
                    deltas[b] = _pathSum[b] - change;
                    double relative = double.CreateChecked(T.Abs(deltas[b])) / Math.Max(double.CreateChecked(T.Abs(change)), 1e-30);
                    worst = Math.Max(worst, relative);
                }
            }

            bool converged = !adaptive || worst <= options.Tolerance;
            if (converged || steps >= options.MaxSteps) return new AttributionReport(steps, evaluations, worst, converged);
            steps = (int)Math.Min(2L * steps, options.MaxSteps);
        }
    }

    /// <summary>One pass over every (input, baseline, node) row with a fixed n; returns the rows evaluated.</summary>
    private long RunPass(ref PathCall call, IntegrationRule rule, int steps, bool needDeltas)
    {
        if (CanUsePrefix(ref call)) return RunPrefixPass(ref call, rule, steps);
        int nodes = call.Difference ? steps + 1 : steps;
        var alpha = Grow(ref _alpha, nodes);
        var weight = Grow(ref _weight, nodes);
        var deltaWeight = Grow(ref _deltaWeight, nodes);
        if (call.Difference)
        {
            // The grid k/n; the derivative-free form needs no quadrature weights except for an extra delta pass.
            for (int k = 0; k <= steps; k++)
            {
                alpha[k] = (double)k / steps;
                weight[k] = 1;
                deltaWeight[k] = rule switch
                {
                    IntegrationRule.RiemannLeft => k < steps ? 1.0 / steps : 0,
                    IntegrationRule.RiemannRight => k > 0 ? 1.0 / steps : 0,
                    _ => (k == 0 || k == steps ? 0.5 : 1.0) / steps,
                };
            }
        }
        else
        {
            Quadrature.GetNodes(rule, steps, alpha, weight);
            deltaWeight.Fill(1);
        }

        call.Result.Clear();
        var pathSum = Grow(ref _pathSum, call.Count);
        pathSum.Clear();
        PrepareMethod(ref call);

        var plan = PlanDeltas(ref call, needDeltas);
        long total = (long)call.Count * call.PathsPerInput * nodes;
        for (long first = 0; first < total; first += StepBatch)
        {
            int rows = (int)Math.Min(StepBatch, total - first);
            FillRows(ref call, first, rows, nodes, alpha, weight);
            ProcessChunk(ref call, rows, plan, rule, deltaWeight);
        }

        if (plan == DeltaPlan.FromResult)
        {
            // Σ over the first cut layer's block (IG: the whole input) is exactly Q[dF/dα].
            int offset = 0, size = call.ResultSize;
            if (call.Method == PathMethod.Conductance)
            {
                int cut = FirstCutLayer(call.LayerCount);
                offset = _layerOffsets[cut];
                size = _sizes[_layerList[cut]];
            }

            for (int b = 0; b < call.Count; b++) pathSum[b] = TensorPrimitives.Sum<T>(call.Result.Slice(b * call.ResultSize + offset, size));
        }

        return total;
    }

    private enum DeltaPlan : byte
    {
        None,
        FromResult,
        FromLayerTangent,
        FromOutputTangent,
    }

    private DeltaPlan PlanDeltas(ref PathCall call, bool needDeltas)
    {
        if (!needDeltas) return DeltaPlan.None;
        return call.Method switch
        {
            PathMethod.Gradient => DeltaPlan.FromResult,
            PathMethod.Conductance => FirstCutLayer(call.LayerCount) >= 0 ? DeltaPlan.FromResult : DeltaPlan.FromOutputTangent,
            PathMethod.Patch or PathMethod.Influence or PathMethod.Neuron => _layers[call.Layer].IsCut ? DeltaPlan.FromLayerTangent : DeltaPlan.FromOutputTangent,
            _ => DeltaPlan.FromOutputTangent,
        };
    }

    private int FirstCutLayer(int layerCount)
    {
        for (int i = 0; i < layerCount; i++) if (_layers[_layerList[i]].IsCut) return i;
        return -1;
    }

    private void PrepareMethod(ref PathCall call)
    {
        switch (call.Method)
        {
            case PathMethod.Conductance when call.Difference:
                {
                    int total = 0;
                    for (int i = 0; i < call.LayerCount; i++) total += _sizes[_layerList[i]];
                    Grow(ref _carry, 2L * total);
                    int largest = 0;
                    for (int i = 0; i < call.LayerCount; i++) largest = Math.Max(largest, _sizes[_layerList[i]]);
                    Grow(ref _difference, largest);
                    Grow(ref _coefficient, largest);
                    break;
                }

            case PathMethod.Neuron:
                Grow(ref _layerSeed, (long)StepBatch * _sizes[call.Layer]);
                break;

            case PathMethod.Patch:
                Grow(ref _masked, (long)StepBatch * _inputSize);
                break;
        }
    }

    /// <summary>Writes rows first..first+rows−1: the path points, directions and seeds.</summary>
    private void FillRows(ref PathCall call, long first, int rows, int nodes, ReadOnlySpan<double> alpha, ReadOnlySpan<double> weight)
    {
        int m = call.PathsPerInput;
        T perPath = T.One / T.CreateChecked(m);
        for (int r = 0; r < rows; r++)
        {
            long e = first + r;
            int path = (int)(e / nodes);
            int k = (int)(e % nodes);
            int b = path / m;
            _rowInput[r] = b;
            _rowStep[r] = k;
            var x = call.Inputs.Slice(b * _inputSize, _inputSize);
            var reference = BaselineOf(ref call, path);
            var d = Row(_directions, r, _inputSize);
            var point = Row(_points, r, _inputSize);
            T a = FromDouble(alpha[k]);
            if (reference.IsEmpty)
            {
                x.CopyTo(d);
                TensorPrimitives.Multiply(x, a, point);
            }
            else
            {
                TensorPrimitives.Subtract(x, reference, d);
                TensorPrimitives.FusedMultiplyAdd(d, a, reference, point);
            }

            call.Target.WriteSeed(b, FromDouble(weight[k]) * perPath, Row(_seeds, r, _outputSize));
        }
    }

    /// <summary>The baseline of path <paramref name="path"/> (input path / m, baseline path % m); empty for zero.</summary>
    private ReadOnlySpan<T> BaselineOf(ref PathCall call, int path)
    {
        int m = call.PathsPerInput;
        return call.Baseline.Kind switch
        {
            BaselineKind.Zero => default,
            BaselineKind.Shared => call.Baseline.Row(0, _inputSize),
            BaselineKind.PerInput => call.Baseline.Row(path / m, _inputSize),
            _ => call.Baseline.Row(call.Baseline.IsSampled ? _draws[path] : path % m, _inputSize),
        };
    }

    private void ProcessChunk(ref PathCall call, int rows, DeltaPlan plan, IntegrationRule rule, ReadOnlySpan<double> deltaWeight)
    {
        var model = _model;
        var ws = _workspace;
        var points = _points.AsSpan(0, rows * _inputSize);
        var directions = _directions.AsSpan(0, rows * _inputSize);
        var seeds = _seeds.AsSpan(0, rows * _outputSize);
        model.Forward(ws, points, rows, _outputs.AsSpan(0, rows * _outputSize));
        int size = call.ResultSize;

        switch (call.Method)
        {
            case PathMethod.Gradient:
                {
                    model.Backward(ws, seeds, rows, 0);
                    var g = ws.Gradient(0);
                    for (int r = 0; r < rows; r++) AddScaled(Row(directions, r, _inputSize), Row(g, r, _inputSize), Row(call.Result, _rowInput[r], size));
                    break;
                }

            case PathMethod.Conductance:
                {
                    int low = int.MaxValue, high = 0;
                    for (int i = 0; i < call.LayerCount; i++)
                    {
                        low = Math.Min(low, _layerList[i]);
                        high = Math.Max(high, _layerList[i]);
                    }

                    model.Backward(ws, seeds, rows, low);
                    bool outputTangent = plan == DeltaPlan.FromOutputTangent;
                    if (call.Difference)
                    {
                        AccumulateDifferences(ref call, ws, rows, rule);
                        if (outputTangent) model.Tangent(ws, directions, rows);
                    }
                    else
                    {
                        model.Tangent(ws, directions, rows, outputTangent ? -1 : high);
                        for (int i = 0; i < call.LayerCount; i++)
                        {
                            int layer = _layerList[i], width = _sizes[layer], offset = _layerOffsets[i];
                            var g = ws.Gradient(layer);
                            var t = ws.Tangent(layer);
                            for (int r = 0; r < rows; r++) AddScaled(Row(g, r, width), Row(t, r, width), Row(call.Result, _rowInput[r], size).Slice(offset, width));
                        }
                    }

                    if (outputTangent) AccumulateOutputTangent(ws, rows, deltaWeight);
                    break;
                }

            case PathMethod.Neuron:
                NeuronChunk(ref call, ws, rows, plan, deltaWeight);
                break;

            case PathMethod.Patch:
                {
                    int layer = call.Layer, width = _sizes[layer];
                    model.Backward(ws, seeds, rows, layer);
                    if (plan == DeltaPlan.FromLayerTangent)
                    {
                        model.Tangent(ws, directions, rows, layer);
                        AccumulateLayerTangent(ws, layer, rows);
                    }
                    else if (plan == DeltaPlan.FromOutputTangent)
                    {
                        model.Tangent(ws, directions, rows);
                        AccumulateOutputTangent(ws, rows, deltaWeight);
                    }

                    var masked = _masked.AsSpan(0, rows * _inputSize);
                    var g = ws.Gradient(layer);
                    for (int q = 0; q < call.RegionCount; q++)
                    {
                        var indicator = _regionIndicators.AsSpan(q * _inputSize, _inputSize);
                        for (int r = 0; r < rows; r++) TensorPrimitives.Multiply(Row(directions, r, _inputSize), indicator, Row(masked, r, _inputSize));
                        model.Tangent(ws, masked, rows, layer);
                        var t = ws.Tangent(layer);
                        for (int r = 0; r < rows; r++) AddScaled(Row(g, r, width), Row(t, r, width), Row(call.Result, _rowInput[r], size).Slice(q * width, width));
                    }

                    break;
                }

            case PathMethod.Influence:
                {
                    int layer = call.Layer, width = _sizes[layer];
                    model.Backward(ws, seeds, rows, layer);
                    var g = ws.Gradient(layer);
                    for (int r = 0; r < rows; r++)
                    {
                        var accumulator = Row(call.Result, _rowInput[r], size);
                        TensorPrimitives.Add(accumulator, Row(g, r, width), accumulator);
                    }

                    if (plan == DeltaPlan.FromLayerTangent)
                    {
                        model.Tangent(ws, directions, rows, layer);
                        AccumulateLayerTangent(ws, layer, rows);
                    }
                    else if (plan == DeltaPlan.FromOutputTangent)
                    {
                        model.Tangent(ws, directions, rows);
                        AccumulateOutputTangent(ws, rows, deltaWeight);
                    }

                    break;
                }
        }
    }

    /// <summary>
    /// Neuron conductance for one chunk: a backward to the layer gives g = ∂F/∂y; a reverse pass seeded at the layer
    /// with g ⊙ 1_S (<see cref="IDifferentiableModel{T}.BackwardFrom"/>) gives J_yᵀ(g ⊙ 1_S) at the input — the
    /// nodes below the layer only, so paths that bypass it add nothing.
    /// </summary>
    private void NeuronChunk(ref PathCall call, ModelWorkspace<T> ws, int rows, DeltaPlan plan, ReadOnlySpan<double> deltaWeight)
    {
        var model = _model;
        int layer = call.Layer, size = call.ResultSize, width = _sizes[layer];
        var directions = _directions.AsSpan(0, rows * _inputSize);
        model.Backward(ws, _seeds.AsSpan(0, rows * _outputSize), rows, layer);
        if (plan == DeltaPlan.FromLayerTangent)
        {
            model.Tangent(ws, directions, rows, layer);
            AccumulateLayerTangent(ws, layer, rows);
        }
        else if (plan == DeltaPlan.FromOutputTangent)
        {
            model.Tangent(ws, directions, rows);
            AccumulateOutputTangent(ws, rows, deltaWeight);
        }

        var g = ws.Gradient(layer);
        var seed = _layerSeed.AsSpan(0, rows * width);
        var selection = _selectionWeights.AsSpan(0, width);
        for (int r = 0; r < rows; r++) TensorPrimitives.Multiply(Row(g, r, width), selection, Row(seed, r, width));
        model.BackwardFrom(ws, layer, seed, rows, 0);
        var gradient = ws.Gradient(0);
        for (int r = 0; r < rows; r++) AddScaled(Row(directions, r, _inputSize), Row(gradient, r, _inputSize), Row(call.Result, _rowInput[r], size));
    }

    /// <summary>Shrikumar's difference form: Σ ĝ · (y(αₖ) − y(αₖ₋₁)), carrying the previous row across chunks.</summary>
    private void AccumulateDifferences(ref PathCall call, ModelWorkspace<T> ws, int rows, IntegrationRule rule)
    {
        int size = call.ResultSize, carryOffset = 0;
        T half = T.One / (T.One + T.One);
        for (int i = 0; i < call.LayerCount; i++)
        {
            int layer = _layerList[i], width = _sizes[layer], offset = _layerOffsets[i];
            var y = ws.Activation(layer);
            var g = ws.Gradient(layer);
            var carryY = _carry.AsSpan(carryOffset, width);
            var carryG = _carry.AsSpan(carryOffset + width, width);
            var difference = _difference.AsSpan(0, width);
            var coefficient = _coefficient.AsSpan(0, width);
            for (int r = 0; r < rows; r++)
            {
                if (_rowStep[r] == 0) continue;
                ReadOnlySpan<T> previousY = r > 0 ? Row(y, r - 1, width) : carryY;
                ReadOnlySpan<T> previousG = r > 0 ? Row(g, r - 1, width) : carryG;
                TensorPrimitives.Subtract(Row(y, r, width), previousY, difference);
                ReadOnlySpan<T> slope;
                switch (rule)
                {
                    case IntegrationRule.RiemannLeft:
                        slope = previousG;
                        break;
                    case IntegrationRule.RiemannRight:
                        slope = Row(g, r, width);
                        break;
                    default:
                        TensorPrimitives.Add(Row(g, r, width), previousG, coefficient);
                        TensorPrimitives.Multiply(coefficient, half, coefficient);
                        slope = coefficient;
                        break;
                }

                AddScaled(difference, slope, Row(call.Result, _rowInput[r], size).Slice(offset, width));
            }

            Row(y, rows - 1, width).CopyTo(carryY);
            Row(g, rows - 1, width).CopyTo(carryG);
            carryOffset += 2 * width;
        }
    }

    /// <summary>Q[dF/dα] += Σⱼ gⱼ tⱼ at a cut layer (the seeds carry the quadrature weights).</summary>
    private void AccumulateLayerTangent(ModelWorkspace<T> ws, int layer, int rows)
    {
        int width = _sizes[layer];
        var g = ws.Gradient(layer);
        var t = ws.Tangent(layer);
        for (int r = 0; r < rows; r++) _pathSum[_rowInput[r]] += TensorPrimitives.Dot<T>(Row(g, r, width), Row(t, r, width));
    }

    /// <summary>Q[dF/dα] += w · seed · d(output)/dα, the output tangent of the last full tangent pass.</summary>
    private void AccumulateOutputTangent(ModelWorkspace<T> ws, int rows, ReadOnlySpan<double> deltaWeight)
    {
        var t = ws.Tangent(_last);
        for (int r = 0; r < rows; r++)
        {
            T value = TensorPrimitives.Dot<T>(Row(_seeds, r, _outputSize), Row(t, r, _outputSize));
            _pathSum[_rowInput[r]] += FromDouble(deltaWeight[_rowStep[r]]) * value;
        }
    }

    /// <summary>F(x) and the mean F(x′) over each input's baselines, for the deltas.</summary>
    private void ComputeEndpoints(ref PathCall call)
    {
        int count = call.Count, m = call.PathsPerInput;
        var fx = Grow(ref _inputValue, count);
        var fr = Grow(ref _referenceValue, count);
        for (int first = 0; first < count; first += StepBatch)
        {
            int rows = Math.Min(StepBatch, count - first);
            call.Inputs.Slice(first * _inputSize, rows * _inputSize).CopyTo(_points);
            _model.Forward(_workspace, _points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
            for (int r = 0; r < rows; r++) fx[first + r] = call.Target.Evaluate(first + r, Row(_outputs, r, _outputSize));
        }

        fr.Clear();
        if (call.Baseline.IsSingle)
        {
            var row = _points.AsSpan(0, _inputSize);
            if (call.Baseline.Kind == BaselineKind.Zero) row.Clear();
            else call.Baseline.Row(0, _inputSize).CopyTo(row);
            _model.Forward(_workspace, row, 1, _outputs.AsSpan(0, _outputSize));
            for (int b = 0; b < count; b++) fr[b] = call.Target.Evaluate(b, _outputs.AsSpan(0, _outputSize));
            return;
        }

        T perPath = T.One / T.CreateChecked(m);
        long total = (long)count * m;
        for (long first = 0; first < total; first += StepBatch)
        {
            int rows = (int)Math.Min(StepBatch, total - first);
            for (int r = 0; r < rows; r++) BaselineOf(ref call, (int)(first + r)).CopyTo(Row(_points, r, _inputSize));
            _model.Forward(_workspace, _points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
            for (int r = 0; r < rows; r++)
            {
                int b = (int)((first + r) / m);
                fr[b] += perPath * call.Target.Evaluate(b, Row(_outputs, r, _outputSize));
            }
        }
    }

    /// <summary>Draws each input's baselines from the set with a SplitMix64 generator (no allocation).</summary>
    private void DrawBaselines(ref PathCall call)
    {
        int setCount = call.Baseline.SetCount(_inputSize);
        var draws = Grow(ref _draws, (long)call.Count * call.PathsPerInput);
        ulong state = (ulong)(uint)call.Baseline.Seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL;
        for (int i = 0; i < draws.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            draws[i] = (int)((z >> 11) % (ulong)setCount);
        }
    }
}
