using System.Runtime.InteropServices;
using Axon.Kernels;
using Axon.Model;

namespace Axon.Attribution;

// The pattern-tracking path: the affine prefix taken one linear layer further. Above node A the path's points reach
// the next linear layer L (FashionCnn: relu1 → pool1 → conv2) through layers that only select (PatternPlan): L's input
// is h = start[s] + α·change[s], with s(α) the windows' winners. Between two steps s changes at a handful of windows
// (8 of pool1's 1,568 on average on the Fashion-MNIST test set with n = 50), so per path
//     U = W·change[s],   V = b + W·start[s],   y_L = α·U + V,   dy_L/dα = U
// are kept up to date by adding the changed windows' columns of W only, instead of running relu1, pool1 and conv2
// forward and in tangent at every step. Backward, the integral at A is Σₖ P_sₖᵀ·Wᵀ·g_L(αₖ): with the running sum
// S = Σₖ g_L(αₖ) of the weighted gradients at L, each window's winner collects (Wᵀ·S)ⱼ at the end of its run minus
// its value at the run's start, so Wᵀ is applied at the changed windows during the path and once in full at its end
// (LinearColumns). The identities are exact; the results agree with the step-by-step passes to rounding.
public sealed partial class Attributor<T>
{
    private readonly PatternPlan<T>? _patternPlan;

    // Per path of a block: U, V and S (L's size each), and per window its winner, the α interval over which the winner
    // stands, and (Wᵀ·S)ⱼ at the start of its run.
    private T[] _patternU = [];
    private T[] _patternV = [];
    private T[] _patternSum = [];
    private int[] _patternWinner = [];
    private T[] _patternLow = [];
    private T[] _patternHigh = [];
    private T[] _patternRunStart = [];

    // The current step batch's changes: (window, previous winner, new winner), row r's at [_patternChangeStart[r], [r + 1]).
    private int[] _patternChanges = [];
    private int[] _patternChangeStart = [];

    /// <summary>
    /// One window each: L's input start[s] and change[s] where U and V are made anew, and the full Wᵀ·S where many runs
    /// close at one step (never both at once: the first in the row loop, the second after the row's backward).
    /// </summary>
    private T[] _patternInputs = [];

    /// <summary>
    /// Whether path methods may track the activation pattern between the affine prefix and the next linear layer (on by
    /// default; see <see cref="UseAffinePrefix"/>, which it needs): for networks where only ReLUs and one max pooling lie
    /// between the first two linear layers, those layers and the second linear layer are not run at every step, only
    /// updated where a window's winner changed. Exact; off, every step runs from the affine prefix's last node.
    /// </summary>
    public bool UsePatternTracking { get; set; } = true;

    /// <summary>Node L of the pattern-tracking path (the linear layer after A), or 0 when the network has none.</summary>
    public int PatternLayer => _patternPlan?.Linear ?? 0;

    private bool CanTrackPatterns(ref PathCall call)
    {
        if (!UsePatternTracking || _patternPlan is null || _tokenEmbedding > 0) return false;
        int linear = _patternPlan.Linear;
        if (call.Method == PathMethod.Conductance)
        {
            for (int i = 0; i < call.LayerCount; i++)
            {
                int layer = _layerList[i];
                if (layer > _prefix && layer < linear) return false; // the selecting layers' own maps are never made
            }
        }
        else if (call.Method == PathMethod.Patch)
        {
            // At L or its ReLU only (the regions' tangents are then U_S per region, see PatternRegions); the regions'
            // changes at A come from tangent passes through the prefix, which must carry no taps.
            if (call.Layer != linear && !IsReluOfLinear(call.Layer)) return false;
            for (int i = 1; i <= _prefix; i++)
            {
                if (HostWorkspace.HasIntervention(i)) return false;
            }
        }
        else if (call.Method != PathMethod.Gradient) return false;

        for (int i = _prefix + 1; i <= linear; i++)
        {
            if (HostWorkspace.HasIntervention(i)) return false;
        }

        return true;
    }

