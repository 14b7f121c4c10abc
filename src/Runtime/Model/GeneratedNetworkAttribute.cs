using System.ComponentModel;

namespace Axon.Model;

/// <summary>
/// Put by the generator on every generated model: a compact description of the network (nodes, shapes,
/// hyper-parameters, parameter layout). The GPU pipeline of a project that references the model's assembly reads it
/// to write that network's kernels; nothing reads it at run time.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class GeneratedNetworkAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}
