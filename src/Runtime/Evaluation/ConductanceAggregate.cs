using System.Numerics.Tensors;
using Axon.Attribution;
using Axon.Model;

namespace Axon.Evaluation;

/// <summary>
/// Layer conductance aggregated over a set of inputs — the mean and the mean absolute value per neuron — as both papers'
/// evaluations rank neurons and filters by it (Dhamdhere et al.'s feature selection, ablation over a training set). The
/// inputs run in chunks through <see cref="Attributor{T}.LayerConductance(LayerHandle, ReadOnlySpan{T}, AttributionTarget{T}, Baseline{T}, Span{T}, IntegrationOptions?, Span{T}, Span{T}, bool)"/>,
/// so memory stays at one chunk's results whatever the number of inputs.
/// </summary>
public static class ConductanceAggregate
{
    /// <summary>
    /// Writes, for every neuron of <paramref name="layer"/>, the mean of its conductance over the inputs into
    /// <paramref name="mean"/> and the mean of its absolute value into <paramref name="meanAbsolute"/> (layer size each;
    /// either may be empty).
    /// </summary>
    /// <param name="attributor">The engine (its model's layer handle, its buffers).</param>
    /// <param name="layer">The layer whose neurons are aggregated.</param>
    /// <param name="inputs">inputs × InputSize values.</param>
    /// <param name="target">The output explained (a class, a class per input, or output weights).</param>
    /// <param name="baseline">Zero, shared, per input or a distribution.</param>
    /// <param name="mean">Layer-size means, or empty.</param>
    /// <param name="meanAbsolute">Layer-size means of |conductance|, or empty.</param>
    /// <param name="options">Integration settings.</param>
    /// <param name="chunk">Inputs per call (the buffer of results is chunk × layer size; allocated per call).</param>
    public static void Compute<T>(
        Attributor<T> attributor, LayerHandle layer, ReadOnlySpan<T> inputs, AttributionTarget<T> target, Baseline<T> baseline,
        Span<T> mean, Span<T> meanAbsolute, IntegrationOptions? options = null, int chunk = 64)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(attributor);
        var model = attributor.Model;
        int index = layer.Resolve(model, nameof(layer)), width = model.Layers[index].Size, inputSize = model.InputSize;
        if (chunk < 1) throw new ArgumentOutOfRangeException(nameof(chunk), chunk, "Give at least one input per chunk.");
        if (inputs.IsEmpty || inputs.Length % inputSize != 0)
            throw new ArgumentException($"'inputs' has {inputs.Length} values, not a whole, positive number of inputs of {inputSize}.", nameof(inputs));
        if (!mean.IsEmpty && mean.Length != width) throw new ArgumentException($"'mean' has {mean.Length} values; layer {index} has {width} neurons.", nameof(mean));
        if (!meanAbsolute.IsEmpty && meanAbsolute.Length != width)
            throw new ArgumentException($"'meanAbsolute' has {meanAbsolute.Length} values; layer {index} has {width} neurons.", nameof(meanAbsolute));
        int count = inputs.Length / inputSize;
        target.Validate(count, model.OutputSize, nameof(target));
        baseline.Validate(count, inputSize, nameof(baseline));

        var results = new T[Math.Min(chunk, count) * width];
        var sum = new T[width];
        var sumAbsolute = new T[width];
        var magnitude = new T[width];
        for (int first = 0; first < count; first += chunk)
        {
            int n = Math.Min(chunk, count - first);
            var part = results.AsSpan(0, n * width);
            attributor.LayerConductance(
                index, inputs.Slice(first * inputSize, n * inputSize), target.Slice(first, n, model.OutputSize), baseline.Slice(first, n, inputSize), part, options);
            for (int b = 0; b < n; b++)
            {
                var row = part.Slice(b * width, width);
                TensorPrimitives.Add(sum, row, sum);
                TensorPrimitives.Abs(row, magnitude);
                TensorPrimitives.Add(sumAbsolute, magnitude, sumAbsolute);
            }
        }

        T total = T.CreateChecked(count);
        if (!mean.IsEmpty) TensorPrimitives.Divide(sum, total, mean);
        if (!meanAbsolute.IsEmpty) TensorPrimitives.Divide(sumAbsolute, total, meanAbsolute);
    }
}
