using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>Fully connected layer: y = x·Wᵀ + b with the weight stored [out, in] (PyTorch layout).</summary>
public static class DenseKernel
{
    /// <summary>y[batch × out] = x[batch × in]·Wᵀ + bias (an empty <paramref name="bias"/> means none). Overwrites y.</summary>
    public static unsafe void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y, int batch, int inFeatures, int outFeatures)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(x.Length, weight.Length, y.Length, batch, inFeatures, outFeatures, nameof(x), nameof(y));
        KernelGuard.OptionalLength(bias.Length, outFeatures, nameof(bias));
        KernelGuard.NoOverlap(x, y, nameof(x), nameof(y));
        if (!bias.IsEmpty)
        {
            for (int b = 0; b < batch; b++) bias.CopyTo(y.Slice(b * outFeatures, outFeatures));
        }

        fixed (T* px = x)
        fixed (T* pw = weight)
        fixed (T* py = y)
        {
            GemmCore<T>.Multiply(false, true, batch, outFeatures, inFeatures, px, pw, py, outFeatures, accumulate: !bias.IsEmpty, parallel: true);
        }
    }

    /// <summary>
    /// Accumulates dx += dy·W, dWeight += dyᵀ·x and dBias += Σ_batch dy. An empty gradient span is skipped.
    /// </summary>
    public static unsafe void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeight, Span<T> dBias, int batch, int inFeatures, int outFeatures)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(x.Length, weight.Length, dy.Length, batch, inFeatures, outFeatures, nameof(x), nameof(dy));
        KernelGuard.OptionalLength(dx.Length, (long)batch * inFeatures, nameof(dx));
        KernelGuard.OptionalLength(dWeight.Length, (long)outFeatures * inFeatures, nameof(dWeight));
        KernelGuard.OptionalLength(dBias.Length, outFeatures, nameof(dBias));
        KernelGuard.NoOverlap(dy, dx, nameof(dy), nameof(dx));
        fixed (T* px = x)
        fixed (T* pw = weight)
        fixed (T* pdy = dy)
        fixed (T* pdx = dx)
        fixed (T* pdw = dWeight)
        {
            if (!dx.IsEmpty)
                GemmCore<T>.Multiply(false, false, batch, inFeatures, outFeatures, pdy, pw, pdx, inFeatures, accumulate: true, parallel: true);
            if (!dWeight.IsEmpty)
                GemmCore<T>.Multiply(true, false, outFeatures, inFeatures, batch, pdy, px, pdw, inFeatures, accumulate: true, parallel: true);
        }

        if (!dBias.IsEmpty)
        {
            for (int b = 0; b < batch; b++) TensorPrimitives.Add(dBias, dy.Slice(b * outFeatures, outFeatures), dBias);
        }
    }

    /// <summary>Forward-mode derivative: ty = tx·Wᵀ (the bias is constant). Overwrites ty.</summary>
    public static unsafe void Tangent<T>(ReadOnlySpan<T> tx, ReadOnlySpan<T> weight, Span<T> ty, int batch, int inFeatures, int outFeatures)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(tx.Length, weight.Length, ty.Length, batch, inFeatures, outFeatures, nameof(tx), nameof(ty));
        KernelGuard.NoOverlap(tx, ty, nameof(tx), nameof(ty));
        fixed (T* px = tx)
        fixed (T* pw = weight)
        fixed (T* py = ty)
        {
            GemmCore<T>.Multiply(false, true, batch, outFeatures, inFeatures, px, pw, py, outFeatures, accumulate: false, parallel: true);
        }
    }

    private static void Validate(int inputLength, int weightLength, int outputLength, int batch, int inFeatures, int outFeatures, string inputName, string outputName)
    {
        KernelGuard.Positive(batch, nameof(batch));
        KernelGuard.Positive(inFeatures, nameof(inFeatures));
        KernelGuard.Positive(outFeatures, nameof(outFeatures));
        KernelGuard.Length(inputLength, (long)batch * inFeatures, inputName);
        KernelGuard.Length(weightLength, (long)outFeatures * inFeatures, "weight");
        KernelGuard.Length(outputLength, (long)batch * outFeatures, outputName);
    }
}
