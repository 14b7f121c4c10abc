namespace Axon.Layers;

/// <summary>
/// A symbolic value in a model's <c>Forward(Tensor x)</c> definition. The generator reads that method as a
/// small dataflow language (layer applications, locals, <c>+</c>, <see cref="Concat"/>, <see cref="Flatten"/>,
/// <see cref="Reshape"/>, <see cref="Apply(System.Func{float,float})"/>); the method itself never runs.
/// </summary>
public readonly struct Tensor
{
    public static Tensor operator +(Tensor left, Tensor right) => throw NotExecutable();

    /// <summary>Concatenates along the first (channel) axis; the other dimensions must agree.</summary>
    public static Tensor Concat(params Tensor[] parts) => throw NotExecutable();

    public Tensor Flatten() => throw NotExecutable();

    public Tensor Reshape(params int[] shape) => throw NotExecutable();

    /// <summary>Applies a <see cref="DifferentiableAttribute"/> scalar function element-wise.</summary>
    public Tensor Apply(Func<float, float> function) => throw NotExecutable();

    /// <summary>Applies a <see cref="DifferentiableAttribute"/> scalar function element-wise.</summary>
    public Tensor Apply(Func<double, double> function) => throw NotExecutable();

    internal static InvalidOperationException NotExecutable() => new(
        "A model's Forward(Tensor) method is a declaration that the Axon generator compiles; it does not run. " +
        "Call the generated Forward(workspace, input, batch, output) instead.");
}