    /// <summary>Per-path elements of the pattern-tracking state.</summary>
    private int PatternStatePerPath(ref PathCall call) => _patternPlan is null ? 0
        : 3 * _sizes[_patternPlan.Linear] + 3 * _patternPlan.WindowCount + RegionStatePerPath(ref call);

    private void GrowPatternState(int block, ref PathCall call)
    {
        var plan = _patternPlan!;
        int sizeL = _sizes[plan.Linear], windows = plan.WindowCount;
        Grow(ref _patternU, (long)block * sizeL);
        Grow(ref _patternV, (long)block * sizeL);
        Grow(ref _patternSum, (long)block * sizeL);
        Grow(ref _patternWinner, (long)block * windows);
        Grow(ref _patternLow, (long)block * windows);
        Grow(ref _patternHigh, (long)block * windows);
        Grow(ref _patternRunStart, (long)block * windows);
        Grow(ref _patternChanges, 3L * StepBatch * windows);
        Grow(ref _patternChangeStart, StepBatch + 1);
        Grow(ref _patternInputs, 2L * windows);
        GrowRegionState(block, ref call);
        plan.Columns.Refresh(_model.Parameters);
    }

    /// <summary>
    /// One block of paths on the pattern-tracking path: endpoints, the step batches, the integral at A finished from S,
    /// then the prefix's per-path finish.
    /// </summary>
    private void PatternBlock(ref PathCall call, long first, int count, int steps, int layerChange, T reach, T perPathScale, int conductanceTop)
    {
        StartPrefixBlock(ref call, first, count, layerChange, reach);
        if (call.Method == PathMethod.Patch) RegionChanges(ref call, first, count);
        var range = AlphaRange.Of(_alpha.AsSpan(0, steps));
        long total = (long)count * steps;
        for (long e0 = 0; e0 < total; e0 += StepBatch)
        {
            PatternStepBatch(ref call, first, e0, (int)Math.Min(StepBatch, total - e0), steps, range, perPathScale, conductanceTop);
        }

        FinishPatternIntegrals(count);
        PrefixFinalize(ref call, first, count, layerChange);
    }

    /// <summary>
    /// Rows e0.. of the block (path-major: row e is step e mod n of path e / n): L's output from U and V, the passes from L
    /// up and back to L, the windows' runs closed where they changed.
    /// </summary>
    private void PatternStepBatch(ref PathCall call, long first, long e0, int rows, int steps, AlphaRange range, T perPathScale, int conductanceTop)
    {
        var plan = _patternPlan!;
        int m = call.PathsPerInput, linear = plan.Linear, sizeL = _sizes[linear];
        var alpha = _alpha;
        var weight = _weight;
        bool tangents = conductanceTop >= linear;
        var ws = HostWorkspace;
        var outputsL = ws.ActivationFor(linear, rows);
        var directions = tangents ? ws.TangentFor(linear, rows) : default;
        int changes = 0;
        for (int r = 0; r < rows; r++)
        {
            var (q, k, b) = DescribeRow(r, e0 + r, first, steps, m);
            T at = FromDouble(alpha[k]);
            _patternChangeStart[r] = changes;
            if (k == 0) StartPattern(q, at, range, call.Method == PathMethod.Patch ? call.RegionCount : 0);
            else changes = FollowPattern(q, at, range, changes);
            var u = Row(_patternU, q, sizeL);
            PathStreams<T>.MultiplyAdd(u, at, Row(_patternV, q, sizeL), Row(outputsL, r, sizeL));
            if (tangents) u.CopyTo(Row(directions, r, sizeL));
            call.Target.WriteSeed(b, FromDouble(weight[k]) * perPathScale, Row(_seeds, r, _outputSize));
        }

        _patternChangeStart[rows] = changes;
        _model.ForwardFrom(ws, linear, outputsL, rows, _outputs.AsSpan(0, rows * _outputSize));
        _model.Backward(ws, _seeds.AsSpan(0, rows * _outputSize), rows, linear);
        var g = ws.Gradient(linear);
        for (int r = 0; r < rows; r++)
        {
            int q = _rowPath[r];
            var sum = Row(_patternSum, q, sizeL);
            CloseRuns(q, sum, _patternChangeStart[r], _patternChangeStart[r + 1]);
            if (call.Method == PathMethod.Patch) FollowRegions(ref call, q, r, Row(g, r, sizeL));
            ElementwiseKernel.Accumulate<T>(Row(g, r, sizeL), sum);
        }

        if (tangents) AccumulateConductanceFrom(ref call, linear, rows);
    }

