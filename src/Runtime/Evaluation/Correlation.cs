namespace Axon.Evaluation;

/// <summary>Correlation statistics for comparing attribution scores with ablation effects.</summary>
public static class Correlation
{
    /// <summary>
    /// Pearson's r of two equally long series, computed in double with centred sums; NaN when either series is
    /// constant (r is undefined there).
    /// </summary>
    public static double Pearson<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length != y.Length) throw new ArgumentException($"The series have {x.Length} and {y.Length} values; they must be equally long.", nameof(y));
        if (x.Length < 2) throw new ArgumentException("Pearson's r needs at least two pairs.", nameof(x));
        double meanX = 0, meanY = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double a = double.CreateChecked(x[i]), b = double.CreateChecked(y[i]);
            if (!double.IsFinite(a) || !double.IsFinite(b)) throw new ArgumentException($"Pair {i} is ({a}, {b}); values must be finite.", nameof(x));
            meanX += a;
            meanY += b;
        }

        meanX /= x.Length;
        meanY /= y.Length;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double a = double.CreateChecked(x[i]) - meanX, b = double.CreateChecked(y[i]) - meanY;
            sxy += a * b;
            sxx += a * a;
            syy += b * b;
        }

        if (sxx == 0 || syy == 0) return double.NaN;
        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1, 1);
    }
}
