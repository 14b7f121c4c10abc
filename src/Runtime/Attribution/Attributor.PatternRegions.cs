using Axon.Model;

namespace Axon.Attribution;

// Patch IG on the pattern-tracking path, at L or at L's ReLU. Region S moves the input along d_S = (x − x′) ⊙ 1_S, so
// node A along change_S = J_A·d_S (the prefix is affine: the same at every step), and L along U_S = W·change_S[s]: the
// tangent of L's input along d_S is change_S at each window's winner. U_S is kept per path and region like U: set in
// full at the path's first step, then updated where a window's winner changed, for the regions whose change is nonzero
// at the old or the new winner (a window's receptive field meets one or a few regions). IG_S at L is Σₖ g_L(αₖ) ⊙ U_S(αₖ),
// and at L's ReLU the same (see IsReluOfLinear). Each row brings U_S to its own step after the row's backward, so the
// product uses the U_S of that step.
public sealed partial class Attributor<T>
{
    private T[] _patternRegionU = [];
    private T[] _patternRegionChange = [];
    private T[] _patternRegionInputs = [];

    /// <summary>Per-path elements of patch IG's region state: U_S (L's size) and change_S (A's size) per region.</summary>
    private int RegionStatePerPath(ref PathCall call) =>
        call.Method == PathMethod.Patch ? call.RegionCount * (_sizes[_patternPlan!.Linear] + _sizes[_prefix]) : 0;

    private void GrowRegionState(int block, ref PathCall call)
    {
        if (call.Method != PathMethod.Patch) return;
        int regions = call.RegionCount;
        Grow(ref _patternRegionU, (long)block * regions * _sizes[_patternPlan!.Linear]);
        Grow(ref _patternRegionChange, (long)block * regions * _sizes[_prefix]);
        Grow(ref _patternRegionInputs, (long)Math.Min(regions, StepBatch) * _patternPlan.WindowCount);
        Grow(ref _masked, (long)StepBatch * _inputSize);
    }

    /// <summary>change_S = J_A·((x − x′) ⊙ 1_S) for every path of the block and every region, by tangent passes through the prefix.</summary>
    private void RegionChanges(ref PathCall call, long first, int count)
    {
        int a = _prefix, sizeA = _sizes[a], regions = call.RegionCount, m = call.PathsPerInput, rows = StepBatch;
        var ws = HostWorkspace;
        // The prefix is affine: its tangent passes read no activation, but they check that a forward of their batch was
        // recorded. One forward of zeros at the full batch serves every chunk (the last is padded with zero rows).
        var points = Host.Points.AsSpan(0, rows * _inputSize);
        points.Clear();
        _model.Forward(ws, points, rows, _outputs.AsSpan(0, rows * _outputSize));
        var masked = _masked.AsSpan(0, rows * _inputSize);
        long total = (long)count * regions;
        for (long e0 = 0; e0 < total; e0 += rows)
        {
            int used = (int)Math.Min(rows, total - e0);
            masked.Clear();
            for (int r = 0; r < used; r++)
            {
                long e = e0 + r;
                int q = (int)(e / regions), region = (int)(e % regions), path = (int)(first + q);
                var x = call.Inputs.Slice(path / m * _inputSize, _inputSize);
                var reference = BaselineOf(ref call, path);
                var indicator = _regionIndicators.AsSpan(region * _inputSize, _inputSize);
                var row = Row(masked, r, _inputSize);
                for (int i = 0; i < _inputSize; i++)
                {
                    if (indicator[i] != T.Zero) row[i] = indicator[i] * (reference.IsEmpty ? x[i] : x[i] - reference[i]);
                }
            }

            _model.Tangent(ws, masked, rows, a);
            var tangents = ws.Tangent(a);
            for (int r = 0; r < used; r++) Row(tangents, r, sizeA).CopyTo(_patternRegionChange.AsSpan((int)(e0 + r) * sizeA, sizeA));
        }
    }

    /// <summary>A path's first step: U_S = W·change_S[s] for every region, by L's own kernel (regions as a batch).</summary>
    private void StartRegions(int q, int regions)
    {
        var plan = _patternPlan!;
        int sizeA = _sizes[_prefix], sizeL = _sizes[plan.Linear], windows = plan.WindowCount;
        var winners = _patternWinner.AsSpan(q * windows, windows);
        for (int r0 = 0; r0 < regions; r0 += StepBatch)
        {
            int batch = Math.Min(StepBatch, regions - r0);
            var inputs = _patternRegionInputs.AsSpan(0, batch * windows);
            for (int s = 0; s < batch; s++)
            {
                var change = _patternRegionChange.AsSpan((q * regions + r0 + s) * sizeA, sizeA);
                var input = Row(inputs, s, windows);
                for (int j = 0; j < windows; j++)
                {
                    int winner = winners[j];
                    input[j] = winner >= 0 ? change[winner] : T.Zero;
                }
            }

            plan.Columns.Apply(inputs, _patternRegionU.AsSpan((q * regions + r0) * sizeL, batch * sizeL), batch, withBias: false, HostWorkspace.Scratch);
        }
    }

    /// <summary>
    /// Row <paramref name="r"/> (path <paramref name="q"/>): its changes applied to every U_S they touch, then each region's
    /// g_L ⊙ U_S added to the region's block of the input's result.
    /// </summary>
    private void FollowRegions(ref PathCall call, int q, int r, ReadOnlySpan<T> gradient)
    {
        var plan = _patternPlan!;
        int sizeA = _sizes[_prefix], sizeL = _sizes[plan.Linear], regions = call.RegionCount;
        for (int c = _patternChangeStart[r]; c < _patternChangeStart[r + 1]; c += 3)
        {
            int j = _patternChanges[c], previous = _patternChanges[c + 1], winner = _patternChanges[c + 2];
            for (int s = 0; s < regions; s++)
            {
                var change = _patternRegionChange.AsSpan((q * regions + s) * sizeA, sizeA);
                T du = (winner >= 0 ? change[winner] : T.Zero) - (previous >= 0 ? change[previous] : T.Zero);
                if (du != T.Zero) plan.Columns.Scatter(j, du, _patternRegionU.AsSpan((q * regions + s) * sizeL, sizeL));
            }
        }

        var result = Row(Host.Result, _rowInput[r], call.ResultSize);
        for (int s = 0; s < regions; s++) AddScaled(gradient, _patternRegionU.AsSpan((q * regions + s) * sizeL, sizeL), result.Slice(s * sizeL, sizeL));
    }
}
