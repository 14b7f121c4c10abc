using System.Numerics.Tensors;
using Axon.Kernels;
using Axon.Model;

namespace Axon.Attribution;

// The exact rule (IntegrationRule.Exact). On a piecewise-linear network F(γ(α)) is piecewise linear in α: between two
// breakpoints every ReLU keeps its side and every max-pool its arg-max, so every unit's value is linear in α and the
// gradient is constant. Each path is walked from α = 0: one forward and one tangent at α give every breaking unit's value
// and slope, hence the next α at which any of them breaks (a ReLU input reaching zero, a pooling candidate overtaking
// the window's maximum), taken at a probe ε past α; then a forward and tangent at the segment's midpoint, where every
// unit is strictly on its side, and one backward on that tape give the segment's constant gradient, added times the
// segment's length, so the convention at a breakpoint never matters. The midpoint's tape also checks the segment: the
// breaks nearest to the midpoint, behind and ahead, must be the segment's ends; a nearer one (a break the probe's
// slopes missed) shortens the segment, which is then checked again at its own midpoint. Ties (several units breaking at the same α) end
// the segment once; a unit sitting at zero along a stretch (slope 0) never breaks; equal pooling candidates are ordered
// by slope, the one that leads just after α counting as the maximum. Crossings closer than a rounding tolerance to α are
// the breakpoint just passed, seen through rounding, and are skipped. A ReLU whose only reader is a max pooling is
// walked with it as one max(0, max of the window's inputs) (ReLU commutes with max): a unit crossing zero while another
// candidate of its window is above zero changes nothing downstream and is no breakpoint, which saves most segments of a
// CNN; the breaks of such a window are its leader changing while positive and its maximum crossing zero. Paths run side by side as the rows of one batch,
// each at its own α, and a finished path's row takes the next path: memory is bounded by the batch.
public sealed partial class Attributor<T>
{
    /// <summary>A path taking more segments than this is refused rather than walked for ever (a network with far more units than any test).</summary>
    private const int MaxSegmentsPerPath = 1 << 22;

    /// <summary>How many times one segment is shortened and checked again at its new midpoint before its tape is kept.</summary>
    private const int MaxSegmentChecks = 60;

    private double[] _exactAlpha = [];
    private double[] _exactStep = [];
    private int[] _exactPath = [];
    private int[] _exactSegments = [];
    private int[] _slotOfRow = [];
    private int[] _exactRetry = [];
    private T[] _exactDirections = [];
    private int _lastSegmentCount;

    /// <summary>
    /// Segments per path of the last call with <see cref="IntegrationRule.Exact"/> (input b, baseline p at [b × paths + p]);
    /// empty after any other call. Valid until the next call.
    /// </summary>
    public ReadOnlySpan<int> LastSegmentCounts => _exactSegments.AsSpan(0, _lastSegmentCount);

    /// <summary>
    /// The nodes at which a path can break: the generator's <see cref="INetworkFacts.BreakingNodes"/>, or for a model
    /// without those facts the nodes whose kind has breakpoints.
    /// </summary>
    private int[] BreakingNodes() => _breakingNodes ??= _model is INetworkFacts facts
        ? [.. facts.BreakingNodes]
        : [.. _layers.Where(layer => layer.Kind.HasBreakpoints()).Select(layer => layer.Index)];

    private int[]? _breakingNodes;

    /// <summary>
    /// Per node: true for a ReLU whose only reader is a max pooling (or max over time) and that is not the output — its
    /// breaks are found by that pooling, on the ReLU's inputs (see <see cref="FusedWindowBreak"/>).
    /// </summary>
    private bool[] HiddenByPooling()
    {
        if (_hiddenByPooling is not null) return _hiddenByPooling;
        var hidden = new bool[_layers.Length];
        foreach (var layer in _layers)
        {
            if (layer.Kind != LayerKind.ReLU || layer.Index == _last) continue;
            int readers = 0;
            bool pooled = true;
            foreach (var other in _layers)
            {
                if (!other.Inputs.Contains(layer.Index)) continue;
                readers++;
                pooled &= other.Kind is LayerKind.MaxPool2d or LayerKind.MaxOverTime && other.Inputs.Count == 1;
            }

            hidden[layer.Index] = readers == 1 && pooled;
        }

        return _hiddenByPooling = hidden;
    }

