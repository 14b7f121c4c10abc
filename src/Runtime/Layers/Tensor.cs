namespace Axon.Layers;

/// <summary>
/// A symbolic value in a model's <c>Forward(Tensor x)</c> definition. The generator reads that method as a
/// small dataflow language (layer applications, locals, <c>+</c>, <see cref="Concat"/>, <see cref="Flatten"/>,
/// <see cref="Reshape"/>, <see cref="Apply(System.Func{float,float})"/>); the method itself never runs.
/// </summary>
public readonly struct Tensor
{
    /// <summary>Element-wise sum of two tensors of the same shape: a residual (skip) connection.</summary>
    public static Tensor operator +(Tensor left, Tensor right) => throw NotExecutable();

    /// <summary>Concatenates along the first (channel) axis; the other dimensions must agree.</summary>
    public static Tensor Concat(params Tensor[] parts) => throw NotExecutable();

    /// <summary>Flattens the per-sample shape to one dimension (as a <see cref="Axon.Layers.Flatten"/> layer).</summary>
    public Tensor Flatten() => throw NotExecutable();

    /// <summary>Reinterprets the per-sample shape (row-major, without the batch); the element count must not change.</summary>
    public Tensor Reshape(params int[] shape) => throw NotExecutable();

    /// <summary>Applies a <see cref="DifferentiableAttribute"/> scalar function element-wise.</summary>
    public Tensor Apply(Func<float, float> function) => throw NotExecutable();

    /// <summary>Applies a <see cref="DifferentiableAttribute"/> scalar function element-wise.</summary>
    public Tensor Apply(Func<double, double> function) => throw NotExecutable();

    internal static InvalidOperationException NotExecutable() => new(
        "A model's Forward(Tensor) method is a declaration that the Axon generator compiles; it does not run. " +
        "Call the generated Forward(workspace, input, batch, output) instead.");
}
