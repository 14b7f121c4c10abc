using System.Numerics.Tensors;

namespace Axon.Kernels;

/// <summary>
/// The element-wise arithmetic of a Forward definition besides <c>+</c>: <c>a - b</c>, <c>c * a</c> with a constant
/// c, and the product <c>a * b</c> (gating), with their gradient and tangent forms.
/// </summary>
public static class ArithmeticKernel
{
    /// <summary>y = a − b. Overwrites y (which may be a or b itself).</summary>
    public static void Subtract<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Length(b.Length, a.Length, nameof(b));
        KernelGuard.Length(y.Length, a.Length, nameof(y));
        TensorPrimitives.Subtract(a, b, y);
    }

    /// <summary>destination −= source: the gradient of the right operand of a − b.</summary>
    public static void SubtractFrom<T>(ReadOnlySpan<T> source, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Length(destination.Length, source.Length, nameof(destination));
        TensorPrimitives.Subtract(destination, source, destination);
    }

    /// <summary>y = factor · x.</summary>
    public static void Scale<T>(ReadOnlySpan<T> x, T factor, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        TensorPrimitives.Multiply(x, factor, y);
    }

    /// <summary>destination += factor · source: the gradient of factor · x.</summary>
    public static void ScaleAccumulate<T>(ReadOnlySpan<T> source, T factor, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Length(destination.Length, source.Length, nameof(destination));
        TensorPrimitives.MultiplyAdd(source, factor, destination, destination);
    }

    /// <summary>y = a ⊙ b. Overwrites y (which may be a or b itself).</summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Length(b.Length, a.Length, nameof(b));
        KernelGuard.Length(y.Length, a.Length, nameof(y));
        TensorPrimitives.Multiply(a, b, y);
    }

    /// <summary>destination += a ⊙ b: the gradient of one factor of a product (dy ⊙ the other factor).</summary>
    public static void MultiplyAccumulate<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Length(b.Length, a.Length, nameof(b));
        KernelGuard.Length(destination.Length, a.Length, nameof(destination));
        TensorPrimitives.MultiplyAdd(a, b, destination, destination);
    }

    /// <summary>ty = ta ⊙ b + a ⊙ tb: the tangent of a ⊙ b (product rule). ty must not overlap the inputs.</summary>
    public static void MultiplyTangent<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> ta, ReadOnlySpan<T> b, ReadOnlySpan<T> tb, Span<T> ty) where T : unmanaged, IFloatingPointIeee754<T>
    {
        KernelGuard.Length(ta.Length, a.Length, nameof(ta));
        KernelGuard.Length(b.Length, a.Length, nameof(b));
        KernelGuard.Length(tb.Length, a.Length, nameof(tb));
        KernelGuard.Length(ty.Length, a.Length, nameof(ty));
        TensorPrimitives.Multiply(ta, b, ty);
        TensorPrimitives.MultiplyAdd(a, tb, ty, ty);
    }
}

/// <summary>
/// A contiguous range of each sample, as <c>x.Channels(start, count)</c> selects it (channels first, so the range
/// is contiguous): y[b, :] = x[b, offset .. offset + partSize) of a sample of wholeSize.
/// </summary>
public static class ChannelsKernel
{
    /// <summary>y[b, :] = x[b·wholeSize + offset .. + partSize). Also the tangent (the op is linear).</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int partSize, int offset, int wholeSize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(y.Length, x.Length, batch, partSize, offset, wholeSize, nameof(y), nameof(x));
        for (int b = 0; b < batch; b++) x.Slice(b * wholeSize + offset, partSize).CopyTo(y.Slice(b * partSize, partSize));
    }

    /// <summary>dx[b·wholeSize + offset .. + partSize) += dy[b, :]; the rest of dx is left as it is.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, Span<T> dx, int batch, int partSize, int offset, int wholeSize) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Validate(dy.Length, dx.Length, batch, partSize, offset, wholeSize, nameof(dy), nameof(dx));
        for (int b = 0; b < batch; b++)
        {
            Span<T> target = dx.Slice(b * wholeSize + offset, partSize);
            TensorPrimitives.Add(target, dy.Slice(b * partSize, partSize), target);
        }
    }

    private static void Validate(int partLength, int wholeLength, int batch, int partSize, int offset, int wholeSize, string partName, string wholeName)
    {
        KernelGuard.Positive(batch, nameof(batch));
        KernelGuard.Positive(partSize, nameof(partSize));
        KernelGuard.NonNegative(offset, nameof(offset));
        if ((long)offset + partSize > wholeSize)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The range [{offset}, {offset + partSize}) does not fit in a sample of {wholeSize}.");
        KernelGuard.Length(partLength, (long)batch * partSize, partName);
        KernelGuard.Length(wholeLength, (long)batch * wholeSize, wholeName);
    }
}