    /// <summary>
    /// A path's first step: every window evaluated at α, then U = W·change[s] and V = b + W·start[s] in full by L's own
    /// kernel (cheaper than adding the columns of the many windows with a winner one by one); S = 0.
    /// </summary>
    private void StartPattern(int q, T alpha, AlphaRange range, int regions)
    {
        var plan = _patternPlan!;
        int sizeA = _sizes[_prefix], sizeL = _sizes[plan.Linear], windows = plan.WindowCount;
        var start = Row(_prefixStart, q, sizeA);
        var change = Row(_prefixChange, q, sizeA);
        var winners = _patternWinner.AsSpan(q * windows, windows);
        var low = Row(_patternLow, q, windows);
        var high = Row(_patternHigh, q, windows);
        plan.EvaluateAll(start, change, alpha, range, winners, low, high);
        RecomputeLinear(q, start, change, winners);
        Row(_patternSum, q, sizeL).Clear();
        Row(_patternRunStart, q, windows).Clear();
        if (regions > 0) StartRegions(q, regions);
    }

    /// <summary>
    /// Path <paramref name="q"/> at α: every window whose interval does not hold α is evaluated again, and where its
    /// winner changed, U and V take the difference of the two columns (or are made anew) and the change is logged for
    /// <see cref="CloseRuns"/>. Returns the new end of the change log.
    /// </summary>
    private int FollowPattern(int q, T alpha, AlphaRange range, int changes)
    {
        int logged = changes;
        var plan = _patternPlan!;
        int sizeA = _sizes[_prefix], sizeL = _sizes[plan.Linear], windows = plan.WindowCount;
        var start = Row(_prefixStart, q, sizeA);
        var change = Row(_prefixChange, q, sizeA);
        var u = Row(_patternU, q, sizeL);
        var v = Row(_patternV, q, sizeL);
        var winners = _patternWinner.AsSpan(q * windows, windows);
        var low = Row(_patternLow, q, windows);
        var high = Row(_patternHigh, q, windows);
        var at = new System.Numerics.Vector<T>(alpha);
        int width = System.Numerics.Vector<T>.Count, j0 = 0;
        ref T lowStart = ref MemoryMarshal.GetReference(low);
        ref T highStart = ref MemoryMarshal.GetReference(high);
        for (; j0 <= windows - width; j0 += width)
        {
            var outside = System.Numerics.Vector.LessThan(at, System.Numerics.Vector.LoadUnsafe(ref lowStart, (nuint)j0))
                | System.Numerics.Vector.GreaterThan(at, System.Numerics.Vector.LoadUnsafe(ref highStart, (nuint)j0));
            if (outside == System.Numerics.Vector<T>.Zero) continue;
            for (int j = j0; j < j0 + width; j++)
            {
                if (alpha < low[j] || alpha > high[j]) changes = Reevaluate(j, start, change, alpha, range, winners, low, high, changes);
            }
        }

        for (int j = j0; j < windows; j++)
        {
            if (alpha < low[j] || alpha > high[j]) changes = Reevaluate(j, start, change, alpha, range, winners, low, high, changes);
        }

        // U and V follow the changed windows' columns; where many windows changed at once (a path whose first point is
        // a tie in every window, as α = 0 with a zero baseline is for a convolution's bias), anew from the winners by L's
        // kernel, which then costs less than the columns one by one.
        int count = (changes - logged) / 3;
        if (count * ColumnsPerFullUpdate > windows) RecomputeLinear(q, start, change, winners);
        else
        {
            for (int c = logged; c < changes; c += 3)
            {
                int j = _patternChanges[c], previous = _patternChanges[c + 1], winner = _patternChanges[c + 2];
                T du = (winner >= 0 ? change[winner] : T.Zero) - (previous >= 0 ? change[previous] : T.Zero);
                T dv = (winner >= 0 ? start[winner] : T.Zero) - (previous >= 0 ? start[previous] : T.Zero);
                plan.Columns.Scatter(j, du, dv, u, v);
            }
        }

        return changes;
    }

