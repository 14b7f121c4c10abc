using Axon.Model;

namespace Axon.Attribution;

/// <summary>
/// The result of <see cref="Attributor{T}.NeuronConductanceMaps"/> seen per neuron and per filter, through its
/// <see cref="ConductanceMapLayout"/>: one neuron's window values and where they lie, its map over the whole input, a
/// filter's summed map (all neurons of one channel) and a neuron's top-k input features.
/// </summary>
public readonly ref struct ConductanceMapView<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _maps;
    private readonly ConductanceMapLayout _layout;
    private readonly int _channels;
    private readonly int _perChannel;

    /// <summary>A view of <paramref name="maps"/> (<see cref="ConductanceMapLayout.Length"/> values) stored in <paramref name="layout"/>.</summary>
    /// <exception cref="ArgumentException">The length is not the layout's.</exception>
    public ConductanceMapView(ConductanceMapLayout layout, ReadOnlySpan<T> maps)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (maps.Length != layout.Length)
            throw new ArgumentException($"'maps' has {maps.Length} values; the layout of layer '{layout.Layer.Name}' ({layout.Neurons} neurons) holds {layout.Length}.", nameof(maps));
        _maps = maps;
        _layout = layout;
        var layer = layout.Layer;
        _channels = layer.Shape.Count > 1 ? layer.Shape[0] : layer.Size;
        _perChannel = layer.Size / _channels;
    }

    /// <summary>The layout the values follow.</summary>
    public ConductanceMapLayout Layout => _layout;

    /// <summary>Channels (filters) of the layer: its first axis, or one per neuron for a flat layer.</summary>
    public int Channels => _channels;

    /// <summary>Neuron <paramref name="neuron"/>'s map on its window (row-major over <see cref="Window"/>).</summary>
    public ReadOnlySpan<T> Neuron(int neuron) => _maps.Slice(_layout.Offset(neuron), _layout.Window(neuron).Count);

    /// <summary>Where neuron <paramref name="neuron"/>'s window lies in the input.</summary>
    public MapWindow Window(int neuron) => _layout.Window(neuron);

    /// <summary>Neuron <paramref name="neuron"/>'s map over the whole input (zero outside its window), into <paramref name="destination"/> (InputSize values).</summary>
    public void NeuronOverInput(int neuron, Span<T> destination)
    {
        CheckDestination(destination);
        destination.Clear();
        AddNeuron(neuron, destination);
    }

    /// <summary>The summed map of every neuron of channel (filter) <paramref name="channel"/> over the whole input, into <paramref name="destination"/> (InputSize values).</summary>
    public void Filter(int channel, Span<T> destination)
    {
        if ((uint)channel >= (uint)_channels) throw new ArgumentOutOfRangeException(nameof(channel), channel, $"The layer has channels 0..{_channels - 1}.");
        CheckDestination(destination);
        destination.Clear();
        for (int p = 0; p < _perChannel; p++) AddNeuron(channel * _perChannel + p, destination);
    }

    /// <summary>
    /// The input features (indices into the input) with the largest |conductance| through <paramref name="neuron"/>,
    /// largest first, into <paramref name="features"/> (its length is k, at most the window's size); ties keep the lower
    /// index first.
    /// </summary>
    public void TopFeatures(int neuron, Span<int> features)
    {
        var map = Neuron(neuron);
        if (features.Length > map.Length)
            throw new ArgumentException($"Ask for at most {map.Length} features: neuron {neuron}'s window ({_layout.Window(neuron)}) holds {map.Length}.", nameof(features));
        if (features.IsEmpty) return;

        // Insertion into the k best window positions; window order is input order, so ties keep the lower index.
        int filled = 0;
        for (int k = 0; k < map.Length; k++)
        {
            T magnitude = T.Abs(map[k]);
            int at = filled < features.Length ? filled++ : features.Length;
            if (at == features.Length && !(magnitude > T.Abs(map[features[^1]]))) continue;
            if (at == features.Length) at = features.Length - 1;
            while (at > 0 && magnitude > T.Abs(map[features[at - 1]])) { features[at] = features[at - 1]; at--; }
            features[at] = k;
        }

        for (int r = 0; r < features.Length; r++) features[r] = _layout.InputIndex(neuron, features[r]);
    }

    private void AddNeuron(int neuron, Span<T> destination)
    {
        var w = _layout.Window(neuron);
        var values = _maps.Slice(_layout.Offset(neuron), w.Count);
        int height = _layout.InputHeight, width = _layout.InputWidth, k = 0;
        for (int c = 0; c < w.Channels; c++)
            for (int y = 0; y < w.Height; y++)
            {
                int row = ((w.Channel + c) * height + w.Top + y) * width + w.Left;
                for (int x = 0; x < w.Width; x++) destination[row + x] += values[k++];
            }
    }

    private void CheckDestination(Span<T> destination)
    {
        if (destination.Length != _layout.InputSize)
            throw new ArgumentException($"'destination' has {destination.Length} values; the input has {_layout.InputSize}.", nameof(destination));
    }
}
