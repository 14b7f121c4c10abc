using System.Numerics.Tensors;
using Axon.Model;

namespace Axon.Attribution;

/// <summary>
/// The result of <see cref="Attributor{T}.NeuronConductanceMaps"/> seen per neuron and per filter: one neuron's map, a
/// filter's summed map (all neurons of one channel), and a neuron's top-k input features.
/// </summary>
public readonly ref struct ConductanceMapView<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _maps;
    private readonly int _inputSize;
    private readonly int _channels;
    private readonly int _perChannel;

    /// <summary>A view of <paramref name="maps"/> (layer size × <paramref name="inputSize"/> values) for <paramref name="layer"/>.</summary>
    /// <exception cref="ArgumentException">The length is not the layer's size times the input size.</exception>
    public ConductanceMapView(LayerInfo layer, int inputSize, ReadOnlySpan<T> maps)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (maps.Length != (long)layer.Size * inputSize)
            throw new ArgumentException($"'maps' has {maps.Length} values; layer '{layer.Name}' ({layer.Size} neurons) × {inputSize} input features need {(long)layer.Size * inputSize}.", nameof(maps));
        _maps = maps;
        _inputSize = inputSize;
        _channels = layer.Shape.Count > 1 ? layer.Shape[0] : layer.Size;
        _perChannel = layer.Size / _channels;
    }

    /// <summary>Neuron <paramref name="neuron"/>'s map over the input features.</summary>
    public ReadOnlySpan<T> Neuron(int neuron) => _maps.Slice(CheckNeuron(neuron) * _inputSize, _inputSize);

    /// <summary>The summed map of every neuron of channel (filter) <paramref name="channel"/>, into <paramref name="destination"/> (InputSize values).</summary>
    public void Filter(int channel, Span<T> destination)
    {
        if ((uint)channel >= (uint)_channels) throw new ArgumentOutOfRangeException(nameof(channel), channel, $"The layer has channels 0..{_channels - 1}.");
        if (destination.Length != _inputSize) throw new ArgumentException($"'destination' has {destination.Length} values; the input has {_inputSize}.", nameof(destination));
        destination.Clear();
        for (int p = 0; p < _perChannel; p++) TensorPrimitives.Add(destination, _maps.Slice((channel * _perChannel + p) * _inputSize, _inputSize), destination);
    }

    /// <summary>
    /// The input features with the largest |conductance| through <paramref name="neuron"/>, largest first, into
    /// <paramref name="features"/> (its length is k); ties keep the lower index first.
    /// </summary>
    public void TopFeatures(int neuron, Span<int> features)
    {
        var map = Neuron(neuron);
        if (features.Length > _inputSize) throw new ArgumentException($"Ask for at most {_inputSize} features.", nameof(features));
        if (features.IsEmpty) return;
        int filled = 0;
        for (int i = 0; i < map.Length; i++)
        {
            T magnitude = T.Abs(map[i]);
            int at = filled < features.Length ? filled++ : features.Length;
            if (at == features.Length && !(magnitude > T.Abs(map[features[^1]]))) continue;
            if (at == features.Length) at = features.Length - 1;
            while (at > 0 && magnitude > T.Abs(map[features[at - 1]])) { features[at] = features[at - 1]; at--; }
            features[at] = i;
        }
    }

    private int CheckNeuron(int neuron)
    {
        int size = _channels * _perChannel;
        if ((uint)neuron >= (uint)size) throw new ArgumentOutOfRangeException(nameof(neuron), neuron, $"The layer has neurons 0..{size - 1}.");
        return neuron;
    }
}
