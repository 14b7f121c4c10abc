namespace Axon.Generator.Model
{
    /// <summary>
    /// A <c>[GpuModel(typeof(M))]</c> declaration ready to emit: the GPU class's place and name, the model's type
    /// name as the constructor takes it, and the model's network.
    /// </summary>
    internal sealed record GpuModelSpec(
        string Namespace,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        string ClassName,
        string HintStem,
        string ModelTypeName,
        ModelSpec Model,
        Diagnostics.LocationInfo? Location = null);
}