    /// <summary>
    /// One in this many windows changing costs about as much in columns (or gathers) as L's kernel over all of them
    /// (FashionCnn's conv2: 133 ns per column pair against about 40 µs for the two kernel calls over 1,568 windows, 60 ns
    /// per gather against about 20 µs for the transposed kernel).
    /// </summary>
    private const int ColumnsPerFullUpdate = 5;

    /// <summary>U = W·change[s] and V = b + W·start[s] from every window's winner, by L's own kernel.</summary>
    private void RecomputeLinear(int q, ReadOnlySpan<T> start, ReadOnlySpan<T> change, ReadOnlySpan<int> winners)
    {
        var plan = _patternPlan!;
        int sizeL = _sizes[plan.Linear], windows = plan.WindowCount;
        var startInput = _patternInputs.AsSpan(0, windows);
        var changeInput = _patternInputs.AsSpan(windows, windows);
        for (int j = 0; j < windows; j++)
        {
            int winner = winners[j];
            startInput[j] = winner >= 0 ? start[winner] : T.Zero;
            changeInput[j] = winner >= 0 ? change[winner] : T.Zero;
        }

        var scratch = HostWorkspace.Scratch;
        plan.Columns.Apply(changeInput, Row(_patternU, q, sizeL), 1, withBias: false, scratch);
        plan.Columns.Apply(startInput, Row(_patternV, q, sizeL), 1, withBias: true, scratch);
    }

    private int Reevaluate(int j, ReadOnlySpan<T> start, ReadOnlySpan<T> change, T alpha, AlphaRange range, Span<int> winners, Span<T> low, Span<T> high, int changes)
    {
        int winner = _patternPlan!.Evaluate(j, start, change, alpha, range, out low[j], out high[j]);
        int previous = winners[j];
        if (winner == previous) return changes;
        winners[j] = winner;
        _patternChanges[changes] = j;
        _patternChanges[changes + 1] = previous;
        _patternChanges[changes + 2] = winner;
        return changes + 3;
    }

    /// <summary>
    /// The runs that ended before this row's step: window j's previous winner collects (Wᵀ·S)ⱼ − (its value at the run's
    /// start), S being the sum of the gradients at L over the run's steps and those before; the new run starts there.
    /// </summary>
    private void CloseRuns(int q, ReadOnlySpan<T> sum, int from, int to)
    {
        var plan = _patternPlan!;
        int sizeA = _sizes[_prefix], windows = plan.WindowCount;
        var integral = Row(_prefixIntegral, q, sizeA);
        var runStart = Row(_patternRunStart, q, windows);
        // Many changes at once (the step after a first point that ties every window): Wᵀ·S in full by L's kernel.
        bool full = (to - from) / 3 * ColumnsPerFullUpdate > windows;
        var through = _patternInputs.AsSpan(0, windows);
        if (full) plan.Columns.Transpose(sum, through, 1, HostWorkspace.Scratch);
        for (int c = from; c < to; c += 3)
        {
            int j = _patternChanges[c], previous = _patternChanges[c + 1];
            T value = full ? through[j] : plan.Columns.Gather(j, sum);
            if (previous >= 0) integral[previous] += value - runStart[j];
            runStart[j] = value;
        }
    }

