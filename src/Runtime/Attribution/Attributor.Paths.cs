using System.Numerics.Tensors;
using Axon.Attribution.Backends;
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
        public Span<T> Deltas;      // quadrature errors: Q[dF/dα] − (F(x) − F(x′)), one per input
        public Span<T> Gaps;        // completeness gaps: Σ attributions − (F(x) − F(x′)), per input and layer (conductance)
        public int Count;
        public int ResultSize;
        public int PathsPerInput;
        public PathMethod Method;
        public int Layer;
        public int LayerCount;
        public int RegionCount;
        public bool Difference;

        /// <summary>The inputs this pass runs: all of them, then those the adaptive mode has not finished.</summary>
        public ReadOnlySpan<int> Active;
        public bool SelectInputs; // neuron conductance through input neurons: IG restricted to the selection
        public bool Global;       // neuron conductance's global form: the integral alone, not multiplied by x − x′
        public bool ZeroFixed;    // a global form at the input: [Fixed] inputs get 0, as they do in the multiplied form

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

        /// <summary>The same call on inputs first..first+count−1: their inputs, targets, baselines and result slices.</summary>
        public readonly PathCall Part(int first, int count, int outputSize, int inputSize)
        {
            int gapsPerInput = Gaps.IsEmpty ? 0 : Gaps.Length / Count;
            return new PathCall(
                Inputs.Slice(first * inputSize, count * inputSize), Target.Slice(first, count, outputSize), Baseline.Slice(first, count, inputSize),
                count, ResultSize, Result.Slice(first * ResultSize, count * ResultSize), Deltas.IsEmpty ? default : Deltas.Slice(first, count))
            {
                Gaps = Gaps.IsEmpty ? default : Gaps.Slice(first * gapsPerInput, count * gapsPerInput),
                PathsPerInput = PathsPerInput,
                Method = Method,
                Layer = Layer,
                LayerCount = LayerCount,
                RegionCount = RegionCount,
                Difference = Difference,
                SelectInputs = SelectInputs,
                Global = Global,
                ZeroFixed = ZeroFixed,
            };
        }
    }

    /// <summary>
    /// Runs a path method into the engine's staged buffers (see Attributor.Results.cs) and copies the results and
    /// deltas to the caller's spans only when every value is finite.
    /// </summary>
    private AttributionReport RunPath(ref PathCall call, IntegrationOptions options)
    {
        CheckTokenModel(ref call);
        var destination = call.Result;
        var deltaDestination = call.Deltas;
        var gapDestination = call.Gaps;
        call.Result = StagedResult(call.Count, call.ResultSize);
        call.Deltas = StagedDeltas(deltaDestination);
        call.Gaps = gapDestination.IsEmpty ? default : Grow(ref _stagedGaps, gapDestination.Length);
        AttributionReport report;
        try
        {
            report = Integrate(ref call, options);
        }
        catch (ArgumentException e) when (e.ParamName is "input" or "activation" or "layerGradient" or "inputTangent" or "layerTangent")
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

        if (call.ZeroFixed)
        {
            // The global form's gradient at a fixed input is not an attribution: fixed inputs are not attributed.
            for (int b = 0; b < call.Count; b++)
                foreach (var (offset, size) in FixedSlices) call.Result.Slice(b * _inputSize + offset, size).Clear();
        }

        Publish(call.Result, destination, call.ResultSize, "attributions");
        Publish(call.Deltas, deltaDestination, 1, "quadrature error");
        Publish(call.Gaps, gapDestination, Math.Max(call.LayerCount, 1), "completeness gap");
        return report;
    }

    private AttributionReport Integrate(ref PathCall call, IntegrationOptions options)
    {
        call.PathsPerInput = call.Baseline.PathsPerInput(_inputSize);
        if (_sliceEmbedding != 0) return IntegrateSliceTokens(ref call, options);
        bool exact = options.Rule == IntegrationRule.Exact;
        if (exact)
        {
            CheckExact(ref call);
            if (options.Tolerance > 0) throw new ArgumentException("The exact rule has no steps to raise: leave the tolerance at 0.", nameof(options));
        }

        if (call.Baseline.IsSampled) DrawBaselines(ref call); // once for the call, lanes or not: LastBaselineDraws is the call's
        if (LanesFor(ref call) is int lanes and > 1) return IntegrateInLanes(ref call, options, lanes);
        return IntegrateDrawn(ref call, options);
    }

    /// <summary>
    /// The integration of a checked call whose baselines are drawn: on this engine's backend, or, for a lane's group of
    /// inputs, on the lane engine's with the draws its parent made for the whole call.
    /// </summary>
    private AttributionReport IntegrateDrawn(ref PathCall call, IntegrationOptions options)
    {
        bool exact = options.Rule == IntegrationRule.Exact;
        bool adaptive = options.Tolerance > 0;
        bool needDeltas = exact || adaptive || !call.Deltas.IsEmpty || !call.Gaps.IsEmpty;
        var deltas = call.Deltas.IsEmpty ? Grow(ref _deltaScratch, call.Count) : call.Deltas;
        var result = call.Result; // staged by RunPath: the caller's spans change only when the call succeeds
        _backend.BeginCall(call.Inputs, call.Count, call.Baseline.Kind == BaselineKind.Zero ? default : call.Baseline.Values, call.ResultSize);
        if (call.Method == PathMethod.Neuron) _backend.SetSelection(_selectionWeights.AsSpan(0, _sizes[call.Layer]));
        if (call.Method == PathMethod.Patch) _backend.SetRegions(_regionIndicators.AsSpan(0, call.RegionCount * _inputSize), call.RegionCount);
        if (needDeltas) ComputeEndpoints(ref call);
        if (exact) return IntegrateExact(ref call);

        // The adaptive mode re-runs only the inputs whose delta is still above the tolerance, with twice the steps,
        // so that a whole batch of inputs can be one call: easy inputs stop early, hard ones do not hold them back.
        var active = Grow(ref _active, call.Count);
        for (int b = 0; b < call.Count; b++) active[b] = b;
        call.Active = active;
        var passSums = Grow(ref _passSums, call.Count);
        int steps = options.Steps;
        long evaluations = 0;
        double worst = double.NaN;
        while (true)
        {
            // The first pass runs every input, so its result is the call's: the CPU backend's accumulator is then
            // published as it is when no later pass can clear it (no adaptive mode), and otherwise read straight into
            // the staged result. Only a re-run of some inputs goes through a pass buffer (a 16-region patch IG result
            // is millions of values: each copy of it costs a few per cent of the call).
            bool everyInput = call.Active.Length == call.Count;
            bool inBackend = PublishFromBackend && everyInput && !adaptive && _host is not null && ReferenceEquals(_host, _backend);
            bool inPlace = inBackend || (everyInput && PublishFromBackend);
            var passResult = inBackend ? default : inPlace ? result : Grow(ref _passResult, (long)call.Count * call.ResultSize);
            evaluations += RunPass(ref call, options.Rule, steps, needDeltas, passResult, passSums);
            if (inBackend)
            {
                result = _host!.Result;
                call.Result = result;
            }

            int remaining = 0;
            foreach (int b in call.Active)
            {
                if (!inPlace) passResult.Slice(b * call.ResultSize, call.ResultSize).CopyTo(result.Slice(b * call.ResultSize, call.ResultSize));
                if (!needDeltas) continue;
                deltas[b] = passSums[b] - (_inputValue[b] - _referenceValue[b]);
                if (adaptive && !(RelativeDelta(deltas, b) <= options.Tolerance)) active[remaining++] = b;
            }

            if (needDeltas)
            {
                // Over every input: the finished ones keep the delta of the pass that finished them.
                worst = 0;
                for (int b = 0; b < call.Count; b++) worst = Math.Max(worst, RelativeDelta(deltas, b));
            }

            bool converged = !adaptive || remaining == 0;
            if (converged || steps >= options.MaxSteps)
            {
                var completeness = CompletenessOf(ref call);
                double worstGap = needDeltas && completeness != Completeness.NotApplicable ? CompletenessGaps(ref call, result) : double.NaN;
                return new AttributionReport(steps, evaluations, worst, converged, completeness, worstGap);
            }

            call.Active = active[..remaining];
            steps = (int)Math.Min(2L * steps, options.MaxSteps);
        }
    }

    /// <summary>
    /// Token ids have no straight path between them, so on a token model every path runs in embedding space:
    /// e(α) = E(x′) + α(E(x) − E(x′)) from the baseline tokens' embeddings (a PAD id, or id 0 for the zero baseline) to the
    /// input's — the usual "layer IG on the embeddings". What is attributed to the input is then per token (the embedding
    /// width summed): IG, neuron conductance, layer conductance at layer 0. Layer conductance at the embedding gives every
    /// embedding element, and at layers above it their neurons. What has no meaning on ids, or does not run that way yet,
    /// is refused here, up front, saying what to use instead.
    /// </summary>
    private void CheckTokenModel(ref PathCall call)
    {
        if (_sliceEmbedding != 0)
        {
            CheckSliceTokenCall(ref call);
            return;
        }

        if (_tokenEmbedding == 0)
        {
            foreach (var layer in _layers)
            {
                if (layer.Kind == LayerKind.Embedding && layer.Inputs.Contains(0)) throw TokenModelRefusal(layer, "its embedding is bypassed by another path");
            }

            return;
        }

        var embedding = _layers[_tokenEmbedding];
        switch (call.Method)
        {
            case PathMethod.Conductance when call.Difference:
                throw TokenModelRefusal(embedding, "the difference form is not available there yet: use the tangent form (the default)");
            case PathMethod.Influence when call.Layer < _tokenEmbedding:
                throw TokenModelRefusal(embedding, "the gradient with respect to the ids does not exist: ask for the influence at the embedding or above");
            case PathMethod.Patch when call.Layer != _tokenEmbedding:
                throw TokenModelRefusal(embedding, $"patch IG runs at the embedding only yet: use layer {_tokenEmbedding} (regions select token positions)");
        }

        if (!_backend.SupportsAffinePrefix || !UseAffinePrefix)
        {
            throw new NotSupportedException(
                $"Model '{_model.Name}' takes token ids: its paths run in embedding space, which this backend does not support yet (use the CPU backend, with UseAffinePrefix on).");
        }
    }

    /// <summary>Refuses a global form at the input on a token model: its ids have no gradient, and per-token sums need x − x′.</summary>
    private void RefuseGlobalOnTokens(string method)
    {
        if (_tokenEmbedding == 0) return;
        throw new NotSupportedException(
            $"Model '{_model.Name}' takes token ids, which have no gradient: the global form of {method} (multiplyByInputs: false) has no meaning on them. " +
            $"Use InternalInfluence at layer {_tokenEmbedding} (the embedding) for the mean gradient in embedding space.");
    }

    private NotSupportedException TokenModelRefusal(LayerInfo embedding, string why) => new(
        $"Model '{_model.Name}' feeds its input (token ids) to the Embedding layer '{embedding.Name}' (layer {embedding.Index}): there is no straight path " +
        $"between token ids, so paths run in embedding space, and {why}. IntegratedGradients gives per-token attributions, LayerConductance at layer " +
        $"{embedding.Index} per token and embedding element (LayerScores.SumPerPosition totals each token); DeepLift and LayerGradientTimesActivation " +
        "work at the embedding or above.");

    /// <summary>Whether the call's attributions are meant to add up to F(x) − F(x′) (see <see cref="Completeness"/>).</summary>
    private Completeness CompletenessOf(ref PathCall call)
    {
        switch (call.Method)
        {
            case PathMethod.Gradient when !call.SelectInputs:
                return Completeness.Holds;
            case PathMethod.Conductance:
                for (int i = 0; i < call.LayerCount; i++) if (!_layers[_layerList[i]].IsCut) return Completeness.NotExpected;
                return Completeness.Holds;
            default:
                return Completeness.NotApplicable;
        }
    }

    /// <summary>
    /// Σ attributions − (F(x) − F(x′)) per input (and per layer, for several layers) into <c>call.Gaps</c> when asked;
    /// returns the largest relative to |F(x) − F(x′)|.
    /// </summary>
    private double CompletenessGaps(ref PathCall call, ReadOnlySpan<T> result)
    {
        int layers = call.Method == PathMethod.Conductance ? call.LayerCount : 1;
        double worst = 0;
        for (int b = 0; b < call.Count; b++)
        {
            var row = result.Slice(b * call.ResultSize, call.ResultSize);
            T change = _inputValue[b] - _referenceValue[b];
            int offset = 0;
            for (int i = 0; i < layers; i++)
            {
                int width = call.Method == PathMethod.Conductance ? _sizes[_layerList[i]] : call.ResultSize;
                T gap = TensorPrimitives.Sum<T>(row.Slice(offset, width)) - change;
                offset += width;
                if (!call.Gaps.IsEmpty) call.Gaps[b * layers + i] = gap;
                worst = Math.Max(worst, Relative(gap, change));
            }
        }

        return worst;
    }

    /// <summary>|δ| / max(|F(x) − F(x′)|, tiny) of input <paramref name="b"/>.</summary>
    private double RelativeDelta(ReadOnlySpan<T> deltas, int b) =>
        Relative(deltas[b], _inputValue[b] - _referenceValue[b]);

    /// <summary>
    /// One pass over every (input, baseline, node) row with a fixed n; returns the rows evaluated. The result is read into
    /// <paramref name="result"/>, or left in the CPU backend's accumulator when it is empty.
    /// </summary>
    private long RunPass(ref PathCall call, IntegrationRule rule, int steps, bool needDeltas, Span<T> result, Span<T> pathSum)
    {
        // The affine prefix runs every input; a re-run of some inputs takes the step-by-step path (same results to rounding).
        // A token model always takes it: its paths start at the embedding.
        if (_backend.SupportsAffinePrefix && (call.Active.Length == call.Count || _tokenEmbedding > 0) && CanUsePrefix(ref call))
        {
            var (prefixRule, prefixNodes) = call.Difference ? DifferenceRule(rule, steps) : (rule, steps);
            long prefixRows = RunPrefixPass(ref call, prefixRule, prefixNodes);
            if (!result.IsEmpty) _backend.ReadResult(result);
            _backend.ReadPathSums(pathSum);
            return prefixRows;
        }

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

        _backend.ClearAccumulators();
        var plan = PlanDeltas(ref call, needDeltas);
        long total = (long)call.Active.Length * call.PathsPerInput * nodes;
        for (long first = 0; first < total; first += StepBatch)
        {
            int rows = (int)Math.Min(StepBatch, total - first);
            FillRows(ref call, first, rows, nodes, alpha, weight, deltaWeight);
            ProcessChunk(ref call, rows, plan, rule);
        }

        if (result.IsEmpty) result = Host.Result; // left in the CPU backend's accumulator (see Integrate)
        else _backend.ReadResult(result);
        _backend.ReadPathSums(pathSum);
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

            foreach (int b in call.Active) pathSum[b] = TensorPrimitives.Sum<T>(result.Slice(b * call.ResultSize + offset, size));
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

    /// <summary>Describes rows first..first+rows−1 (input, baseline, α, step, delta weight) and their seeds, and has the backend fill them.</summary>
    private void FillRows(ref PathCall call, long first, int rows, int nodes, ReadOnlySpan<double> alpha, ReadOnlySpan<double> weight, ReadOnlySpan<double> deltaWeight)
    {
        int m = call.PathsPerInput;
        T perPath = T.One / T.CreateChecked(m);
        var descriptors = _rows.AsSpan(0, rows);
        var seeds = _seeds.AsSpan(0, rows * _outputSize);
        for (int r = 0; r < rows; r++)
        {
            long e = first + r;
            int activePath = (int)(e / nodes);
            int k = (int)(e % nodes);
            int b = call.Active[activePath / m];
            int path = b * m + activePath % m;
            descriptors[r] = new PathRow<T>(b, BaselineIndex(ref call, path), FromDouble(alpha[k]), k, FromDouble(deltaWeight[k]));
            call.Target.WriteSeed(b, FromDouble(weight[k]) * perPath, Row(seeds, r, _outputSize));
        }

        _backend.FillRows(descriptors, seeds);
    }

    /// <summary>The row of the baseline set that path <paramref name="path"/> starts from; −1 for the zero baseline.</summary>
    private int BaselineIndex(ref PathCall call, int path)
    {
        int m = call.PathsPerInput;
        return call.Baseline.Kind switch
        {
            BaselineKind.Zero => -1,
            BaselineKind.Shared => 0,
            BaselineKind.PerInput => path / m,
            _ => call.Baseline.IsSampled ? _draws[path] : path % m,
        };
    }

    /// <summary>The baseline of path <paramref name="path"/> (input path / m, baseline path % m); empty for zero.</summary>
    private ReadOnlySpan<T> BaselineOf(ref PathCall call, int path)
    {
        int index = BaselineIndex(ref call, path);
        return index < 0 ? default : call.Baseline.Row(index, _inputSize);
    }

    /// <summary>One chunk of a path method, as backend operations: the recipe of each method.</summary>
    private void ProcessChunk(ref PathCall call, int rows, DeltaPlan plan, IntegrationRule rule)
    {
        var backend = _backend;
        backend.Forward(rows);
        switch (call.Method)
        {
            case PathMethod.Gradient:
                backend.Backward(rows, 0);
                backend.AccumulateProduct(RowTerm.Direction, RowTerm.Gradient, 0, rows, 0);
                break;

            case PathMethod.Conductance:
                {
                    int low = int.MaxValue, high = 0;
                    for (int i = 0; i < call.LayerCount; i++)
                    {
                        low = Math.Min(low, _layerList[i]);
                        high = Math.Max(high, _layerList[i]);
                    }

                    backend.Backward(rows, low);
                    bool outputTangent = plan == DeltaPlan.FromOutputTangent;
                    if (call.Difference)
                    {
                        // Each layer's carry sits after the previous layers' (2 × size values each).
                        for (int i = 0, carry = 0; i < call.LayerCount; carry += 2 * _sizes[_layerList[i]], i++) backend.AccumulateDifferences(_layerList[i], rows, _layerOffsets[i], rule, carry);
                        if (outputTangent) backend.Tangent(rows, -1);
                    }
                    else
                    {
                        backend.Tangent(rows, outputTangent ? -1 : high);
                        for (int i = 0; i < call.LayerCount; i++) backend.AccumulateProduct(RowTerm.Gradient, RowTerm.Tangent, _layerList[i], rows, _layerOffsets[i]);
                    }

                    if (outputTangent) backend.AccumulateDot(RowTerm.Seed, RowTerm.Tangent, _last, rows, weighted: true);
                    break;
                }

            case PathMethod.Neuron:
                // g = ∂F/∂y at the layer, then a reverse pass seeded there with g ⊙ 1_S gives J_yᵀ(g ⊙ 1_S) at the input.
                backend.Backward(rows, call.Layer);
                AccumulateDeltas(plan, call.Layer, rows);
                backend.BackwardFromSelection(call.Layer, rows);
                backend.AccumulateProduct(call.Global ? RowTerm.One : RowTerm.Direction, RowTerm.Gradient, 0, rows, 0);
                break;

            case PathMethod.Patch:
                {
                    int layer = call.Layer;
                    backend.Backward(rows, layer);
                    AccumulateDeltas(plan, layer, rows);
                    backend.AccumulateRegions(layer, call.RegionCount, rows);
                    break;
                }

            case PathMethod.Influence:
                backend.Backward(rows, call.Layer);
                backend.AccumulateProduct(RowTerm.One, RowTerm.Gradient, call.Layer, rows, 0);
                AccumulateDeltas(plan, call.Layer, rows);
                break;
        }
    }

    /// <summary>Q[dF/dα] for a layer method: Σⱼ gⱼtⱼ at a cut layer, or the output tangent weighted per step.</summary>
    private void AccumulateDeltas(DeltaPlan plan, int layer, int rows)
    {
        if (plan == DeltaPlan.FromLayerTangent)
        {
            _backend.Tangent(rows, layer);
            _backend.AccumulateDot(RowTerm.Gradient, RowTerm.Tangent, layer, rows, weighted: false);
        }
        else if (plan == DeltaPlan.FromOutputTangent)
        {
            _backend.Tangent(rows, -1);
            _backend.AccumulateDot(RowTerm.Seed, RowTerm.Tangent, _last, rows, weighted: true);
        }
    }

    /// <summary>F(x) and the mean F(x′) over each input's baselines, for the deltas: rows at α = 1 and α = 0.</summary>
    private void ComputeEndpoints(ref PathCall call)
    {
        int count = call.Count, m = call.PathsPerInput;
        var fx = Grow(ref _inputValue, count);
        var fr = Grow(ref _referenceValue, count);
        var outputs = _outputs.AsSpan();
        for (int first = 0; first < count; first += StepBatch)
        {
            int rows = Math.Min(StepBatch, count - first);
            for (int r = 0; r < rows; r++) _rows[r] = new PathRow<T>(first + r, -1, T.One, 0, T.Zero);
            Evaluate(rows, outputs);
            for (int r = 0; r < rows; r++) fx[first + r] = call.Target.Evaluate(first + r, Row(outputs, r, _outputSize));
        }

        fr.Clear();
        if (_tokenEmbedding > 0)
        {
            TokenBaselineValues(ref call, fr);
            return;
        }

        if (call.Baseline.IsSingle)
        {
            _rows[0] = new PathRow<T>(0, call.Baseline.Kind == BaselineKind.Zero ? -1 : 0, T.Zero, 0, T.Zero);
            Evaluate(1, outputs);
            for (int b = 0; b < count; b++) fr[b] = call.Target.Evaluate(b, outputs[.._outputSize]);
            return;
        }

        T perPath = T.One / T.CreateChecked(m);
        long total = (long)count * m;
        for (long first = 0; first < total; first += StepBatch)
        {
            int rows = (int)Math.Min(StepBatch, total - first);
            for (int r = 0; r < rows; r++)
            {
                int path = (int)(first + r);
                _rows[r] = new PathRow<T>(path / m, BaselineIndex(ref call, path), T.Zero, 0, T.Zero);
            }

            Evaluate(rows, outputs);
            for (int r = 0; r < rows; r++)
            {
                int b = (int)((first + r) / m);
                fr[b] += perPath * call.Target.Evaluate(b, Row(outputs, r, _outputSize));
            }
        }
    }

    /// <summary>Runs the rows described in <c>_rows</c> forward and reads their outputs.</summary>
    private void Evaluate(int rows, Span<T> outputs)
    {
        _backend.FillRows(_rows.AsSpan(0, rows), default);
        _backend.Forward(rows);
        _backend.ReadOutputs(rows, outputs[..(rows * _outputSize)]);
    }

    /// <summary>Draws each input's baselines from the set with a SplitMix64 generator (no allocation).</summary>
    private void DrawBaselines(ref PathCall call)
    {
        int setCount = call.Baseline.SetCount(_inputSize);
        var draws = Grow(ref _draws, (long)call.Count * call.PathsPerInput);
        var random = new SplitMix64(call.Baseline.Seed);
        for (int i = 0; i < draws.Length; i++) draws[i] = random.NextInt(setCount);
        _lastDrawCount = draws.Length;
    }
}
