using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// Layer normalisation over rows of <c>width</c> consecutive values (PyTorch <c>nn.LayerNorm</c> over the trailing
/// dimensions): y = (x − μ) / √(σ² + ε) · γ + β with the row's mean μ and biased variance σ². <c>rows</c> counts
/// every row of the batch (batch × rows per sample). An empty γ or β means the layer has none.
/// </summary>
public static class LayerNormKernel
{
    /// <summary>Overwrites y (which may be x itself).</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, T epsilon, Span<T> y, int rows, int width)
        where T : unmanaged, IFloatingPointIeee754<T> => RowNorm.Forward(x, gamma, beta, epsilon, y, rows, width, center: true);

    /// <summary>
    /// dx += r(g − mean g − x̂·mean(g x̂)) with g = dy ⊙ γ, r = 1/√(σ² + ε), x̂ = (x − μ)r; dγ += Σ dy ⊙ x̂; dβ += Σ dy.
    /// Empty dx, dγ or dβ are skipped.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, T epsilon, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dGamma, Span<T> dBeta, int rows, int width)
        where T : unmanaged, IFloatingPointIeee754<T> => RowNorm.Backward(x, gamma, epsilon, dy, dx, dGamma, dBeta, rows, width, center: true);

    /// <summary>ty = γ ⊙ r(tx − mean tx − x̂·mean(tx x̂)). Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, T epsilon, ReadOnlySpan<T> tx, Span<T> ty, int rows, int width)
        where T : unmanaged, IFloatingPointIeee754<T> => RowNorm.Tangent(x, gamma, epsilon, tx, ty, rows, width, center: true);
}

/// <summary>
/// Root-mean-square normalisation over rows of <c>width</c> consecutive values (PyTorch <c>nn.RMSNorm</c>):
/// y = x / √(mean x² + ε) · γ. An empty γ means the layer has none.
/// </summary>
public static class RmsNormKernel
{
    /// <summary>Overwrites y (which may be x itself).</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, T epsilon, Span<T> y, int rows, int width)
        where T : unmanaged, IFloatingPointIeee754<T> => RowNorm.Forward(x, gamma, default, epsilon, y, rows, width, center: false);

    /// <summary>dx += r(g − x̂·mean(g x̂)) with g = dy ⊙ γ, r = 1/√(mean x² + ε), x̂ = x r; dγ += Σ dy ⊙ x̂. Empty dx or dγ are skipped.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, T epsilon, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dGamma, int rows, int width)
        where T : unmanaged, IFloatingPointIeee754<T> => RowNorm.Backward(x, gamma, epsilon, dy, dx, dGamma, default, rows, width, center: false);

    /// <summary>ty = γ ⊙ r(tx − x̂·mean(tx x̂)). Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, T epsilon, ReadOnlySpan<T> tx, Span<T> ty, int rows, int width)
        where T : unmanaged, IFloatingPointIeee754<T> => RowNorm.Tangent(x, gamma, epsilon, tx, ty, rows, width, center: false);
}

