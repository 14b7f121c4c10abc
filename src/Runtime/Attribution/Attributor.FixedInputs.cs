using Axon.Model;

namespace Axon.Attribution;

// A model with several inputs can mark some [Fixed] (a mask, a conditioning vector): they take part in the forward
// pass but are neither interpolated nor attributed. On the packed input row that is exactly a path whose baseline equals
// the explained input on the fixed slices: x − x′ is zero there, so every point of the path keeps the input's fixed
// values and every path method gives them zero attribution, while completeness reads Σ = F(x) − F(x′) with x′ holding
// those same values. The engine therefore rewrites the baseline once per call — one baseline per input, copied from the
// caller's with the fixed slices taken from the input — and every path method runs unchanged on the result.
public sealed partial class Attributor<T>
{
    private (int Offset, int Size)[]? _fixedSlices;
    private string _fixedNames = "";
    private T[] _pinnedBaselines = [];

    /// <summary>The fixed inputs' slices of the packed row (empty when the model has none), read once from the model.</summary>
    private ReadOnlySpan<(int Offset, int Size)> FixedSlices
    {
        get
        {
            if (_fixedSlices is null)
            {
                var fixedInputs = _model.InputLayout.Where(input => input.IsFixed).ToArray();
                _fixedNames = string.Join(", ", fixedInputs.Select(input => "'" + input.Name + "'"));
                _fixedSlices = [.. fixedInputs.Select(input => (input.Offset, input.Size))];
            }

            return _fixedSlices;
        }
    }

    /// <summary>True when the model has [Fixed] inputs that the path methods keep at the explained input's values.</summary>
    private bool HasFixedInputs => !FixedSlices.IsEmpty;

    /// <summary>
    /// Refuses a method that cannot keep fixed inputs at each input's value (noise or a sampled set of baselines would
    /// move them), before anything runs.
    /// </summary>
    private void RefuseFixedInputs(string method, string why)
    {
        if (HasFixedInputs)
            throw new NotSupportedException($"{method} cannot be used on '{_model.Name}', whose input(s) {_fixedNames} are [Fixed]: {why}.");
    }

    /// <summary>
    /// The baseline a path method runs with: <paramref name="baseline"/> itself when the model has no fixed inputs;
    /// otherwise one baseline per input, the caller's with each fixed slice copied from that input. Call it after the
    /// inputs and the baseline were validated (count inputs).
    /// </summary>
    private Baseline<T> PinFixedInputs(ReadOnlySpan<T> inputs, Baseline<T> baseline, int count)
    {
        if (!HasFixedInputs) return baseline;
        if (baseline.Kind == BaselineKind.Set)
        {
            throw new NotSupportedException(
                $"'{_model.Name}' has [Fixed] input(s) {_fixedNames}, which every path keeps at the explained input's values; a distribution of baselines " +
                "cannot do that. Give one baseline per input (Baseline<T>.PerInput) or a shared one.");
        }

        int n = _inputSize;
        var pinned = Grow(ref _pinnedBaselines, (long)count * n);
        for (int b = 0; b < count; b++)
        {
            var row = pinned.Slice(b * n, n);
            CopyBaseline(baseline.Row(b, n), row);
            foreach (var (offset, size) in FixedSlices) inputs.Slice(b * n + offset, size).CopyTo(row.Slice(offset, size));
        }

        return Baseline<T>.PerInput(pinned);
    }
}