    private bool[]? _hiddenByPooling;

    /// <summary>
    /// The first node that is not piecewise linear, or −1: the generator's decision (<see cref="INetworkFacts.SmoothNodes"/>)
    /// where the model carries it, else each node's kind.
    /// </summary>
    private int FirstSmoothNode()
    {
        if (_model is INetworkFacts facts) return facts.IsPiecewiseLinear ? -1 : facts.SmoothNodes[0];
        foreach (var layer in _layers) if (!layer.Kind.IsPiecewiseLinear()) return layer.Index;
        return -1;
    }

    /// <summary>Refuses the exact rule where it does not apply, naming the reason (a smooth node, a token model, another backend).</summary>
    private void CheckExact(ref PathCall call)
    {
        int smooth = FirstSmoothNode();
        if (smooth >= 0)
        {
            var layer = _layers[smooth];
            throw new NotSupportedException(
                $"The exact rule needs a piecewise-linear network, and layer '{layer.Name}' (layer {layer.Index}, {layer.Kind}) of model '{_model.Name}' is not: " +
                "only affine nodes (dense, every convolution, average pooling, upsampling, batch norm, flatten, reshape, +, −, concat, identity, dropout, position tables), " +
                "ReLU, LeakyReLU, max pooling and max over time are, with a logit as the target. " +
                "Use Gauss–Legendre (with the adaptive mode for a chosen accuracy).");
        }

        if (_tokenEmbedding > 0) throw new NotSupportedException($"Model '{_model.Name}' takes token ids: the exact rule does not run in embedding space yet; use Gauss–Legendre.");
        if (!_backend.SupportsAffinePrefix) throw new NotSupportedException("The exact rule runs on the CPU backend only.");
        if (call.Method == PathMethod.Patch) throw new NotSupportedException("Patch IG does not take the exact rule yet; use Gauss–Legendre.");
        if (call.Method == PathMethod.Conductance && call.Difference) throw new NotSupportedException("The difference form needs a grid; the exact rule uses the tangent form.");
    }