/// <summary>
/// The shared core of both normalisations: with <c>center</c> the row's mean is subtracted first (LayerNorm),
/// without it μ = 0 (RMSNorm). The normalised row x̂ is recomputed from x in the backward and tangent passes
/// (two reductions per row) instead of being stored.
/// </summary>
internal static class RowNorm
{
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, T epsilon, Span<T> y, int rows, int width, bool center)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(x.Length, y.Length, rows, width, nameof(x), nameof(y));
        KernelGuard.OptionalLength(gamma.Length, width, nameof(gamma));
        KernelGuard.OptionalLength(beta.Length, width, nameof(beta));
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<T> xr = x.Slice(row * width, width);
            Span<T> yr = y.Slice(row * width, width);
            var (mean, r) = Statistics(xr, epsilon, center);
            TensorPrimitives.Subtract(xr, mean, yr);
            TensorPrimitives.Multiply(yr, r, yr);
            if (!gamma.IsEmpty) TensorPrimitives.Multiply(yr, gamma, yr);
            if (!beta.IsEmpty) TensorPrimitives.Add(yr, beta, yr);
        }
    }

    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, T epsilon, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dGamma, Span<T> dBeta, int rows, int width, bool center)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(x.Length, dy.Length, rows, width, nameof(x), nameof(dy));
        KernelGuard.OptionalLength(gamma.Length, width, nameof(gamma));
        KernelGuard.OptionalLength(dx.Length, x.Length, nameof(dx));
        KernelGuard.OptionalLength(dGamma.Length, width, nameof(dGamma));
        KernelGuard.OptionalLength(dBeta.Length, width, nameof(dBeta));
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<T> xr = x.Slice(row * width, width), g = dy.Slice(row * width, width);
            var (mean, r) = Statistics(xr, epsilon, center);
            if (!dBeta.IsEmpty) TensorPrimitives.Add(dBeta, g, dBeta);
            if (!dGamma.IsEmpty)
            {
                for (int i = 0; i < width; i++) dGamma[i] += g[i] * (xr[i] - mean) * r;
            }

            if (!dx.IsEmpty) ApplyJacobian(xr, gamma, mean, r, g, dx.Slice(row * width, width), accumulate: true, center);
        }
    }

    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, T epsilon, ReadOnlySpan<T> tx, Span<T> ty, int rows, int width, bool center)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(x.Length, tx.Length, rows, width, nameof(x), nameof(tx));
        KernelGuard.Length(ty.Length, x.Length, nameof(ty));
        KernelGuard.OptionalLength(gamma.Length, width, nameof(gamma));
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<T> xr = x.Slice(row * width, width);
            var (mean, r) = Statistics(xr, epsilon, center);
            ApplyJacobian(xr, gamma, mean, r, tx.Slice(row * width, width), ty.Slice(row * width, width), accumulate: false, center);
        }
    }

    /// <summary>The row's mean (0 without centring) and r = 1/√(mean (x − μ)² + ε).</summary>
    private static (T Mean, T R) Statistics<T>(ReadOnlySpan<T> row, T epsilon, bool center) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T n = T.CreateTruncating(row.Length);
        T mean = center ? TensorPrimitives.Sum(row) / n : T.Zero;
        T squares = T.Zero;
        for (int i = 0; i < row.Length; i++)
        {
            T d = row[i] - mean;
            squares += d * d;
        }

        return (mean, T.One / T.Sqrt(squares / n + epsilon));
    }

    /// <summary>
    /// The normalisation's Jacobian (symmetric in x̂, so backward and tangent share it) applied to v:
    /// out (+)= r(u − mean u − x̂·mean(u x̂)) with u = v for the tangent, scaled by γ afterwards, and u = γ ⊙ v for
    /// the backward (the centring term only with <paramref name="center"/>).
    /// </summary>
    private static void ApplyJacobian<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, T mean, T r, ReadOnlySpan<T> v, Span<T> output, bool accumulate, bool center)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = x.Length;
        T n = T.CreateTruncating(width);
        bool gammaFirst = accumulate && !gamma.IsEmpty;
        T sum = T.Zero, projection = T.Zero;
        for (int i = 0; i < width; i++)
        {
            T u = gammaFirst ? v[i] * gamma[i] : v[i];
            sum += u;
            projection += u * (x[i] - mean) * r;
        }

        T meanU = center ? sum / n : T.Zero;
        T meanProjection = projection / n;
        for (int i = 0; i < width; i++)
        {
            T u = gammaFirst ? v[i] * gamma[i] : v[i];
            T value = r * (u - meanU - (x[i] - mean) * r * meanProjection);
            if (accumulate) output[i] += value;
            else output[i] = gamma.IsEmpty ? value : value * gamma[i];
        }
    }

    private static void Validate(int inputLength, int otherLength, int rows, int width, string inputName, string otherName)
    {
        KernelGuard.Positive(rows, nameof(rows));
        KernelGuard.Positive(width, nameof(width));
        KernelGuard.Length(inputLength, (long)rows * width, inputName);
        KernelGuard.Length(otherLength, (long)rows * width, otherName);
    }
}
