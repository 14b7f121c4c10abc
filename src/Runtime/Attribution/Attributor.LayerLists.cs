using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

// The gradient methods over several layers at once (Captum's layer lists): one forward and one backward stopped at the
// lowest layer give every listed layer's gradient, so the list costs what its lowest layer costs alone. Each input's
// results are the layers' values one after the other, in the order given (inputs × Σ layer sizes), as in
// LayerConductance's list form. Every layer method can also explain a layer's input instead of its output
// (attributeToLayerInput, Captum's attribute_to_layer_input): the node the layer reads.
public sealed partial class Attributor<T>
{
    /// <summary>
    /// Every layer's <see cref="LayerSide"/> node, written into <paramref name="nodes"/> (which the caller keeps on its
    /// stack: a scratch field could be overwritten by a concurrent call before that call is refused), with the nodes'
    /// total size and the lowest node.
    /// </summary>
    private (int Total, int Lowest) LayerSides(ReadOnlySpan<LayerHandle> layers, bool attributeToLayerInput, string parameterName, Span<int> nodes)
    {
        int total = 0, lowest = int.MaxValue;
        for (int l = 0; l < layers.Length; l++)
        {
            nodes[l] = LayerSide(layers[l], attributeToLayerInput, parameterName);
            total += _sizes[nodes[l]];
            lowest = Math.Min(lowest, nodes[l]);
        }

        return (total, lowest);
    }

    /// <summary>
    /// The node a layer method explains: <paramref name="layer"/> itself, or with <paramref name="attributeToLayerInput"/>
    /// the one node it reads (a layer that reads several — add, concat, a product — names the one meant by its handle).
    /// </summary>
    private int LayerSide(LayerHandle layer, bool attributeToLayerInput, string parameterName)
    {
        int node = CheckLayer(layer, parameterName);
        if (!attributeToLayerInput) return node;
        var info = _layers[node];
        if (node == 0) throw new ArgumentException("Node 0 is the model's input: it reads no node, so it has no layer input to attribute to.", parameterName);
        if (info.Inputs.Count != 1)
        {
            string names = string.Join(", ", info.Inputs.Select(i => "'" + _layers[i].Name + "'"));
            throw new ArgumentException($"Layer '{info.Name}' reads {info.Inputs.Count} nodes ({names}); attribute to one of them by its handle.", nameof(attributeToLayerInput));
        }

        return info.Inputs[0];
    }

    /// <summary>
    /// The gradient of the target with respect to several layers in one pass, ∂F/∂y for each (<paramref name="gradients"/>:
    /// inputs × Σ layer sizes, each input's layers one after the other in the order given): one forward and one backward
    /// stopped at the lowest of them.
    /// </summary>
    /// <param name="layers">The layers (at least one; a layer may appear more than once).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="gradients">inputs × Σ layer sizes results.</param>
    /// <param name="attributeToLayerInput">Each layer's input node instead of its output.</param>
    public void LayerGradient(ReadOnlySpan<LayerHandle> layers, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Span<T> gradients, bool attributeToLayerInput = false)
        => LayerGradientPass(layers, inputs, target, gradients, attributeToLayerInput, timesActivation: false, nameof(gradients));

    /// <summary>
    /// Gradient × activation at several layers in one pass, ∂F/∂y(x) ⊙ y(x) for each (<paramref name="attributions"/>:
    /// inputs × Σ layer sizes, each input's layers one after the other in the order given).
    /// </summary>
    /// <param name="layers">The layers (at least one).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="attributions">inputs × Σ layer sizes results.</param>
    /// <param name="attributeToLayerInput">Each layer's input node instead of its output.</param>
    /// <param name="multiplyByInputs">False gives the gradients alone (Captum's multiply_by_inputs = False): <see cref="LayerGradient(ReadOnlySpan{LayerHandle}, ReadOnlySpan{T}, AttributionTarget{T}, Span{T}, bool)"/>.</param>
    public void LayerGradientTimesActivation(
        ReadOnlySpan<LayerHandle> layers, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Span<T> attributions, bool attributeToLayerInput = false,
        bool multiplyByInputs = true)
        => LayerGradientPass(layers, inputs, target, attributions, attributeToLayerInput, timesActivation: multiplyByInputs, nameof(attributions));

