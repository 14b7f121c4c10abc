namespace Axon.Attribution;

/// <summary>
/// What F is: the model output an attribution explains. Either one class index (shared by every input or one
/// per input) — F is that output — or a weighting of the outputs (OutputSize weights shared by every input, or
/// one row per input) — F is the weighted sum of the outputs.
/// </summary>
public readonly ref struct AttributionTarget<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<int> _classes;
    private readonly ReadOnlySpan<T> _weights;
    private readonly int _class;
    private readonly TargetKind _kind;

    private AttributionTarget(TargetKind kind, int classIndex, ReadOnlySpan<int> classes, ReadOnlySpan<T> weights)
    {
        _kind = kind;
        _class = classIndex;
        _classes = classes;
        _weights = weights;
    }

    /// <summary>The same output index for every input.</summary>
    public static AttributionTarget<T> Class(int index) => new(TargetKind.SharedClass, index, default, default);

    /// <summary>One output index per input.</summary>
    public static AttributionTarget<T> Classes(ReadOnlySpan<int> perInput) => new(TargetKind.PerInputClass, 0, perInput, default);

    /// <summary>
    /// F = Σ_o weights[o]·output[o]: OutputSize weights shared by every input, or inputs × OutputSize (one row per input).
    /// </summary>
    public static AttributionTarget<T> Weights(ReadOnlySpan<T> weights) => new(TargetKind.Weights, 0, default, weights);

    /// <summary>One output (class) index for every input, as <see cref="Class"/>: lets a call take <c>target: 3</c>.</summary>
    public static implicit operator AttributionTarget<T>(int index) => Class(index);

    /// <summary>One output index per input (as many as inputs), as <see cref="Classes"/>; the array is referenced, not copied.</summary>
    public static implicit operator AttributionTarget<T>(int[] perInput) => Classes(perInput);

    /// <summary>One output index per input (as many as inputs), as <see cref="Classes"/>.</summary>
    public static implicit operator AttributionTarget<T>(ReadOnlySpan<int> perInput) => Classes(perInput);

    internal bool IsDefault => _kind == TargetKind.None;

    /// <summary>The target of inputs first..first+count−1 (per-input classes or weights sliced; shared ones as they are).</summary>
    internal AttributionTarget<T> Slice(int first, int count, int outputSize) => _kind switch
    {
        TargetKind.PerInputClass => new(_kind, 0, _classes.Slice(first, count), default),
        TargetKind.Weights when _weights.Length != outputSize => new(_kind, 0, default, _weights.Slice(first * outputSize, count * outputSize)),
        _ => this,
    };

    /// <summary>Throws unless this target fits <paramref name="count"/> inputs of a model with <paramref name="outputSize"/> outputs.</summary>
    internal void Validate(int count, int outputSize, string parameterName)
    {
        switch (_kind)
        {
            case TargetKind.None:
                throw new ArgumentException("No target was given: pass a class index, one index per input, or output weights.", parameterName);
            case TargetKind.SharedClass:
                CheckClass(_class, outputSize, -1, parameterName);
                break;
            case TargetKind.PerInputClass:
                if (_classes.Length != count)
                    throw new ArgumentException($"The target has {_classes.Length} class indices; there are {count} inputs.", parameterName);
                for (int b = 0; b < count; b++) CheckClass(_classes[b], outputSize, b, parameterName);
                break;
            case TargetKind.Weights:
                if (_weights.Length != outputSize && _weights.Length != (long)count * outputSize)
                {
                    throw new ArgumentException(
                        $"The target weights have {_weights.Length} values; expected {outputSize} (shared) or {(long)count * outputSize} ({count} inputs × {outputSize} outputs).", parameterName);
                }

                for (int i = 0; i < _weights.Length; i++)
                {
                    if (!T.IsFinite(_weights[i])) throw new ArgumentException($"Target weight {i} is {_weights[i]}; weights must be finite.", parameterName);
                }

                break;
        }
    }

    private static void CheckClass(int index, int outputSize, int input, string parameterName)
    {
        if ((uint)index >= (uint)outputSize)
        {
            string which = input < 0 ? "The target class" : $"The target class of input {input}";
            throw new ArgumentOutOfRangeException(parameterName, index, $"{which} is {index}; the model has outputs 0..{outputSize - 1}.");
        }
    }

    /// <summary>Writes input <paramref name="input"/>'s output weighting times <paramref name="scale"/> into <paramref name="row"/>.</summary>
    internal void WriteSeed(int input, T scale, Span<T> row)
    {
        switch (_kind)
        {
            case TargetKind.SharedClass:
                row.Clear();
                row[_class] = scale;
                break;
            case TargetKind.PerInputClass:
                row.Clear();
                row[_classes[input]] = scale;
                break;
            default:
                var w = _weights.Length == row.Length ? _weights : _weights.Slice(input * row.Length, row.Length);
                System.Numerics.Tensors.TensorPrimitives.Multiply(w, scale, row);
                break;
        }
    }

    /// <summary>F for input <paramref name="input"/> given its output row.</summary>
    internal T Evaluate(int input, ReadOnlySpan<T> outputRow) => _kind switch
    {
        TargetKind.SharedClass => outputRow[_class],
        TargetKind.PerInputClass => outputRow[_classes[input]],
        _ => System.Numerics.Tensors.TensorPrimitives.Dot(_weights.Length == outputRow.Length ? _weights : _weights.Slice(input * outputRow.Length, outputRow.Length), outputRow),
    };

    private enum TargetKind : byte
    {
        None,
        SharedClass,
        PerInputClass,
        Weights,
    }
}
