namespace Axon.Kernels;

/// <summary>
/// 2-D max pooling without padding: OH = (H − kernel)/stride + 1. <c>argmax[b·outSize + o]</c> is the index of
/// the winner inside sample b's input (the first maximum wins); Backward and Tangent read it from the tape.
/// </summary>
public static class MaxPool2dKernel
{
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> argmax, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxForward(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), x, y, argmax);

    /// <summary>dx[winner] += dy.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxBackward(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), dy, argmax, dx);

    /// <summary>ty = tx[winner]. Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> ty, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxTangent(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), tx, argmax, ty);
}

/// <summary>2-D average pooling without padding; every window averages kernel² elements.</summary>
public static class AvgPool2dKernel
{
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageForward(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), x, y, nameof(x), nameof(y));

    /// <summary>dx += dy / kernel² over each window.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, Span<T> dx, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageBackward(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), dy, dx);

    /// <summary>The pooling is linear: ty = avgpool(tx). Overwrites ty.</summary>
    public static void Tangent<T>(ReadOnlySpan<T> tx, Span<T> ty, int batch, int channels, int height, int width, int kernel, int stride)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageForward(new PoolShape(batch, channels, height, width, kernel, kernel, stride, stride), tx, ty, nameof(tx), nameof(ty));
}

/// <summary>Global average pooling [C, spatial] → [C].</summary>
public static class GlobalAvgPoolKernel
{
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, int batch, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageForward(new PoolShape(batch, channels, 1, spatial, 1, spatial, 1, 1), x, y, nameof(x), nameof(y));

    /// <summary>dx += dy / spatial.</summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, Span<T> dx, int batch, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageBackward(new PoolShape(batch, channels, 1, spatial, 1, spatial, 1, 1), dy, dx);

    public static void Tangent<T>(ReadOnlySpan<T> tx, Span<T> ty, int batch, int channels, int spatial)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.AverageForward(new PoolShape(batch, channels, 1, spatial, 1, spatial, 1, 1), tx, ty, nameof(tx), nameof(ty));
}

/// <summary>Max over time [C, L] → [C]; <c>argmax[b·C + c]</c> is the index of the winner inside sample b's input.</summary>
public static class MaxOverTimeKernel
{
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> argmax, int batch, int channels, int length)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxForward(new PoolShape(batch, channels, 1, length, 1, length, 1, 1), x, y, argmax);

    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, Span<T> dx, int batch, int channels, int length)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxBackward(new PoolShape(batch, channels, 1, length, 1, length, 1, 1), dy, argmax, dx);

    public static void Tangent<T>(ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> ty, int batch, int channels, int length)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.MaxTangent(new PoolShape(batch, channels, 1, length, 1, length, 1, 1), tx, argmax, ty);
}
