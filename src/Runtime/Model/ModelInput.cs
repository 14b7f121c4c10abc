namespace Axon.Model;

/// <summary>
/// One input of a model with several (<c>Tensor Forward([InputShape(…)] Tensor image, [InputShape(…)] Tensor meta)</c>):
/// where its values lie in the model's packed input row. A model with several inputs takes them packed one after
/// another, in Forward's parameter order, into one row of <see cref="RowSize"/> values (the model's InputSize), and
/// every attribution of the input comes back in the same layout: this input's attributions are the same slice of each
/// result row. The generated <c>Model.Inputs.name</c> members are these descriptors; slicing allocates nothing.
/// </summary>
public sealed class ModelInput
{
    private readonly int[] _shape;

    /// <summary>Describes input <paramref name="index"/> (named <paramref name="name"/>) of the generated model <paramref name="model"/>.</summary>
    /// <param name="model">The generated model type.</param>
    /// <param name="index">The input's position among Forward's parameters.</param>
    /// <param name="name">The Forward parameter's name.</param>
    /// <param name="offset">Where its values start in the packed row.</param>
    /// <param name="shape">Its per-sample shape, channels first; every dimension positive.</param>
    /// <param name="rowSize">Values per packed row (the model's InputSize), at least offset + size.</param>
    /// <param name="isFixed">True for a [Fixed] input: neither interpolated nor attributed.</param>
    public ModelInput(Type model, int index, string name, int offset, int[] shape, int rowSize, bool isFixed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        long size = 1;
        foreach (int d in shape)
        {
            if (d < 1) throw new ArgumentException($"The shape [{string.Join(", ", shape)}] of input '{name}' has a dimension below 1.", nameof(shape));
            size *= d;
        }

        if (shape.Length == 0 || offset + size > rowSize)
            throw new ArgumentException($"Input '{name}' ([{string.Join(", ", shape)}] at offset {offset}) does not fit in a row of {rowSize} values.", nameof(rowSize));
        Model = model;
        Index = index;
        Name = name;
        Offset = offset;
        Size = (int)size;
        RowSize = rowSize;
        IsFixed = isFixed;
        _shape = [.. shape];
    }

    /// <summary>The generated model the input belongs to.</summary>
    public Type Model { get; }

    /// <summary>The input's position among Forward's parameters (0 = the first).</summary>
    public int Index { get; }

    /// <summary>The Forward parameter's name.</summary>
    public string Name { get; }

    /// <summary>Where the input's values start in each packed row.</summary>
    public int Offset { get; }

    /// <summary>Values of this input per sample.</summary>
    public int Size { get; }

    /// <summary>Values per packed row: the model's InputSize, the sum of every input's size.</summary>
    public int RowSize { get; }

    /// <summary>The per-sample shape, channels first.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>
    /// True for a [Fixed] input: along every attribution path it keeps the explained input's value (the baseline's
    /// values there are ignored), so its attribution is zero.
    /// </summary>
    public bool IsFixed { get; }

    /// <summary>This input's values in row <paramref name="row"/> of <paramref name="rows"/> (whole packed rows: inputs, baselines or attributions).</summary>
    public Span<T> Of<T>(Span<T> rows, int row = 0)
    {
        CheckRow(rows.Length, row, nameof(rows));
        return rows.Slice(row * RowSize + Offset, Size);
    }

    /// <summary>This input's values in row <paramref name="row"/> of <paramref name="rows"/> (whole packed rows: inputs, baselines or attributions).</summary>
    public ReadOnlySpan<T> Of<T>(ReadOnlySpan<T> rows, int row = 0)
    {
        CheckRow(rows.Length, row, nameof(rows));
        return rows.Slice(row * RowSize + Offset, Size);
    }

    /// <summary>Writes <paramref name="values"/> (<see cref="Size"/> of them) as this input of row <paramref name="row"/> of <paramref name="rows"/>.</summary>
    public void Pack<T>(ReadOnlySpan<T> values, Span<T> rows, int row = 0)
    {
        if (values.Length != Size) throw new ArgumentException($"Input '{Name}' takes {Size} values per sample; {values.Length} were given.", nameof(values));
        values.CopyTo(Of(rows, row));
    }

    /// <summary>"name [shape] @ offset", e.g. "meta [4] @ 784", with "(fixed)" for a fixed input.</summary>
    public override string ToString() => $"{Name} [{string.Join("×", _shape)}] @ {Offset}" + (IsFixed ? " (fixed)" : "");

    private void CheckRow(int length, int row, string parameterName)
    {
        if (length % RowSize != 0)
            throw new ArgumentException($"The span has {length} values, not a whole number of packed rows of {RowSize} (the model's InputSize).", parameterName);
        if ((uint)row >= (uint)(length / RowSize))
            throw new ArgumentOutOfRangeException(nameof(row), row, $"The span holds {length / RowSize} packed row(s).");
    }
}
