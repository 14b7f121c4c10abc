namespace Axon.Layers;

/// <summary>
/// A symbolic value in a model's <c>Forward(Tensor x)</c> definition. The generator reads that method as a
/// small dataflow language (layer applications, locals, <c>+</c>, <c>-</c>, <c>*</c> by a constant or by a tensor,
/// <see cref="Concat"/>, <see cref="Channels"/>, <see cref="Flatten"/>, <see cref="Reshape"/>, <see cref="Transpose"/>,
/// <see cref="Apply(System.Func{float,float})"/>); the method itself never runs.
/// </summary>
public readonly struct Tensor
{
    /// <summary>Element-wise sum of two tensors of the same shape: a residual (skip) connection.</summary>
    public static Tensor operator +(Tensor left, Tensor right) => throw NotExecutable();

    /// <summary>Element-wise difference of two tensors of the same shape.</summary>
    public static Tensor operator -(Tensor left, Tensor right) => throw NotExecutable();

    /// <summary>Element-wise product of two tensors of the same shape (gating, e.g. <c>a * sigmoid.Apply(g)</c>).</summary>
    public static Tensor operator *(Tensor left, Tensor right) => throw NotExecutable();

    /// <summary>Multiplies every element by a compile-time constant (a literal or a <c>const</c>).</summary>
    public static Tensor operator *(Tensor tensor, double factor) => throw NotExecutable();

    /// <summary>Multiplies every element by a compile-time constant (a literal or a <c>const</c>).</summary>
    public static Tensor operator *(double factor, Tensor tensor) => throw NotExecutable();

    /// <summary>
    /// The channels [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) of the first
    /// axis, both compile-time constants (PyTorch <c>x[:, start:start + count]</c>); the other dimensions are kept.
    /// </summary>
    public Tensor Channels(int start, int count) => throw NotExecutable();

    /// <summary>Concatenates along the first (channel) axis; the other dimensions must agree.</summary>
    public static Tensor Concat(params Tensor[] parts) => throw NotExecutable();

    /// <summary>Flattens the per-sample shape to one dimension (as a <see cref="Axon.Layers.Flatten"/> layer).</summary>
    public Tensor Flatten() => throw NotExecutable();

    /// <summary>Reinterprets the per-sample shape (row-major, without the batch); the element count must not change.</summary>
    public Tensor Reshape(params int[] shape) => throw NotExecutable();

    /// <summary>
    /// Swaps the two axes of a rank-2 per-sample shape, [rows, columns] → [columns, rows] (PyTorch
    /// <c>x.transpose(1, 2)</c>): e.g. an <see cref="Embedding"/>'s channels-first [dim, L] to the [L, dim] that
    /// <see cref="MultiHeadAttention"/> reads, and back to [dim, L] for <see cref="GlobalAvgPool"/> (mean over positions).
    /// </summary>
    public Tensor Transpose() => throw NotExecutable();

    /// <summary>Applies a <see cref="DifferentiableAttribute"/> scalar function element-wise.</summary>
    public Tensor Apply(Func<float, float> function) => throw NotExecutable();

    /// <summary>Applies a <see cref="DifferentiableAttribute"/> scalar function element-wise.</summary>
    public Tensor Apply(Func<double, double> function) => throw NotExecutable();

    internal static InvalidOperationException NotExecutable() => new(
        "A model's Forward(Tensor) method is a declaration that the Axon generator compiles; it does not run. " +
        "Call the generated Forward(workspace, input, batch, output) instead.");
}
