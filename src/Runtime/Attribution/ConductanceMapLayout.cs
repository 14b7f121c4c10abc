using Axon.Model;

namespace Axon.Attribution;

/// <summary>
/// How <see cref="Attributor{T}.NeuronConductanceMaps"/> stores every neuron's conductance map of one layer. A
/// neuron's map is zero outside its receptive field, so only its window is stored: neuron j's values are
/// <c>maps[Offset(j) .. Offset(j) + Window(j).Count]</c>, its window's input features in row-major order
/// (<see cref="MapWindow"/>), neuron after neuron. The windows come from the receptive fields the generator emits
/// (<see cref="INetworkFacts.ReceptiveFields"/>); where the field is the whole input (after a dense layer, or for a
/// model without those facts) every window is the whole input and the layout is dense: neuron j's map is
/// <c>maps[j × InputSize .. (j + 1) × InputSize]</c> (<see cref="IsDense"/>).
/// </summary>
public sealed class ConductanceMapLayout
{
    private readonly int[] _offsets;  // per neuron, then the total
    private readonly int[] _windows;  // per neuron: channel, top, left, channels, height, width
    private readonly int _planeHeight, _planeWidth;
    private int[]? _byFeature;        // for each input feature, where its (neuron, value) pairs start in _pairs
    private int[]? _pairs;            // neuron, value index; feature after feature

    private ConductanceMapLayout(LayerInfo layer, IReadOnlyList<int> inputShape, ReceptiveField field)
    {
        Layer = layer;
        Neurons = layer.Size;
        InputSize = inputShape.Aggregate(1, (a, b) => a * b);
        (int channels, _planeHeight, _planeWidth) = inputShape.Count switch
        {
            1 => (1, 1, inputShape[0]),
            2 => (inputShape[0], 1, inputShape[1]),
            3 => (inputShape[0], inputShape[1], inputShape[2]),
            _ => (1, 1, InputSize), // an input of another rank is mapped whole (the field is then whole too)
        };
        if (inputShape.Count > 3) field = ReceptiveField.WholeInput(Neurons, [InputSize]);
        InputChannels = channels;

        _offsets = new int[Neurons + 1];
        _windows = new int[Neurons * 6];
        int rank = field.Axes.Count;
        Span<int> start = stackalloc int[rank], end = stackalloc int[rank];
        long total = 0;
        bool dense = true;
        for (int j = 0; j < Neurons; j++)
        {
            field.Window(j, start, end);
            // Pad to [C, H, W]: the last input axis is the width, the one before it the height (rank 3) or channels (rank 2).
            int a0 = rank == 3 ? 0 : -1, a1 = rank == 3 ? 1 : -1, a2 = rank - 1;
            if (rank == 2) a0 = 0;
            var w = new MapWindow(
                a0 < 0 ? 0 : start[a0], a1 < 0 ? 0 : start[a1], start[a2],
                a0 < 0 ? 1 : Math.Max(0, end[a0] - start[a0]), a1 < 0 ? 1 : Math.Max(0, end[a1] - start[a1]), Math.Max(0, end[a2] - start[a2]));
            if (w.Count != InputSize) dense = false;
            _windows[j * 6] = w.Channel; _windows[j * 6 + 1] = w.Top; _windows[j * 6 + 2] = w.Left;
            _windows[j * 6 + 3] = w.Channels; _windows[j * 6 + 4] = w.Height; _windows[j * 6 + 5] = w.Width;
            _offsets[j] = (int)total;
            total += w.Count;
            if (total > Array.MaxLength) throw new NotSupportedException($"The maps of layer '{layer.Name}' would hold {total} values or more, past one array.");
        }

        _offsets[Neurons] = (int)total;
        IsDense = dense;
    }

    /// <summary>The layer whose neurons the maps belong to.</summary>
    public LayerInfo Layer { get; }

    /// <summary>Neurons of the layer.</summary>
    public int Neurons { get; }

    /// <summary>Input features of the model.</summary>
    public int InputSize { get; }

    /// <summary>Channels of the input seen as [C, H, W].</summary>
    public int InputChannels { get; }

    /// <summary>Rows of the input seen as [C, H, W].</summary>
    public int InputHeight => _planeHeight;

    /// <summary>Columns of the input seen as [C, H, W].</summary>
    public int InputWidth => _planeWidth;

