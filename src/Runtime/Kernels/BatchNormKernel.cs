using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// Batch normalisation in inference form over [C, spatial] samples:
/// y = (x − mean[c]) / √(var[c] + ε) · γ[c] + β[c], with the running mean and variance as constants.
/// </summary>
public static class BatchNormKernel
{
    /// <summary>Overwrites y.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, T epsilon, Span<T> y, int batch, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(x.Length, y.Length, batch, channels, spatial, nameof(x), nameof(y));
        KernelGuard.Length(gamma.Length, channels, nameof(gamma));
        KernelGuard.Length(beta.Length, channels, nameof(beta));
        KernelGuard.Length(mean.Length, channels, nameof(mean));
        KernelGuard.Length(variance.Length, channels, nameof(variance));
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                int at = (b * channels + c) * spatial;
                T scale = Scale(gamma, variance, epsilon, c);
                Span<T> row = y.Slice(at, spatial);
                TensorPrimitives.Multiply(x.Slice(at, spatial), scale, row);
                TensorPrimitives.Add(row, beta[c] - mean[c] * scale, row);
            }
        }
    }

    /// <summary>
    /// dx += dy·γ/√(var + ε); dGamma += Σ dy·(x − mean)/√(var + ε); dBeta += Σ dy. Empty spans are skipped.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> gamma, ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, T epsilon, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dGamma, Span<T> dBeta, int batch, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(x.Length, dy.Length, batch, channels, spatial, nameof(x), nameof(dy));
        KernelGuard.Length(gamma.Length, channels, nameof(gamma));
        KernelGuard.Length(mean.Length, channels, nameof(mean));
        KernelGuard.Length(variance.Length, channels, nameof(variance));
        KernelGuard.OptionalLength(dx.Length, x.Length, nameof(dx));
        KernelGuard.OptionalLength(dGamma.Length, channels, nameof(dGamma));
        KernelGuard.OptionalLength(dBeta.Length, channels, nameof(dBeta));
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                int at = (b * channels + c) * spatial;
                ReadOnlySpan<T> g = dy.Slice(at, spatial);
                if (!dx.IsEmpty)
                {
                    Span<T> target = dx.Slice(at, spatial);
                    TensorPrimitives.MultiplyAdd(g, Scale(gamma, variance, epsilon, c), target, target);
                }

                if (!dGamma.IsEmpty || !dBeta.IsEmpty)
                {
                    T sum = TensorPrimitives.Sum(g);
                    if (!dBeta.IsEmpty) dBeta[c] += sum;
                    if (!dGamma.IsEmpty)
                        dGamma[c] += (TensorPrimitives.Dot(g, x.Slice(at, spatial)) - mean[c] * sum) / T.Sqrt(variance[c] + epsilon);
                }
            }
        }
    }

    /// <summary>ty = tx·γ/√(var + ε). Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, ReadOnlySpan<T> gamma, ReadOnlySpan<T> variance, T epsilon, Span<T> ty, int batch, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(tx.Length, ty.Length, batch, channels, spatial, nameof(tx), nameof(ty));
        KernelGuard.Length(gamma.Length, channels, nameof(gamma));
        KernelGuard.Length(variance.Length, channels, nameof(variance));
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                int at = (b * channels + c) * spatial;
                TensorPrimitives.Multiply(tx.Slice(at, spatial), Scale(gamma, variance, epsilon, c), ty.Slice(at, spatial));
            }
        }
    }

    private static T Scale<T>(ReadOnlySpan<T> gamma, ReadOnlySpan<T> variance, T epsilon, int c)
        where T : unmanaged, IFloatingPointIeee754<T> => gamma[c] / T.Sqrt(variance[c] + epsilon);

    private static void Validate(int inputLength, int outputLength, int batch, int channels, int spatial, string inputName, string outputName)
    {
        KernelGuard.Positive(batch, nameof(batch));
        KernelGuard.Positive(channels, nameof(channels));
        KernelGuard.Positive(spatial, nameof(spatial));
        KernelGuard.Length(inputLength, (long)batch * channels * spatial, inputName);
        KernelGuard.Length(outputLength, (long)batch * channels * spatial, outputName);
    }
}
