namespace Axon.Model;

/// <summary>
/// One input axis of a <see cref="ReceptiveField"/>: for a neuron at coordinate p (along the field's geometry axis of
/// the same position) its window along this input axis is
/// [max(<see cref="First"/>, ⌊(<see cref="Stride"/>·p + <see cref="Offset"/>) / <see cref="Divisor"/>⌋), min(<see cref="Limit"/>, ⌊(Stride·p + Offset + <see cref="Extent"/>) / Divisor⌋)).
/// A stride of 0 means every neuron sees the same range (all channels after a convolution, the whole axis after a
/// dense layer or a global pooling). The divisor is 1 except after an op that reads fewer input positions than it
/// writes (a transposed convolution, an upsampling, a grouped convolution's channel groups), where positions of the
/// neuron share a source position.
/// </summary>
/// <param name="Stride">Input positions (times the divisor) per step of the neuron's coordinate.</param>
/// <param name="Offset">Where the window of coordinate 0 would start (times the divisor) before clipping (negative under padding).</param>
/// <param name="Extent">The window's length (times the divisor) before clipping.</param>
/// <param name="First">The lowest input position any neuron of the layer reads.</param>
/// <param name="Limit">One past the highest input position any neuron of the layer reads (below the axis length when
/// a pooling's floor drops the last positions).</param>
/// <param name="Divisor">What the window's numerators are divided by, rounding down; 1 (and 0, the default value's) means none.</param>
public readonly record struct FieldAxis(int Stride, int Offset, int Extent, int First, int Limit, int Divisor = 1)
{
    /// <summary>The first input position of the window of coordinate <paramref name="p"/>.</summary>
    public int Start(int p) => Math.Max(First, FloorDivide(Stride * p + Offset));

    /// <summary>One past the last input position of the window of coordinate <paramref name="p"/>.</summary>
    public int End(int p) => Math.Min(Limit, FloorDivide(Stride * p + Offset + Extent));

    private int FloorDivide(int numerator)
    {
        if (Divisor <= 1) return numerator;
        int quotient = Math.DivRem(numerator, Divisor, out int remainder);
        return remainder < 0 ? quotient - 1 : quotient; // rounds down, also below zero (a padded window's start)
    }
}

/// <summary>
/// Which input features a layer's neurons depend on, as the generator derived it at compile time from the network's
/// convolutions, poolings and element-wise nodes: a neuron's index is split into coordinates along
/// <see cref="Geometry"/> (row-major, one axis per input axis), and along each input axis a its window is
/// <see cref="Axes"/>[a] at the neuron's coordinate a. The window is a box that holds every input feature the neuron
/// reads (a strided field can leave gaps inside it, where the neuron's map is zero). After a dense layer, a softmax or
/// any node the generator does not analyse, every axis has stride 0 and covers the whole input.
/// </summary>
public sealed class ReceptiveField
{
    private readonly int[] _geometry;
    private readonly FieldAxis[] _axes;

    /// <summary>A field from its geometry and one window formula per input axis.</summary>
    /// <param name="geometry">How a neuron index splits into coordinates (row-major); as many axes as the input has.</param>
    /// <param name="axes">The window formula along each input axis.</param>
    /// <exception cref="ArgumentException">The two have different lengths, are empty, or a size is not positive.</exception>
    public ReceptiveField(int[] geometry, FieldAxis[] axes)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(axes);
        if (geometry.Length == 0 || geometry.Length != axes.Length)
            throw new ArgumentException($"A receptive field needs one geometry axis per input axis; {geometry.Length} and {axes.Length} were given.", nameof(axes));
        foreach (int g in geometry)
            if (g < 1) throw new ArgumentException($"Geometry sizes must be positive; [{string.Join(", ", geometry)}] was given.", nameof(geometry));
        _geometry = (int[])geometry.Clone();
        _axes = (FieldAxis[])axes.Clone();
    }

    /// <summary>How a neuron index splits into coordinates, one per input axis (row-major).</summary>
    public IReadOnlyList<int> Geometry => _geometry;

    /// <summary>The window formula along each input axis.</summary>
    public IReadOnlyList<FieldAxis> Axes => _axes;

    /// <summary>The field of a layer that reads every feature of an input of <paramref name="inputShape"/> (the dense fallback).</summary>
    public static ReceptiveField WholeInput(int layerSize, IReadOnlyList<int> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        var geometry = new int[inputShape.Count];
        var axes = new FieldAxis[inputShape.Count];
        for (int a = 0; a < axes.Length; a++)
        {
            geometry[a] = a == 0 ? layerSize : 1;
            axes[a] = new FieldAxis(0, 0, inputShape[a], 0, inputShape[a]);
        }

        return new ReceptiveField(geometry, axes);
    }

    /// <summary>
    /// The window of <paramref name="neuron"/>: per input axis its first position in <paramref name="start"/> and one
    /// past its last in <paramref name="end"/> (both as long as <see cref="Axes"/>).
    /// </summary>
    public void Window(int neuron, Span<int> start, Span<int> end)
    {
        int rest = neuron;
        for (int a = _geometry.Length - 1; a >= 0; a--)
        {
            int p = rest % _geometry[a];
            rest /= _geometry[a];
            start[a] = _axes[a].Start(p);
            end[a] = _axes[a].End(p);
        }
    }

    /// <summary>"geometry [..], axes (stride, offset, extent, first, limit)[ / divisor] …".</summary>
    public override string ToString() =>
        $"geometry [{string.Join("×", _geometry)}], axes {string.Join(", ", _axes.Select(a => a.Divisor <= 1 ? $"({a.Stride}, {a.Offset}, {a.Extent}, {a.First}, {a.Limit})" : $"({a.Stride}, {a.Offset}, {a.Extent}, {a.First}, {a.Limit}) / {a.Divisor}"))}";
}
