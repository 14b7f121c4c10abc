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
    /// <summary>The network as one line of text in the generator's versioned format (element type, nodes, parameters); not meant to be parsed by user code.</summary>
    public string Description { get; } = description;
}
