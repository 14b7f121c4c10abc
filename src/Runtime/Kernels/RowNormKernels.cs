using System.Buffers;
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
/// <remarks>
/// Rows are independent, so the forward, the tangent and the input gradient run on the <see cref="ComputePool"/> in
/// pieces of rows, each row as a few vector sweeps over a row-long buffer (on the stack, or rented past
/// <see cref="StackWidth"/>); the results are the same bits whatever the split. The γ and β gradients are sums over
/// rows: one pass on the calling thread adds the rows in order.
/// </remarks>
internal static unsafe class RowNorm
{
    /// <summary>Rows per piece of parallel work: 32 rows of 128 are 16 KB of input, enough to outweigh a hand-off.</summary>
    private const int RowsPerPiece = 32;

    /// <summary>Widest row whose two buffers go on the stack (2 × 512 doubles = 8 KB).</summary>
    private const int StackWidth = 512;

    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, T epsilon, Span<T> y, int rows, int width, bool center)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(x.Length, y.Length, rows, width, nameof(x), nameof(y));
        KernelGuard.OptionalLength(gamma.Length, width, nameof(gamma));
        KernelGuard.OptionalLength(beta.Length, width, nameof(beta));
        fixed (T* px = x, pg = gamma, pb = beta, py = y)
        {
            var work = new Rows<T>(Pass.Forward, width, epsilon, center) { X = px, Gamma = pg, HasGamma = !gamma.IsEmpty, Beta = pb, HasBeta = !beta.IsEmpty, Output = py };
            ComputePool.ForRanges(rows, RowsPerPiece, ref work);
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
        if (!dx.IsEmpty)
        {
            fixed (T* px = x, pg = gamma, pdy = dy, pdx = dx)
            {
                var work = new Rows<T>(Pass.Backward, width, epsilon, center) { X = px, Gamma = pg, HasGamma = !gamma.IsEmpty, Vector = pdy, Output = pdx };
                ComputePool.ForRanges(rows, RowsPerPiece, ref work);
            }
        }

        if (dGamma.IsEmpty && dBeta.IsEmpty) return;
        T[]? rented = width > StackWidth ? ArrayPool<T>.Shared.Rent(width) : null;
        Span<T> normalised = rented is null ? stackalloc T[width] : rented.AsSpan(0, width);
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<T> g = dy.Slice(row * width, width);
            if (!dBeta.IsEmpty) TensorPrimitives.Add(dBeta, g, dBeta);
            if (!dGamma.IsEmpty)
            {
                Normalise(x.Slice(row * width, width), epsilon, center, normalised);
                TensorPrimitives.MultiplyAdd(g, normalised, dGamma, dGamma);
            }
        }

        if (rented is not null) ArrayPool<T>.Shared.Return(rented);
    }

    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, T epsilon, ReadOnlySpan<T> tx, Span<T> ty, int rows, int width, bool center)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(x.Length, tx.Length, rows, width, nameof(x), nameof(tx));
        KernelGuard.Length(ty.Length, x.Length, nameof(ty));
        KernelGuard.OptionalLength(gamma.Length, width, nameof(gamma));
        fixed (T* px = x, pg = gamma, ptx = tx, pty = ty)
        {
            var work = new Rows<T>(Pass.Tangent, width, epsilon, center) { X = px, Gamma = pg, HasGamma = !gamma.IsEmpty, Vector = ptx, Output = pty };
            ComputePool.ForRanges(rows, RowsPerPiece, ref work);
        }
    }

    /// <summary>
    /// x̂ = (x − μ)·r into <paramref name="normalised"/>, and r = 1/√(mean (x − μ)² + ε) (μ = 0 without centring).
    /// </summary>
    private static T Normalise<T>(ReadOnlySpan<T> row, T epsilon, bool center, Span<T> normalised) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T n = T.CreateTruncating(row.Length);
        T mean = center ? TensorPrimitives.Sum(row) / n : T.Zero;
        TensorPrimitives.Subtract(row, mean, normalised);
        T r = T.One / T.Sqrt(TensorPrimitives.SumOfSquares<T>(normalised) / n + epsilon);
        TensorPrimitives.Multiply(normalised, r, normalised);
        return r;
    }

    /// <summary>Which pass a piece of rows runs.</summary>
    private enum Pass
    {
        /// <summary>Output = x̂ ⊙ γ + β.</summary>
        Forward,

        /// <summary>Output += the input gradient from Vector = dy.</summary>
        Backward,

        /// <summary>Output = the tangent along Vector = tx.</summary>
        Tangent,
    }

    /// <summary>A piece of rows of one pass; the spans are held as pointers (the caller has them fixed).</summary>
    private struct Rows<T>(Pass pass, int width, T epsilon, bool center) : IRangeWork where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* X, Gamma, Beta, Vector, Output;
        public bool HasGamma, HasBeta;

        public readonly void Run(int start, int count)
        {
            T[]? rented = width > StackWidth ? ArrayPool<T>.Shared.Rent(2 * width) : null;
            Span<T> buffers = rented is null ? stackalloc T[2 * width] : rented.AsSpan(0, 2 * width);
            Span<T> normalised = buffers[..width], u = buffers[width..];
            var gamma = new ReadOnlySpan<T>(Gamma, HasGamma ? width : 0);
            for (int row = start; row < start + count; row++)
            {
                long offset = (long)row * width;
                var x = new ReadOnlySpan<T>(X + offset, width);
                var output = new Span<T>(Output + offset, width);
                T r = Normalise(x, epsilon, center, normalised);
                if (pass == Pass.Forward)
                {
                    if (HasGamma) TensorPrimitives.Multiply(normalised, gamma, output);
                    else normalised.CopyTo(output);
                    if (HasBeta) TensorPrimitives.Add(output, new ReadOnlySpan<T>(Beta, width), output);
                    continue;
                }

                // The Jacobian (symmetric in x̂): r(u − mean u − x̂·mean(u x̂)), with u = γ ⊙ dy for the gradient and
                // u = tx for the tangent (scaled by γ afterwards); the mean of u only with centring.
                var v = new ReadOnlySpan<T>(Vector + offset, width);
                bool backward = pass == Pass.Backward;
                if (backward && HasGamma) TensorPrimitives.Multiply(v, gamma, u);
                else v.CopyTo(u);
                T n = T.CreateTruncating(width);
                T meanU = center ? TensorPrimitives.Sum<T>(u) / n : T.Zero;
                T meanProjection = TensorPrimitives.Dot<T>(u, normalised) / n;
                TensorPrimitives.Subtract(u, meanU, u);
                TensorPrimitives.MultiplyAdd(normalised, -meanProjection, u, u);
                if (backward)
                {
                    TensorPrimitives.MultiplyAdd(u, r, output, output);
                }
                else
                {
                    TensorPrimitives.Multiply(u, r, output);
                    if (HasGamma) TensorPrimitives.Multiply(output, gamma, output);
                }
            }

            if (rented is not null) ArrayPool<T>.Shared.Return(rented);
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
