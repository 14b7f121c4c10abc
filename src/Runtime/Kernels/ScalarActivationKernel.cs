namespace Axon.Kernels;

/// <summary>
/// An element-wise function and its derivative as plain scalar code: what the generator writes for a
/// <c>[Differentiable]</c> static scalar function used as a layer (the derivative is the one it derived).
/// </summary>
public interface IScalarActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>f(x): the user's function.</summary>
    T Value(T x);

    /// <summary>f′(x): the derivative the generator derived from the function's body.</summary>
    T Derivative(T x);
}

/// <summary>
/// Runs an <see cref="IScalarActivation{T}"/> over flat spans: long spans in pieces over the compute pool, each piece a
/// plain loop in which the struct's calls are inlined (no delegate, no bounds checks). The generator uses it for functions
/// that have no vector form (see <see cref="VectorActivationKernel"/> for those that do). Forward may run in place
/// (<c>y</c> = <c>x</c>).
/// </summary>
public static unsafe class ScalarActivationKernel
{
    /// <summary>Elements per parallel piece: a custom function costs tens of cycles per element.</summary>
    private const int Piece = 1 << 13;

    /// <summary>y = f(x). Overwrites y.</summary>
    public static void Forward<T, TOp>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IScalarActivation<T>
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        fixed (T* px = x) fixed (T* py = y)
        {
            var range = new Range<T, TOp>(px, null, py, Mode.Forward);
            ComputePool.ForRanges(x.Length, Piece, ref range);
        }
    }

    /// <summary>dx += f′(x)·dy.</summary>
    public static void Backward<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IScalarActivation<T>
    {
        KernelGuard.Length(dy.Length, x.Length, nameof(dy));
        KernelGuard.Length(dx.Length, x.Length, nameof(dx));
        fixed (T* px = x) fixed (T* pdy = dy) fixed (T* pdx = dx)
        {
            var range = new Range<T, TOp>(px, pdy, pdx, Mode.Backward);
            ComputePool.ForRanges(x.Length, Piece, ref range);
        }
    }

    /// <summary>ty = f′(x)·tx. Overwrites ty.</summary>
    public static void Tangent<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> tx, Span<T> ty)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IScalarActivation<T>
    {
        KernelGuard.Length(tx.Length, x.Length, nameof(tx));
        KernelGuard.Length(ty.Length, x.Length, nameof(ty));
        fixed (T* px = x) fixed (T* ptx = tx) fixed (T* pty = ty)
        {
            var range = new Range<T, TOp>(px, ptx, pty, Mode.Tangent);
            ComputePool.ForRanges(x.Length, Piece, ref range);
        }
    }

    /// <summary>Which pass an activation kernel runs (shared with <see cref="VectorActivationKernel"/>).</summary>
    internal enum Mode : byte
    {
        Forward,
        Backward,
        Tangent,
    }

    /// <summary>
    /// Elements [start, end) of one pass through the scalar form: forward y = f(x); backward dx += f′(x)·dy (a multiply,
    /// then an add); tangent ty = f′(x)·tx. The whole of this kernel, and <see cref="VectorActivationKernel"/>'s tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Elements<T, TOp>(Mode mode, T* x, T* v, T* output, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IScalarActivation<T>
    {
        TOp op = default;
        switch (mode)
        {
            case Mode.Forward:
                for (int i = start; i < end; i++) output[i] = op.Value(x[i]);
                break;
            case Mode.Backward:
                for (int i = start; i < end; i++) output[i] += op.Derivative(x[i]) * v[i];
                break;
            default:
                for (int i = start; i < end; i++) output[i] = op.Derivative(x[i]) * v[i];
                break;
        }
    }

    private readonly struct Range<T, TOp>(T* x, T* v, T* output, Mode mode) : IRangeWork
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IScalarActivation<T>
    {
        public void Run(int start, int count) => Elements<T, TOp>(mode, x, v, output, start, start + count);
    }
}
