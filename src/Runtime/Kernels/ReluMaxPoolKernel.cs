namespace Axon.Kernels;

/// <summary>
/// ReLU followed by 2×2 max pooling with stride 2, in one pass: what a generated network runs for a <c>ReLU</c>
/// layer whose only consumer is such a <c>MaxPool2d</c>. It writes both layers' tapes — the ReLU output and the
/// pooled output with its arg-max — exactly as <see cref="ReluKernel"/> and <see cref="MaxPool2dKernel"/> write them
/// one after the other, a few planes at a time while they are in cache; the backward pass runs the pooling's scatter
/// and ReLU's backward a sample at a time in the same way.
/// Shapes: x, relu, dRelu, dx: batch × [channels, height, width]; y, argmax, dy: batch × [channels, height/2, width/2].
/// Height and width must be even.
/// </summary>
public static class ReluMaxPoolKernel
{
    /// <summary>
    /// relu = max(x, 0); y = the 2×2 window maximum of relu and argmax its first maximum (an index inside the sample's
    /// input), as <see cref="MaxPool2dKernel.Forward"/> records it. Overwrites relu, y and argmax. Wrong span lengths,
    /// an odd height or width, a size below 1 or relu overlapping x throw <see cref="ArgumentException"/>.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> relu, Span<T> y, Span<int> argmax, int batch, int channels, int height, int width)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.ReluMaxForward(Shape(batch, channels, height, width), x, relu, y, argmax);

    /// <summary>
    /// The forward for a caller that reads the ReLU's output nowhere: y and argmax as <see cref="Forward{T}"/> writes
    /// them, bit for bit, with <paramref name="relu"/> as the ReLU map's buffer, written only where the kernel pools the
    /// ReLU's values back from memory (without AVX-512, or unless a row's inputs fill more than one vector and its
    /// outputs fewer); on FashionCnn's first pooling they are pooled from the registers and the map is left as it was. Read relu after <see cref="Forward{T}"/>
    /// only. The same argument checks as Forward.
    /// </summary>
    public static void ForwardPooled<T>(ReadOnlySpan<T> x, Span<T> relu, Span<T> y, Span<int> argmax, int batch, int channels, int height, int width)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.ReluMaxForwardPooled(Shape(batch, channels, height, width), x, relu, y, argmax);

    /// <summary>
    /// dRelu[argmax[o]] += dy[o] for every output o, then dx += (x &gt; 0 ? 1 : 0)·dRelu: the same results as
    /// <see cref="MaxPool2dKernel.Backward{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, Span{T}, int, int, int, int, int, int)"/> into dRelu followed by <see cref="ReluKernel.Backward{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> from dRelu into
    /// dx. x is the ReLU's input (the tape). An arg-max outside its sample, wrong span lengths or an odd height or
    /// width throw <see cref="ArgumentException"/>.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, ReadOnlySpan<T> x, Span<T> dRelu, Span<T> dx, int batch, int channels, int height, int width)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.ReluMaxBackward(Shape(batch, channels, height, width), dy, argmax, x, dRelu, dx, GradientMode.Accumulate, GradientMode.Accumulate);

    /// <summary>
    /// <see cref="Backward{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, ReadOnlySpan{T}, Span{T}, Span{T}, int, int, int, int)"/>
    /// with each gradient's write chosen: <see cref="GradientMode.Overwrite"/> for dRelu zeroes each sample's part
    /// before the scatter; for dx it stores (x &gt; 0 ? 1 : 0)·dRelu instead of adding it. Equal, bit for bit, to
    /// clearing those buffers and accumulating.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, ReadOnlySpan<T> x, Span<T> dRelu, Span<T> dx, int batch, int channels, int height, int width, GradientMode reluGradient, GradientMode inputGradient)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.ReluMaxBackward(Shape(batch, channels, height, width), dy, argmax, x, dRelu, dx, reluGradient, inputGradient);

    /// <summary>
    /// tRelu = (x &gt; 0 ? 1 : 0)·tx + 0 and ty = tRelu[argmax]: the same results as
    /// <see cref="ReluKernel.Tangent{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> into tRelu followed by
    /// <see cref="MaxPool2dKernel.Tangent{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, Span{T}, int, int, int, int, int, int)"/>
    /// from it, bit for bit. x is the ReLU's input (the tape) and argmax what <see cref="Forward{T}"/> recorded.
    /// Overwrites tRelu and ty. An arg-max outside its sample, wrong span lengths or an odd height or width throw
    /// <see cref="ArgumentException"/>.
    /// </summary>
    public static void Tangent<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> tRelu, Span<T> ty, int batch, int channels, int height, int width)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.ReluMaxTangent(Shape(batch, channels, height, width), x, tx, argmax, tRelu, ty);

    /// <summary>
    /// The backward for a caller that reads the ReLU's gradient nowhere: dx = ReLU'(x)·dRelu + 0 with dRelu the scatter
    /// of dy onto zeros, overwriting dx, and no dRelu written. The ReLU's derivative at each window's winner comes from
    /// the pooled output <paramref name="y"/> (above zero exactly when the winner's input is), so x is not read. Equal,
    /// bit for bit, to <see cref="Backward{T}(ReadOnlySpan{T}, ReadOnlySpan{int}, ReadOnlySpan{T}, Span{T}, Span{T}, int, int, int, int, GradientMode, GradientMode)"/>
    /// with both gradients overwritten, whenever y and argmax are what <see cref="Forward{T}"/> wrote. An arg-max outside
    /// its sample, wrong span lengths or an odd height or width throw <see cref="ArgumentException"/>.
    /// </summary>
    public static void BackwardThroughWinners<T>(ReadOnlySpan<T> dy, ReadOnlySpan<int> argmax, ReadOnlySpan<T> y, Span<T> dx, int batch, int channels, int height, int width)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.ReluMaxBackwardThroughWinners(Shape(batch, channels, height, width), dy, argmax, y, dx);

    /// <summary>
    /// The tangent for a caller that reads the ReLU's tangent nowhere: ty = ReLU'(x[argmax])·tx[argmax] + 0, the
    /// derivative from the pooled output <paramref name="y"/>, and no tRelu computed. Equal, bit for bit, to the ty of
    /// <see cref="Tangent{T}"/> whenever y and argmax are what <see cref="Forward{T}"/> wrote. An arg-max outside its
    /// sample, wrong span lengths or an odd height or width throw <see cref="ArgumentException"/>.
    /// </summary>
    public static void TangentThroughWinners<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> tx, ReadOnlySpan<int> argmax, Span<T> ty, int batch, int channels, int height, int width)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolCore<T>.ReluMaxTangentThroughWinners(Shape(batch, channels, height, width), y, tx, argmax, ty);

    private static PoolShape Shape(int batch, int channels, int height, int width) => new(batch, channels, height, width, 2, 2, 2, 2);
}
