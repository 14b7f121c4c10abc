using Axon.Model;

namespace Axon.Attribution;

public sealed partial class Attributor<T>
{
    /// <summary>
    /// DeepLIFT as Shrikumar et al. (2018) run it by default: the RevealCancel rule on every element-wise
    /// nonlinearity that follows a dense layer (<see cref="RevealCancelRule"/>: the dense layer's change is split into
    /// its positive and negative terms, each with its own multiplier), the rescale rule everywhere else (after
    /// convolutions, in pooling, softmax), times y(x) − y(x′) at <paramref name="layer"/> (inputs × layer size). The
    /// multipliers at the nonlinearity and its dense input are the rescale rule's, so only layers below a dense layer
    /// differ from <see cref="DeepLift(LayerHandle, ReadOnlySpan{T}, AttributionTarget{T}, Baseline{T}, Span{T}, Span{T}, bool, bool)"/>. Summation-to-delta holds as for <see cref="DeepLift(LayerHandle, ReadOnlySpan{T}, AttributionTarget{T}, Baseline{T}, Span{T}, Span{T}, bool, bool)"/>: the completeness
    /// gaps vanish to rounding on every layer that all paths cross.
    /// </summary>
    /// <param name="layer">The layer (node 0: the input).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′ (zero, shared, per input, or a distribution).</param>
    /// <param name="attributions">inputs × layer size results.</param>
    /// <param name="completenessGaps">Empty, or one Σ attributions − (F(x) − F̄(x′)) per input (only with <paramref name="multiplyByInputs"/>).</param>
    /// <param name="attributeToLayerInput">At the layer's input node instead of its output.</param>
    /// <param name="multiplyByInputs">False gives the multipliers alone, not multiplied by y(x) − y(x′) (Captum's multiply_by_inputs = False).</param>
    public void DeepLiftRevealCancel(
        LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions, Span<T> completenessGaps = default,
        bool attributeToLayerInput = false, bool multiplyByInputs = true)
        => ReferenceMethod(layer, inputs, target, baseline, attributions, completenessGaps, ReferenceRule.RevealCancel, attributeToLayerInput, multiplyByInputs);

    /// <summary>What the reverse pass of a reference method passes back.</summary>
    private enum ReferenceRule
    {
        /// <summary>Ordinary derivatives at the input.</summary>
        GradientTimesDelta,

        /// <summary>DeepLIFT's rescale (and max, softmax, product) rules.</summary>
        Rescale,

        /// <summary>RevealCancel after dense layers, rescale elsewhere.</summary>
        RevealCancel,
    }
}
