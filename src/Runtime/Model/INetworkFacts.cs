namespace Axon.Model;

/// <summary>
/// What the generator decided about a whole network at compile time, emitted as constants on every generated model:
/// whether the output is piecewise linear in the input (what the exact integration rule needs), which nodes can break
/// along a path, which cannot be integrated exactly, and each node's receptive field over the input.
/// </summary>
public interface INetworkFacts
{
    /// <summary>
    /// True when every node is piecewise linear in its inputs (dense, convolution, ReLU, LeakyReLU, max and average
    /// pooling, flatten, reshape, +, −, scale, concat, channel slices, batch norm in inference form), so that along a
    /// straight path the output is piecewise linear in α with breakpoints only at <see cref="BreakingNodes"/>.
    /// </summary>
    bool IsPiecewiseLinear { get; }

    /// <summary>The nodes at which the output's slope along a path can change: ReLU, LeakyReLU, max pooling, max over time.</summary>
    IReadOnlyList<int> BreakingNodes { get; }

    /// <summary>The nodes that are not piecewise linear (smooth activations, softmax, products, lookups), in order; empty when <see cref="IsPiecewiseLinear"/>.</summary>
    IReadOnlyList<int> SmoothNodes { get; }

    /// <summary>Each node's receptive field over the input, by node index (see <see cref="ReceptiveField"/>).</summary>
    IReadOnlyList<ReceptiveField> ReceptiveFields { get; }
}