    /// <summary>Every path's last runs: Wᵀ·S in full (L's backward kernel, once per path), each winner taking its share.</summary>
    private void FinishPatternIntegrals(int count)
    {
        var plan = _patternPlan!;
        int linear = plan.Linear, sizeA = _sizes[_prefix], sizeL = _sizes[linear], windows = plan.WindowCount;
        var ws = HostWorkspace;
        for (int q0 = 0; q0 < count; q0 += StepBatch)
        {
            int rows = Math.Min(StepBatch, count - q0);
            var through = ws.GradientFor(linear - 1, rows);
            plan.Columns.Transpose(_patternSum.AsSpan(q0 * sizeL, rows * sizeL), through, rows, ws.Scratch);
            for (int r = 0; r < rows; r++)
            {
                int q = q0 + r;
                var integral = Row(_prefixIntegral, q, sizeA);
                var winners = _patternWinner.AsSpan(q * windows, windows);
                var runStart = Row(_patternRunStart, q, windows);
                var value = Row(through, r, windows);
                for (int j = 0; j < windows; j++)
                {
                    int winner = winners[j];
                    if (winner >= 0) integral[winner] += value[j] - runStart[j];
                }
            }
        }
    }

    /// <summary>
    /// Conductance of the listed layers from L up at the rows just run: dy_L/dα = U (each row's copy is L's tangent row),
    /// and above L one tangent from L, up to the highest layer that needs one (<see cref="TangentTop"/>).
    /// </summary>
    private void AccumulateConductanceFrom(ref PathCall call, int linear, int rows)
    {
        var ws = HostWorkspace;
        int top = TangentTop(ref call);
        if (top > linear) _model.TangentFrom(ws, linear, ws.TangentFor(linear, rows), rows, top); // U written per row: no copy
        var gradientL = ws.Gradient(linear);
        var directions = ws.TangentFor(linear, rows);
        for (int i = 0; i < call.LayerCount; i++)
        {
            int layer = _layerList[i], width = _sizes[layer];
            if (layer < linear) continue;
            bool fromL = layer == linear || IsReluOfLinear(layer);
            var g = fromL ? gradientL : ws.Gradient(layer);
            var t = fromL ? directions : ws.Tangent(layer);
            for (int r = 0; r < rows; r++) AddScaled(Row(g, r, width), Row(t, r, width), Row(Host.Result, _rowInput[r], call.ResultSize).Slice(_layerOffsets[i], width));
        }
    }

    /// <summary>
    /// Whether <paramref name="layer"/> is a ReLU of L alone (FashionCnn's relu2), untapped. Its conductance then comes
    /// from L's maps: with r = relu′(y_L) ∈ {0, 1}, its gradient is g and its tangent r·U where L's gradient is r·g, so
    /// g ⊙ r·U = (r·g) ⊙ U — no tangent pass above L, and the passes need not write the ReLU's own maps.
    /// </summary>
    private bool IsReluOfLinear(int layer) => IsReluOf(layer, _patternPlan!.Linear);

    /// <summary>Whether <paramref name="layer"/> is the node right after <paramref name="node"/>, a ReLU of it alone, untapped.</summary>
    private bool IsReluOf(int layer, int node)
    {
        if (layer != node + 1 || layer >= _layers.Length) return false;
        var info = _layers[layer];
        return info.Kind == LayerKind.ReLU && info.Inputs.Count == 1 && info.Inputs[0] == node && !HostWorkspace.HasIntervention(layer);
    }

    /// <summary>The highest listed layer above L whose conductance needs a tangent pass from L, or L when none does.</summary>
    private int TangentTop(ref PathCall call)
    {
        int linear = _patternPlan!.Linear, top = linear;
        for (int i = 0; i < call.LayerCount; i++)
        {
            int layer = _layerList[i];
            if (layer > linear && !IsReluOfLinear(layer)) top = Math.Max(top, layer);
        }

        return top;
    }
}
