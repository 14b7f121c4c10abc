namespace Axon.Gpu;

/// <summary>
/// Asks the Axon generator for the GPU kernels of a [Differentiable] model: put it on an empty
/// <c>partial class</c> in the project that runs on the GPU, e.g.
/// <c>[GpuModel(typeof(FashionCnn))] public partial class FashionCnnGpu;</c>. The generator then writes, into that
/// class, one ILGPU kernel per node and pass with every shape a literal, and makes the class a
/// <see cref="GpuNetwork{T}"/> of the model.
/// </summary>
/// <remarks>
/// The model itself stays free of ILGPU, so one model class can serve a NativeAOT (CPU) app and a GPU app at once —
/// in the spirit of System.Text.Json's <c>[JsonSerializable(typeof(T))]</c> contexts. The model may be declared in
/// this project or in a referenced one (the generator then reads the network description it stored on the model).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class GpuModelAttribute(Type modelType) : Attribute
{
    /// <summary>The [Differentiable] model class.</summary>
    public Type ModelType { get; } = modelType;
}
