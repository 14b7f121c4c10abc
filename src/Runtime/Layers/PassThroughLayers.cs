namespace Axon.Layers;

// Layers that are the identity at inference. They are kept as nodes (not removed) so that a model ported from
// PyTorch keeps its module names and a tap on them (layer attribution, conductance) finds the layer it names.

/// <summary>The identity (PyTorch <c>nn.Identity</c>): a named node whose output is its input.</summary>
public sealed class Identity : Layer;

/// <summary>
/// Dropout (PyTorch <c>nn.Dropout</c>) as it runs at inference, where attribution runs a model: the identity.
/// Training with this runtime does not drop values either.
/// </summary>
/// <param name="p">The drop probability PyTorch trains with, in [0, 1); recorded, not applied.</param>
public sealed class Dropout(double p = 0.5) : Layer
{
    /// <summary>The drop probability of the PyTorch module (unused at inference).</summary>
    public double P { get; } = p;
}
