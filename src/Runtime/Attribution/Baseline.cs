namespace Axon.Attribution;

/// <summary>
/// The reference x′ a path method starts from: zero, one input shared by all, one per input, or a set of inputs
/// (a distribution, expected-gradients style: the attribution is the mean over baselines drawn from the set, or
/// over all of them, and completeness reads Σ = F(x) − mean F(x′)).
/// </summary>
public readonly ref struct Baseline<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _values;
    private readonly int _samples;
    private readonly int _seed;
    private readonly BaselineKind _kind;

    private Baseline(BaselineKind kind, ReadOnlySpan<T> values, int samples, int seed)
    {
        _kind = kind;
        _values = values;
        _samples = samples;
        _seed = seed;
    }

    /// <summary>The all-zero input (the default).</summary>
    public static Baseline<T> Zero => default;

    /// <summary>One baseline (InputSize values) shared by every input.</summary>
    public static Baseline<T> Shared(ReadOnlySpan<T> baseline) => new(BaselineKind.Shared, baseline, 0, 0);

    /// <summary>One baseline per input (inputs × InputSize values).</summary>
    public static Baseline<T> PerInput(ReadOnlySpan<T> baselines) => new(BaselineKind.PerInput, baselines, 0, 0);

    /// <summary>
    /// A set of m baselines (m × InputSize values). With <paramref name="samples"/> = 0 every input is attributed
    /// against all m and the results averaged; otherwise each input draws <paramref name="samples"/> of them
    /// uniformly with replacement from a generator seeded with <paramref name="seed"/> (the same draws every call).
    /// </summary>
    public static Baseline<T> Distribution(ReadOnlySpan<T> set, int samples = 0, int seed = 0) => new(BaselineKind.Set, set, samples, seed);

    internal BaselineKind Kind => _kind;

    internal int Seed => _seed;

    /// <summary>Every value given (the shared baseline, all per-input rows, or the whole set).</summary>
    internal ReadOnlySpan<T> Values => _values;

    internal int SetCount(int inputSize) => _values.Length / inputSize;

    /// <summary>Baselines per input: the number of paths each input's attribution averages.</summary>
    internal int PathsPerInput(int inputSize) => _kind != BaselineKind.Set ? 1 : _samples == 0 ? _values.Length / inputSize : _samples;

    /// <summary>True when one forward of a single baseline gives every input's reference.</summary>
    /// <summary>The baseline of inputs first..first+count−1 (per-input baselines sliced; the others as they are).</summary>
    internal Baseline<T> Slice(int first, int count, int inputSize) =>
        _kind == BaselineKind.PerInput ? new(_kind, _values.Slice(first * inputSize, count * inputSize), 0, 0) : this;

    internal bool IsSingle => _kind is BaselineKind.Zero or BaselineKind.Shared;

    internal bool IsSampled => _kind == BaselineKind.Set && _samples > 0;

    internal void Validate(int count, int inputSize, string parameterName)
    {
        switch (_kind)
        {
            case BaselineKind.Zero:
                return;
            case BaselineKind.Shared:
                if (_values.Length != inputSize)
                    throw new ArgumentException($"The shared baseline has {_values.Length} values; the model's input has {inputSize}.", parameterName);
                break;
            case BaselineKind.PerInput:
                if (_values.Length != (long)count * inputSize)
                    throw new ArgumentException($"The per-input baselines have {_values.Length} values; {count} inputs × {inputSize} need {(long)count * inputSize}.", parameterName);
                break;
            case BaselineKind.Set:
                if (_values.Length == 0) throw new ArgumentException("The baseline set is empty: give at least one baseline.", parameterName);
                if (_values.Length % inputSize != 0)
                    throw new ArgumentException($"The baseline set has {_values.Length} values, not a whole number of inputs of {inputSize}.", parameterName);
                if (_samples < 0) throw new ArgumentOutOfRangeException(parameterName, _samples, "The number of baselines to draw must be ≥ 0 (0 = all of them).");
                break;
        }

        for (int i = 0; i < _values.Length; i++)
        {
            if (!T.IsFinite(_values[i]))
                throw new ArgumentException($"The baseline holds {_values[i]} at index {i} (baseline {i / inputSize}, element {i % inputSize}); baselines must be finite.", parameterName);
        }
    }

    /// <summary>
    /// Baseline <paramref name="index"/> of the kind's own numbering: ignored for zero and shared, the input for
    /// per-input, the set member for sets. Zero yields an empty span.
    /// </summary>
    internal ReadOnlySpan<T> Row(int index, int inputSize) => _kind switch
    {
        BaselineKind.Zero => default,
        BaselineKind.Shared => _values,
        _ => _values.Slice(index * inputSize, inputSize),
    };
}

internal enum BaselineKind : byte
{
    Zero,
    Shared,
    PerInput,
    Set,
}
