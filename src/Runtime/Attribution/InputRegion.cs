namespace Axon.Attribution;

/// <summary>
/// A region S of the input for patch Integrated Gradients: a rectangle over the last two axes (every channel of a
/// [C, H, W] input, so channel-agnostic), a range of flat indices, or an explicit mask of InputSize flags.
/// </summary>
public readonly struct InputRegion
{
    private readonly bool[]? _mask;
    private readonly int _top, _left, _height, _width;
    private readonly RegionKind _kind;

    private InputRegion(RegionKind kind, bool[]? mask, int top, int left, int height, int width)
    {
        _kind = kind;
        _mask = mask;
        _top = top;
        _left = left;
        _height = height;
        _width = width;
    }

    /// <summary>Rows top..top+height−1 and columns left..left+width−1 of every channel; the input needs rank ≥ 2.</summary>
    public static InputRegion Rectangle(int top, int left, int height, int width) => new(RegionKind.Rectangle, null, top, left, height, width);

    /// <summary>Flat input indices start..start+length−1.</summary>
    public static InputRegion Range(int start, int length) => new(RegionKind.Range, null, start, 0, length, 0);

    /// <summary>The input elements whose flag is true (InputSize flags).</summary>
    public static InputRegion FromMask(bool[] mask) => new(RegionKind.Mask, mask ?? throw new ArgumentNullException(nameof(mask)), 0, 0, 0, 0);

    /// <summary>What the region covers, e.g. <c>rows 0..6, columns 7..13</c>, <c>indices 0..99</c> or <c>mask</c>.</summary>
    public override string ToString() => _kind switch
    {
        RegionKind.Rectangle => $"rows {_top}..{_top + _height - 1}, columns {_left}..{_left + _width - 1}",
        RegionKind.Range => $"indices {_top}..{_top + _height - 1}",
        RegionKind.Mask => "mask",
        _ => "empty",
    };

    internal void Validate(IReadOnlyList<int> inputShape, int inputSize, int index, string parameterName)
    {
        switch (_kind)
        {
            case RegionKind.None:
                throw new ArgumentException($"Region {index} is empty (default): use Rectangle, Range or FromMask.", parameterName);
            case RegionKind.Mask:
                if (_mask!.Length != inputSize) throw new ArgumentException($"The mask of region {index} has {_mask.Length} flags; the input has {inputSize} elements.", parameterName);
                break;
            case RegionKind.Range:
                if (_top < 0 || _height < 1 || (long)_top + _height > inputSize)
                    throw new ArgumentOutOfRangeException(parameterName, $"Region {index} ({this}) is not inside the input's {inputSize} elements.");
                break;
            case RegionKind.Rectangle:
                if (inputShape.Count < 2)
                    throw new ArgumentException($"Region {index} is a rectangle, but the input shape [{string.Join("×", inputShape)}] has fewer than two axes; use Range.", parameterName);
                int h = inputShape[^2], w = inputShape[^1];
                if (_top < 0 || _left < 0 || _height < 1 || _width < 1 || (long)_top + _height > h || (long)_left + _width > w)
                    throw new ArgumentOutOfRangeException(parameterName, $"Region {index} ({this}) does not fit in the input's {h}×{w} plane.");
                break;
        }
    }

    /// <summary>Writes the 0/1 indicator of the region over the flat input.</summary>
    internal void Fill<T>(Span<T> indicator, IReadOnlyList<int> inputShape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        indicator.Clear();
        switch (_kind)
        {
            case RegionKind.Mask:
                for (int i = 0; i < indicator.Length; i++) if (_mask![i]) indicator[i] = T.One;
                break;
            case RegionKind.Range:
                indicator.Slice(_top, _height).Fill(T.One);
                break;
            case RegionKind.Rectangle:
                int h = inputShape[^2], w = inputShape[^1], planes = indicator.Length / (h * w);
                for (int c = 0; c < planes; c++)
                {
                    for (int y = _top; y < _top + _height; y++) indicator.Slice(c * h * w + y * w + _left, _width).Fill(T.One);
                }

                break;
        }
    }

    private enum RegionKind : byte
    {
        None,
        Rectangle,
        Range,
        Mask,
    }
}
