using System.Globalization;

namespace Axon.Samples.Reporting;

/// <summary>
/// A height × width grid of finite values, stored row by row: an input image (grey levels, normally in [0, 1])
/// or a signed attribution map. The values are copied, so a heatmap never changes after construction.
/// </summary>
public sealed class Heatmap
{
    private readonly float[] _values;

    /// <summary>Copies <paramref name="values"/> (row-major, <paramref name="height"/> × <paramref name="width"/> of them).</summary>
    /// <param name="height">Number of rows; positive.</param>
    /// <param name="width">Number of columns; positive.</param>
    /// <param name="values">The values, row by row; all finite.</param>
    /// <param name="name">What the map shows (for example "IG of test image #17"); used in error messages and alt text.</param>
    /// <exception cref="ArgumentException">The count of values is not height × width, or a value is NaN or infinite.</exception>
    public Heatmap(int height, int width, ReadOnlySpan<float> values, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        string display = name ?? string.Create(CultureInfo.InvariantCulture, $"heatmap {height}×{width}");
        long expected = (long)height * width;
        if (values.Length != expected)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Map '{display}' is {height}×{width} and needs {expected} values; {values.Length} were given."),
                nameof(values));
        }

        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!float.IsFinite(v))
            {
                string what = float.IsNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity";
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Map '{display}' holds {what} at row {i / width}, column {i % width}; every value must be finite."),
                    nameof(values));
            }

            if (v < min) min = v;
            if (v > max) max = v;
        }

        _values = values.ToArray();
        Height = height;
        Width = width;
        Name = name;
        Min = min;
        Max = max;
    }

    /// <summary>Number of rows.</summary>
    public int Height { get; }

    /// <summary>Number of columns.</summary>
    public int Width { get; }

    /// <summary>What the map shows, if it was named.</summary>
    public string? Name { get; }

    /// <summary>The values, row by row.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The smallest value.</summary>
    public float Min { get; }

    /// <summary>The largest value.</summary>
    public float Max { get; }

    /// <summary>The largest magnitude, max(|Min|, |Max|): the half-range of a symmetric colour scale.</summary>
    public float MaxAbs => Math.Max(Math.Abs(Min), Math.Abs(Max));

    /// <summary>The value at <paramref name="row"/>, <paramref name="column"/>.</summary>
    public float this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Height);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Width);
            return _values[row * Width + column];
        }
    }
}
