namespace Axon.Attribution;

/// <summary>
/// A baseline that can be stored — in a field, a list, a lambda — unlike the span-based <see cref="Baseline{T}"/>, which it
/// converts to implicitly wherever a method takes one (no copy: the values stay in the memory given). Build a pipeline's
/// baselines once from these; the span factories remain for zero-allocation calls on stack data.
/// </summary>
public sealed class StoredBaseline<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly BaselineKind _kind;
    private readonly ReadOnlyMemory<T> _values;
    private readonly int _samples;
    private readonly int _seed;

    private StoredBaseline(BaselineKind kind, ReadOnlyMemory<T> values, int samples, int seed)
    {
        _kind = kind;
        _values = values;
        _samples = samples;
        _seed = seed;
    }

    /// <summary>x′ = 0 for every input.</summary>
    public static StoredBaseline<T> Zero { get; } = new(BaselineKind.Zero, default, 0, 0);

    /// <summary>One baseline (InputSize values) shared by every input.</summary>
    public static StoredBaseline<T> Shared(ReadOnlyMemory<T> baseline) => new(BaselineKind.Shared, baseline, 0, 0);

    /// <summary>
    /// The same value in every element (e.g. 0.5 for mid-grey), as a shared baseline of <paramref name="inputSize"/> values;
    /// the values are made once, here.
    /// </summary>
    public static StoredBaseline<T> Constant(T value, int inputSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        if (!T.IsFinite(value)) throw new ArgumentException($"The constant baseline is {value}; baselines must be finite.", nameof(value));
        var values = new T[inputSize];
        Array.Fill(values, value);
        return Shared(values);
    }

    /// <summary>One baseline per input (inputs × InputSize values).</summary>
    public static StoredBaseline<T> PerInput(ReadOnlyMemory<T> baselines) => new(BaselineKind.PerInput, baselines, 0, 0);

    /// <summary>A distribution of baselines (set size × InputSize values), all of them or <paramref name="samples"/> seeded draws per input.</summary>
    public static StoredBaseline<T> Distribution(ReadOnlyMemory<T> set, int samples = 0, int seed = 0) => new(BaselineKind.Set, set, samples, seed);

    /// <summary>The values (empty for zero).</summary>
    public ReadOnlyMemory<T> Values => _values;

    /// <summary>The span form, for the attribution methods.</summary>
    public Baseline<T> AsBaseline() => _kind switch
    {
        BaselineKind.Zero => Baseline<T>.Zero,
        BaselineKind.Shared => Baseline<T>.Shared(_values.Span),
        BaselineKind.PerInput => Baseline<T>.PerInput(_values.Span),
        _ => Baseline<T>.Distribution(_values.Span, _samples, _seed),
    };

    /// <summary>The span form, so a stored baseline passes wherever a <see cref="Baseline{T}"/> is taken.</summary>
    public static implicit operator Baseline<T>(StoredBaseline<T> baseline) => (baseline ?? throw new ArgumentNullException(nameof(baseline))).AsBaseline();
}

/// <summary>
/// A target that can be stored, unlike the span-based <see cref="AttributionTarget{T}"/>, which it converts to implicitly
/// (no copy).
/// </summary>
public sealed class StoredTarget<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int _class;
    private readonly ReadOnlyMemory<int> _classes;
    private readonly ReadOnlyMemory<T> _weights;
    private readonly byte _kind; // 0 class, 1 classes, 2 weights

    private StoredTarget(byte kind, int classIndex, ReadOnlyMemory<int> classes, ReadOnlyMemory<T> weights)
    {
        _kind = kind;
        _class = classIndex;
        _classes = classes;
        _weights = weights;
    }

    /// <summary>The same output class for every input.</summary>
    public static StoredTarget<T> Class(int index) => new(0, index, default, default);

    /// <summary>One class per input.</summary>
    public static StoredTarget<T> Classes(ReadOnlyMemory<int> perInput) => new(1, 0, perInput, default);

    /// <summary>An output weighting (OutputSize values shared, or inputs × OutputSize).</summary>
    public static StoredTarget<T> Weights(ReadOnlyMemory<T> weights) => new(2, 0, default, weights);

    /// <summary>The span form, for the attribution methods.</summary>
    public AttributionTarget<T> AsTarget() => _kind switch
    {
        0 => AttributionTarget<T>.Class(_class),
        1 => AttributionTarget<T>.Classes(_classes.Span),
        _ => AttributionTarget<T>.Weights(_weights.Span),
    };

    /// <summary>The span form, so a stored target passes wherever an <see cref="AttributionTarget{T}"/> is taken.</summary>
    public static implicit operator AttributionTarget<T>(StoredTarget<T> target) => (target ?? throw new ArgumentNullException(nameof(target))).AsTarget();
}