    /// <summary>Values of all the maps together: the length <see cref="Attributor{T}.NeuronConductanceMaps"/> needs.</summary>
    public int Length => _offsets[Neurons];

    /// <summary>True when every window is the whole input (neuron j's map at j × InputSize).</summary>
    public bool IsDense { get; }

    /// <summary>
    /// The layout of <paramref name="layer"/>'s maps on <paramref name="model"/>: windows from the generator's receptive
    /// fields, or dense for a model without them.
    /// </summary>
    /// <exception cref="ArgumentException">The layer is not a node of the model.</exception>
    public static ConductanceMapLayout For<T>(IDifferentiableModel<T> model, LayerHandle layer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        int index = layer.Index;
        if ((uint)index >= (uint)model.Layers.Count)
            throw new ArgumentException($"Layer {index} is not a node of model '{model.Name}' (nodes 0..{model.Layers.Count - 1}).", nameof(layer));
        var info = model.Layers[index];
        var inputShape = model.Layers[0].Shape;
        var field = model is INetworkFacts facts && facts.ReceptiveFields.Count == model.Layers.Count
            ? facts.ReceptiveFields[index]
            : ReceptiveField.WholeInput(info.Size, inputShape);
        return new ConductanceMapLayout(info, inputShape, field);
    }

    /// <summary>Where neuron <paramref name="neuron"/>'s values start.</summary>
    public int Offset(int neuron) => _offsets[CheckNeuron(neuron)];

    /// <summary>Neuron <paramref name="neuron"/>'s window in the input.</summary>
    public MapWindow Window(int neuron)
    {
        int at = CheckNeuron(neuron) * 6;
        return new MapWindow(_windows[at], _windows[at + 1], _windows[at + 2], _windows[at + 3], _windows[at + 4], _windows[at + 5]);
    }

    /// <summary>The input feature (index into the input) of value <paramref name="k"/> of neuron <paramref name="neuron"/>'s window.</summary>
    public int InputIndex(int neuron, int k)
    {
        var w = Window(neuron);
        if ((uint)k >= (uint)w.Count) throw new ArgumentOutOfRangeException(nameof(k), k, $"Neuron {neuron}'s window holds {w.Count} values.");
        int x = k % w.Width, rest = k / w.Width, y = rest % w.Height, c = rest / w.Height;
        return ((w.Channel + c) * _planeHeight + w.Top + y) * _planeWidth + w.Left + x;
    }

    /// <summary>
    /// For each input feature i, the (neuron, value index) pairs of every window that holds it:
    /// <c>pairs[2p], pairs[2p + 1]</c> for p in <c>starts[i] .. starts[i + 1]</c>. Built on first use.
    /// </summary>
    internal (int[] Starts, int[] Pairs) ByFeature()
    {
        if (_byFeature is null) BuildByFeature(); // apart: its closures would allocate on every call, even when built
        return (_byFeature!, _pairs!);
    }

    private void BuildByFeature()
    {
        var starts = new int[InputSize + 1];
        for (int j = 0; j < Neurons; j++) ForEachFeature(j, (i, _) => starts[i + 1]++);
        for (int i = 0; i < InputSize; i++) starts[i + 1] += starts[i];
        var pairs = new int[2 * Length];
        var next = starts[..InputSize];
        for (int j = 0; j < Neurons; j++)
        {
            int neuron = j;
            ForEachFeature(j, (i, value) => { int p = next[i]++; pairs[2 * p] = neuron; pairs[2 * p + 1] = value; });
        }

        _pairs = pairs;
        _byFeature = starts;
    }

    private void ForEachFeature(int neuron, Action<int, int> visit)
    {
        var w = Window(neuron);
        int value = _offsets[neuron];
        for (int c = 0; c < w.Channels; c++)
            for (int y = 0; y < w.Height; y++)
            {
                int row = ((w.Channel + c) * _planeHeight + w.Top + y) * _planeWidth + w.Left;
                for (int x = 0; x < w.Width; x++) visit(row + x, value++);
            }
    }

    private int CheckNeuron(int neuron)
    {
        if ((uint)neuron >= (uint)Neurons) throw new ArgumentOutOfRangeException(nameof(neuron), neuron, $"Layer '{Layer.Name}' has neurons 0..{Neurons - 1}.");
        return neuron;
    }
}