    /// <summary>
    /// DeepLIFT (rescale rule) at several layers in one pass: one reference forward, one forward and one backward stopped at
    /// the lowest layer (<paramref name="attributions"/>: inputs × Σ layer sizes, each input's layers one after the other in
    /// the order given). Each layer's values are what <see cref="DeepLift(LayerHandle, ReadOnlySpan{T}, AttributionTarget{T}, Baseline{T}, Span{T}, Span{T}, bool, bool)"/> gives it.
    /// </summary>
    /// <param name="layers">The layers (at least one).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baseline">x′ (zero, shared, per input, or a distribution: DeepLIFT-SHAP).</param>
    /// <param name="attributions">inputs × Σ layer sizes results.</param>
    /// <param name="completenessGaps">Empty, or one Σ attributions − (F(x) − F̄(x′)) per input and layer (input-major; only with <paramref name="multiplyByInputs"/>).</param>
    /// <param name="attributeToLayerInput">Each layer's input node instead of its output.</param>
    /// <param name="multiplyByInputs">False gives the multipliers alone (Captum's multiply_by_inputs = False).</param>
    public void DeepLift(
        ReadOnlySpan<LayerHandle> layers, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline, Span<T> attributions, Span<T> completenessGaps = default,
        bool attributeToLayerInput = false, bool multiplyByInputs = true)
        => ReferenceMethod(layers, inputs, target, baseline, attributions, completenessGaps, ReferenceRule.Rescale, attributeToLayerInput, multiplyByInputs);

    /// <summary>
    /// Layer GradientSHAP at several layers in one pass: the same draws for every layer, one backward per chunk stopped at
    /// the lowest (<paramref name="attributions"/>: inputs × Σ layer sizes, each input's layers one after the other). Each
    /// layer's values are what the one-layer call with the same seed gives it.
    /// </summary>
    /// <param name="layers">The layers (at least one; node 0 is the input).</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained.</param>
    /// <param name="baselines">As for <see cref="GradientShap"/>.</param>
    /// <param name="attributions">inputs × Σ layer sizes results.</param>
    /// <param name="samples">Draws per input (≥ 1).</param>
    /// <param name="stdev">Standard deviation of the Gaussian noise added to the input (0: none).</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <param name="multiplyByInputs">False gives the mean gradient at each layer, not multiplied by the layer's change.</param>
    /// <param name="attributeToLayerInput">Each layer's input node instead of its output.</param>
    public void LayerGradientShap(
        ReadOnlySpan<LayerHandle> layers, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baselines, Span<T> attributions, int samples = 50,
        double stdev = 0, int seed = 0, bool multiplyByInputs = true, bool attributeToLayerInput = false)
        => GradientShapAt(layers, attributeToLayerInput, inputs, target, baselines, attributions, samples, stdev, seed, multiplyByInputs);

    private void LayerGradientPass(
        ReadOnlySpan<LayerHandle> layers, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Span<T> results, bool attributeToLayerInput, bool timesActivation, string resultName)
    {
        Enter();
        try
        {
            if (layers.IsEmpty) throw new ArgumentException("Give at least one layer.", nameof(layers));
            // On the stack: a scratch field could be overwritten by a concurrent call before that call is refused.
            Span<int> nodes = layers.Length <= 64 ? stackalloc int[layers.Length] : new int[layers.Length];
            int total = 0, lowest = int.MaxValue;
            for (int l = 0; l < layers.Length; l++)
            {
                nodes[l] = LayerSide(layers[l], attributeToLayerInput, nameof(layers));
                if (nodes[l] == 0 && _tokenEmbedding > 0) throw new ArgumentException("Node 0 holds token ids, which receive no gradient: ask for the embedding's gradient.", nameof(layers));
                total += _sizes[nodes[l]];
                lowest = Math.Min(lowest, nodes[l]);
            }

            int count = ValidateInputs(inputs);
            target.Validate(count, _outputSize, nameof(target));
            CheckResultLength(results.Length, count, total, resultName);
            var staged = StagedResult(count, total);
            var ws = HostWorkspace;
            for (int first = 0; first < count; first += HostBatch)
            {
                int rows = Math.Min(HostBatch, count - first);
                _model.Forward(ws, inputs.Slice(first * _inputSize, rows * _inputSize), rows, _outputs.AsSpan(0, rows * _outputSize));
                for (int r = 0; r < rows; r++) target.WriteSeed(first + r, T.One, Row(_seeds, r, _outputSize));
                _model.Backward(ws, _seeds.AsSpan(0, rows * _outputSize), rows, lowest);
                int offset = 0;
                foreach (int node in nodes)
                {
                    int width = _sizes[node];
                    var g = ws.Gradient(node);
                    var y = ws.Activation(node);
                    for (int r = 0; r < rows; r++)
                    {
                        var destination = staged.Slice((first + r) * total + offset, width);
                        if (timesActivation) TensorPrimitives.Multiply(Row(g, r, width), Row(y, r, width), destination);
                        else Row(g, r, width).CopyTo(destination);
                    }

                    offset += width;
                }
            }

            Publish(staged, results, total, resultName);
        }
        finally
        {
            Exit();
        }
    }
}
