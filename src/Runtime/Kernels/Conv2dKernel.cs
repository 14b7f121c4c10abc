namespace Axon.Kernels;

/// <summary>
/// 2-D convolution, square kernel, equal stride and zero padding on both axes. Per sample: x [C,H,W],
/// weight [K,C,k,k], bias [K], y [K,OH,OW].
/// <para><c>scratch</c>: at least <see cref="ScratchLength"/> elements, overwritten by every call and not needed
/// afterwards, so one buffer can serve every layer of a model (it must not overlap the other arguments). The
/// length depends on the batch and on the processor count (the batch is split over cores), so compute it at
/// run time, for the largest batch: it never shrinks as the batch grows.</para>
/// <para>Calls may come from several threads at once, each with its own buffers.</para>
/// </summary>
public static class Conv2dKernel
{
    /// <summary>(input + 2·padding − kernel) / stride + 1.</summary>
    public static int OutputSize(int input, int kernel, int stride, int padding)
    {
        KernelGuard.Window(input, kernel, stride, padding, nameof(input));
        return (input + 2 * padding - kernel) / stride + 1;
    }

    /// <summary>Elements of T that <see cref="Forward"/>, <see cref="Backward"/> and <see cref="Tangent"/> need in their scratch.</summary>
    public static long ScratchLength(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding) =>
        Shape(batch, inChannels, height, width, outChannels, kernel, stride, padding).ScratchLength;

    /// <summary>y = conv(x, weight) + bias (empty bias: none). Overwrites y.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, Span<T> y, Span<T> scratch, int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ConvCore<T>.Forward(Shape(batch, inChannels, height, width, outChannels, kernel, stride, padding), x, weight, bias, y, scratch);
    }

    /// <summary>Accumulates dx, dWeight and dBias (summed over the batch); an empty span skips that gradient.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dWeight, Span<T> dBias, Span<T> scratch, int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ConvCore<T>.Backward(Shape(batch, inChannels, height, width, outChannels, kernel, stride, padding), x, weight, dy, dx, dWeight, dBias, scratch);
    }

    /// <summary>Forward-mode derivative: ty = conv(tx, weight), no bias. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, ReadOnlySpan<T> weight, Span<T> ty, Span<T> scratch, int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ConvCore<T>.Tangent(Shape(batch, inChannels, height, width, outChannels, kernel, stride, padding), tx, weight, ty, scratch);
    }

    private static ConvShape Shape(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding)
    {
        KernelGuard.Window(height, kernel, stride, padding, nameof(height));
        KernelGuard.Window(width, kernel, stride, padding, nameof(width));
        return new ConvShape(batch, inChannels, height, width, outChannels, kernel, kernel, stride, stride, padding, padding);
    }
}