    /// <summary>Runs a path method with the exact rule; the endpoints F(x), F(x′) are computed and the baselines drawn.</summary>
    private AttributionReport IntegrateExact(ref PathCall call)
    {
        int m = call.PathsPerInput, count = call.Count, size = call.ResultSize, rowsMax = HostBatch;
        long paths = (long)count * m;
        if (paths > int.MaxValue) throw new ArgumentException($"{paths} paths are too many for one call.", "inputs");
        var result = call.Result;
        result.Clear();
        var sums = Grow(ref _passSums, count);
        sums.Clear();
        var segments = Grow(ref _exactSegments, paths);
        segments.Clear();
        _lastSegmentCount = (int)paths;
        var alpha = Grow(ref _exactAlpha, rowsMax);
        var step = Grow(ref _exactStep, rowsMax);
        var slotPath = Grow(ref _exactPath, rowsMax);
        var slotOfRow = Grow(ref _slotOfRow, rowsMax);
        var directions = Grow(ref _exactDirections, (long)rowsMax * _inputSize);
        if (call.Method == PathMethod.Neuron) Grow(ref _layerSeed, (long)rowsMax * _sizes[call.Layer]);
        var retry = Grow(ref _exactRetry, rowsMax);
        _ = HiddenByPooling(); // built here, before the rows' scans read it in parallel
        _ = BreakingNodes();
        int lowest = LowestLayer(ref call);
        double probe = typeof(T) == typeof(double) ? 1e-12 : 1e-5; // ε: well above the rounding of a unit at its breakpoint
        T perPath = T.One / T.CreateChecked(m);
        var ws = HostWorkspace;
        long evaluations = 0;

        int next = 0, slots = 0;
        for (; slots < rowsMax && next < paths; slots++) { slotPath[slots] = next++; alpha[slots] = 0; }

        while (true)
        {
            int rows = 0;
            for (int s = 0; s < slots; s++) if (slotPath[s] >= 0) slotOfRow[rows++] = s;
            if (rows == 0) break;

            // 1. Values and slopes of every unit just past each row's α (α + ε): where the current segment ends. At α
            // itself a unit that has just broken sits at zero up to rounding, on either side, and its slope there
            // could be the previous segment's; ε past it every unit is on the side the segment keeps.
            for (int r = 0; r < rows; r++) step[slotOfRow[r]] = Math.Min(probe, 1 - alpha[slotOfRow[r]]);
            FillExactRows(ref call, rows, slotOfRow, slotPath, alpha, directions, offset: 1.0, step);
            _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
            _model.Tangent(ws, directions[..(rows * _inputSize)], rows);
            var findEnds = new BreakScan(this, ws, _slotOfRow, _exactAlpha, _exactStep, _exactRetry, probe, check: false);
            ComputePool.For(rows, ref findEnds);

            // 2. The segment's constant gradient, weighted by its length, from a tape at the segment's midpoint. The
            // probe's own tape would do in exact arithmetic, but just past a breakpoint two pooling candidates can be
            // equal to the last bit at the probe while their slopes differ: the forward's arg-max (first index) then
            // routes the whole segment's gradient through the one the walk knows to fall behind. At the midpoint every
            // unit is strictly on its segment's side (when the segment is longer than rounding).
            //
            // The probe's tape also gave the slopes the segment's end was found with, and the same tie can make those
            // slopes wrong downstream of a pooling, so a break can be missed. The midpoint's tape checks the segment:
            // its slopes hold on the whole linear piece around the midpoint, so the breaks nearest to it behind and
            // ahead bound that piece. A piece ending before the segment's end shortens the segment (the tape still
            // holds); a piece starting after α means a break was missed before the midpoint: the segment ends where
            // the piece starts, and is checked again at its own midpoint.
            for (int check = 0; ; check++)
            {
                FillExactRows(ref call, rows, slotOfRow, slotPath, alpha, directions, offset: 0.5, step);
                _model.Forward(ws, Host.Points.AsSpan(0, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                _model.Tangent(ws, directions[..(rows * _inputSize)], rows);
                if (check == MaxSegmentChecks) break; // rounding at its worst: keep the last tape rather than loop on
                var checkSegments = new BreakScan(this, ws, _slotOfRow, _exactAlpha, _exactStep, _exactRetry, probe, check: true);
                ComputePool.For(rows, ref checkSegments);
                if (retry[..rows].IndexOf(1) < 0) break;
            }

            for (int r = 0; r < rows; r++)
            {
                int s = slotOfRow[r], b = slotPath[s] / m;
                _rowInput[r] = b;
                call.Target.WriteSeed(b, FromDouble(step[s]) * perPath, Row(_seeds, r, _outputSize));
            }

            _model.Backward(ws, _seeds.AsSpan(0, rows * _outputSize), rows, lowest);
            evaluations += rows;
            AccumulateExact(ref call, rows, directions, result, sums);

            // 3. Advance; a finished path's slot takes the next path.
            for (int r = 0; r < rows; r++)
            {
                int s = slotOfRow[r], path = slotPath[s];
                if (++segments[path] > MaxSegmentsPerPath)
                    throw new InvalidOperationException($"Path {path} of model '{_model.Name}' crossed more than {MaxSegmentsPerPath} breakpoints; use Gauss–Legendre.");
                alpha[s] += step[s];
                if (alpha[s] < 1) continue;
                if (next < paths) { slotPath[s] = next++; alpha[s] = 0; }
                else slotPath[s] = -1;
            }
        }

        // Quadrature errors: Q[dF/dα] is exact up to rounding.
        var deltas = call.Deltas.IsEmpty ? Grow(ref _deltaScratch, count) : call.Deltas;
        double worst = 0;
        for (int b = 0; b < count; b++)
        {
            deltas[b] = sums[b] - (_inputValue[b] - _referenceValue[b]);
            worst = Math.Max(worst, RelativeDelta(deltas, b));
        }

        int most = 0;
        foreach (int n in segments) most = Math.Max(most, n);
        var completeness = CompletenessOf(ref call);
        double worstGap = completeness != Completeness.NotApplicable ? CompletenessGaps(ref call, result) : double.NaN;
        return new AttributionReport(most, evaluations, worst, true, completeness, worstGap);
    }

    /// <summary>
    /// One row's break search on the current tape, rows in parallel (each writes only its own slot). Without
    /// <paramref name="check"/>: the tape is the probe's, and the segment's end is the first break ahead. With it: the
    /// tape is the segment's midpoint's, and the breaks nearest behind and ahead must be the segment's ends — a piece
    /// starting after α sets <c>retry</c> (the segment ends where the piece starts and is checked again), one ending
    /// early shortens the segment (the tape still holds).
    /// </summary>
    private readonly struct BreakScan(Attributor<T> owner, ModelWorkspace<T> ws, int[] slotOfRow, double[] alpha, double[] step, int[] retry, double probe, bool check)
        : IParallelWork
    {
        public void Invoke(int row)
        {
            int s = slotOfRow[row];
            double rounding = probe / 8;
            if (!check)
            {
                double ahead = step[s];
                step[s] = ahead + owner.NextBreakpoint(ws, row, 1 - alpha[s] - ahead, rounding, direction: 1);
                return;
            }

            double half = step[s] / 2;
            double behind = owner.NextBreakpoint(ws, row, half, rounding, direction: -1);
            if (behind < half - probe)
            {
                step[s] = half - behind;
                retry[row] = 1;
                return;
            }

            retry[row] = 0;
            double next = owner.NextBreakpoint(ws, row, half, rounding, direction: 1);
            if (next < half - probe) step[s] = half + next;
        }
    }

    /// <summary>Row points x′ + (α + offset·step)(x − x′) and directions x − x′.</summary>
    private void FillExactRows(ref PathCall call, int rows, ReadOnlySpan<int> slotOfRow, ReadOnlySpan<int> slotPath, ReadOnlySpan<double> alpha, Span<T> directions, double offset, ReadOnlySpan<double> step)
    {
        int m = call.PathsPerInput;
        for (int r = 0; r < rows; r++)
        {
            int s = slotOfRow[r], path = slotPath[s];
            var x = call.Inputs.Slice(path / m * _inputSize, _inputSize);
            var reference = BaselineOf(ref call, path);
            var direction = Row(directions, r, _inputSize);
            if (reference.IsEmpty) x.CopyTo(direction);
            else TensorPrimitives.Subtract(x, reference, direction);
            PathPoint(reference, direction, FromDouble(alpha[s] + offset * step[s]), Row(Host.Points, r, _inputSize));
        }
    }

    /// <summary>
    /// The distance in α from the row's point to the first breakpoint ahead (at most <paramref name="limit"/>):
    /// for each ReLU/LeakyReLU input z + Δ·t = 0, for each pooling window the first Δ at which a candidate overtakes the
    /// maximum. Crossings within <paramref name="rounding"/> are rounding, not breakpoints. With
    /// <paramref name="direction"/> −1 the slopes are negated: the distance to the first breakpoint behind the point.
    /// </summary>
    private double NextBreakpoint(ModelWorkspace<T> ws, int row, double limit, double rounding, double direction)
    {
        double best = limit;
        var hidden = HiddenByPooling();
        foreach (int node in BreakingNodes())
        {
            var layer = _layers[node];
            if (hidden[node]) continue; // its pooling finds its breaks
            var source = _layers[layer.Inputs[0]];
            bool fused = hidden[source.Index];
            if (fused) source = _layers[source.Inputs[0]]; // the pooling reads the ReLU's inputs: max(0, max of them)
            int width = source.Size;
            var z = ws.Activation(source.Index).Slice(row * width, width);
            var t = ws.Tangent(source.Index).Slice(row * width, width);
            switch (layer.Kind)
            {
                case LayerKind.ReLU:
                case LayerKind.LeakyReLU:
                    for (int i = 0; i < width; i++)
                    {
                        double value = double.CreateTruncating(z[i]), slope = direction * double.CreateTruncating(t[i]);
                        if (value * slope >= 0) continue; // moving away from zero, or not moving
                        double distance = -value / slope;
                        if (distance > rounding && distance < best) best = distance;
                    }

                    break;

                case LayerKind.MaxPool2d:
                    {
                        int channels = source.Shape[0], height = source.Shape[1], columns = source.Shape[2];
                        // Hyper is [kernel, stride] or [kernel, stride, padding]; a padded window is clipped to the image (−∞ never wins).
                        int kernel = layer.Hyper![0], stride = layer.Hyper[1], padding = layer.Hyper.Count > 2 ? layer.Hyper[2] : 0;
                        int outHeight = layer.Shape[1], outColumns = layer.Shape[2];
                        for (int c = 0; c < channels; c++)
                            for (int oh = 0; oh < outHeight; oh++)
                                for (int ow = 0; ow < outColumns; ow++)
                                {
                                    int top = oh * stride - padding, left = ow * stride - padding;
                                    int bottom = Math.Min(top + kernel, height), right = Math.Min(left + kernel, columns);
                                    top = Math.Max(top, 0);
                                    left = Math.Max(left, 0);
                                    best = fused
                                        ? FusedWindowBreak(z, t, c * height * columns, top, left, bottom - top, right - left, columns, best, rounding, direction)
                                        : WindowBreak(z, t, c * height * columns, top, left, bottom - top, right - left, columns, best, rounding, direction);
                                }

                        break;
                    }

                case LayerKind.MaxOverTime:
                    {
                        int channels = source.Shape[0], length = source.Shape[1];
                        for (int c = 0; c < channels; c++)
                            best = fused ? FusedWindowBreak(z, t, c * length, 0, 0, 1, length, length, best, rounding, direction) : WindowBreak(z, t, c * length, 0, 0, 1, length, length, best, rounding, direction);
                        break;
                    }
            }
        }

        return best;
    }

    /// <summary>
    /// The candidate that leads one pooling window just past the rounding horizon: its value at the probe and its slope.
    /// Leading at the probe itself is not enough: a window's candidates have just crossed at the segment's start, so at
    /// the probe the new leader can trail the old one by rounding. A candidate overtaking within the horizon is skipped
    /// as rounding by the break search, so it has to be the one followed, or the walk tracks the old leader and misses
    /// the breaks of the new one (ties at the horizon: the steeper leads).
    /// </summary>
    private static (double Max, double Lead) WindowLeader(ReadOnlySpan<T> z, ReadOnlySpan<T> t, int plane, int top, int left, int rowsInWindow, int columnsInWindow, int columns, double horizon, double direction)
    {
        double ahead = double.NegativeInfinity, max = double.NegativeInfinity, lead = 0;
        for (int i = 0; i < rowsInWindow; i++)
        {
            for (int j = 0; j < columnsInWindow; j++)
            {
                int at = plane + (top + i) * columns + left + j;
                double value = double.CreateTruncating(z[at]), slope = direction * double.CreateTruncating(t[at]), later = value + slope * horizon;
                if (later > ahead || (later == ahead && slope > lead)) { ahead = later; max = value; lead = slope; }
            }
        }

        return (max, lead);
    }

    /// <summary>The first Δ at which another candidate of one pooling window overtakes its maximum (ties: the steeper one leads).</summary>
    private static double WindowBreak(ReadOnlySpan<T> z, ReadOnlySpan<T> t, int plane, int top, int left, int rowsInWindow, int columnsInWindow, int columns, double best, double rounding, double direction)
    {
        var (max, lead) = WindowLeader(z, t, plane, top, left, rowsInWindow, columnsInWindow, columns, rounding, direction);

        for (int i = 0; i < rowsInWindow; i++)
        {
            for (int j = 0; j < columnsInWindow; j++)
            {
                int at = plane + (top + i) * columns + left + j;
                double value = double.CreateTruncating(z[at]), slope = direction * double.CreateTruncating(t[at]);
                if (slope <= lead) continue;
                double distance = (max - value) / (slope - lead);
                if (distance > rounding && distance < best) best = distance;
            }
        }

        return best;
    }

    /// <summary>
    /// The first Δ at which max(0, max of one window's inputs) breaks: while the leading input is above zero, another
    /// overtaking it or it falling to zero; while every input is at or below zero (the output 0), the first input rising
    /// through zero. Inputs crossing zero or each other below zero change nothing and are no breaks. Ties: the steeper
    /// input leads, and an input at exactly zero counts as above it when it rises.
    /// </summary>
    private static double FusedWindowBreak(ReadOnlySpan<T> z, ReadOnlySpan<T> t, int plane, int top, int left, int rowsInWindow, int columnsInWindow, int columns, double best, double rounding, double direction)
    {
        var (max, lead) = WindowLeader(z, t, plane, top, left, rowsInWindow, columnsInWindow, columns, rounding, direction);

        // Which side of zero the output is on, also judged at the horizon: a leader falling through zero within it has
        // already fallen, as far as the break search goes.
        double later = max + lead * rounding;
        if (later > 0 || (later == 0 && lead > 0))
        {
            // The output follows the leader: the first candidate to overtake it, or its own fall to zero, whichever comes first.
            if (lead < 0)
            {
                double distance = -max / lead;
                if (distance > rounding && distance < best) best = distance;
            }

            return WindowBreak(z, t, plane, top, left, rowsInWindow, columnsInWindow, columns, best, rounding, direction);
        }

        // The output is 0 until the first input rises through zero.
        for (int i = 0; i < rowsInWindow; i++)
        {
            for (int j = 0; j < columnsInWindow; j++)
            {
                int at = plane + (top + i) * columns + left + j;
                double value = double.CreateTruncating(z[at]), slope = direction * double.CreateTruncating(t[at]);
                if (slope <= 0) continue;
                double distance = -value / slope;
                if (distance > rounding && distance < best) best = distance;
            }
        }

        return best;
    }

    /// <summary>Adds one segment of each row: the gradient already carries the segment's length and the path's weight.</summary>
    private void AccumulateExact(ref PathCall call, int rows, ReadOnlySpan<T> directions, Span<T> result, Span<T> sums)
    {
        var ws = HostWorkspace;
        int size = call.ResultSize;
        var outputTangent = ws.Tangent(_last);
        for (int r = 0; r < rows; r++)
            sums[_rowInput[r]] += TensorPrimitives.Dot<T>(Row(_seeds, r, _outputSize), outputTangent.Slice(r * _outputSize, _outputSize));

        switch (call.Method)
        {
            case PathMethod.Gradient:
                {
                    var g = ws.Gradient(0);
                    for (int r = 0; r < rows; r++) AddScaled(directions.Slice(r * _inputSize, _inputSize), Row(g, r, _inputSize), result.Slice(_rowInput[r] * size, size));
                    break;
                }

            case PathMethod.Conductance:
                for (int i = 0; i < call.LayerCount; i++)
                {
                    int layer = _layerList[i], width = _sizes[layer];
                    var g = ws.Gradient(layer);
                    var t = layer == 0 ? directions : ws.Tangent(layer);
                    for (int r = 0; r < rows; r++) AddScaled(g.Slice(r * width, width), t.Slice(r * width, width), result.Slice(_rowInput[r] * size + _layerOffsets[i], width));
                }

                break;

            case PathMethod.Influence:
                {
                    int width = _sizes[call.Layer];
                    var g = ws.Gradient(call.Layer);
                    for (int r = 0; r < rows; r++) TensorPrimitives.Add(result.Slice(_rowInput[r] * size, width), g.Slice(r * width, width), result.Slice(_rowInput[r] * size, width));
                    break;
                }

            case PathMethod.Neuron:
                {
                    int layer = call.Layer, width = _sizes[layer];
                    var seed = _layerSeed.AsSpan(0, rows * width);
                    var selection = _selectionWeights.AsSpan(0, width);
                    var g = ws.Gradient(layer);
                    for (int r = 0; r < rows; r++) TensorPrimitives.Multiply(g.Slice(r * width, width), selection, seed.Slice(r * width, width));
                    _model.BackwardFrom(ws, layer, seed, rows, 0);
                    var g0 = ws.Gradient(0);
                    for (int r = 0; r < rows; r++) AddScaled(directions.Slice(r * _inputSize, _inputSize), Row(g0, r, _inputSize), result.Slice(_rowInput[r] * size, size));
                    break;
                }
        }
    }

    /// <summary>The lowest node the backward must reach for the call's method.</summary>
    private int LowestLayer(ref PathCall call) => call.Method switch
    {
        PathMethod.Gradient => 0,
        PathMethod.Conductance => MinLayer(call.LayerCount),
        _ => call.Layer,
    };

    private int MinLayer(int count)
    {
        int low = int.MaxValue;
        for (int i = 0; i < count; i++) low = Math.Min(low, _layerList[i]);
        return low;
    }
}
